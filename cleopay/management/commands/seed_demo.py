import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cleopay import demo


class Command(BaseCommand):
    help = (
        "Load demo businesses, people, connections and payables (safe to run again). "
        "Its logins share a published password: refused with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even with DEBUG off (its logins' password is public).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates logins whose password is published "
                f"({demo.PASSWORD}), one of them a staff account for the admin site, and DEBUG "
                "is off, as in production. Run it with DEBUG=1, or add --force to load the demo "
                "here anyway."
            )
        # Each task the demo runs in process logs a line; the logins are what the reader needs.
        trace = logging.getLogger("celery.app.trace")
        level = trace.level
        trace.setLevel(logging.WARNING)
        try:
            businesses, _users = demo.seed_all()
        finally:
            trace.setLevel(level)
        self.stdout.write(self.login_block(businesses))

    def login_block(self, businesses) -> str:
        """The demo's logins, last and short, so they are not lost in what came before."""
        site = settings.SITE_URL
        lines = [
            "",
            "=" * 72,
            self.style.SUCCESS(f"Cleo Pay demo is ready: log in at {site}/login"),
            f"Password for every login: {demo.PASSWORD}",
        ]
        for _key, email, _name, business_key, role in demo.PEOPLE:
            lines.append(f"  {email:<24} {role:<10} of {businesses[business_key].name}")
        lines.append(f"  {demo.STAFF_EMAIL:<24} staff      admin site at {site}/admin/")
        lines += [
            f"API token: curl -X POST {site}/api/auth/token "
            '-H "Content-Type: application/json" '
            f'-d \'{{"email": "alice@acme.example", "password": "{demo.PASSWORD}"}}\'',
            "=" * 72,
        ]
        return "\n".join(lines)
