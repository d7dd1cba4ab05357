"""``manage.py lintmigrations``: fail when a new migration would lock a big table while building
an index (see cleopay.migrationlint); ``--list`` prints every migration the linter checks."""

from django.core.management.base import BaseCommand, CommandError

from cleopay import migrationlint


class Command(BaseCommand):
    help = "Refuse new migrations that build indexes on big tables without CONCURRENTLY."

    def add_arguments(self, parser):
        parser.add_argument(
            "--list", action="store_true", help="Print the migrations that are checked."
        )

    def handle(self, *args, **options):
        own = migrationlint.project_migrations()
        skip = migrationlint.grandfathered()
        if options["list"]:
            for migration in sorted(own, key=lambda m: (m.app_label, m.name)):
                label = f"{migration.app_label}.{migration.name}"
                if label not in skip:
                    self.stdout.write(label)
            return
        problems = migrationlint.lint(own, skip)
        if problems:
            raise CommandError(
                "Migrations that would lock a big table (see cleopay/migrationlint.py):\n  "
                + "\n  ".join(problems)
            )
        checked = [m for m in own if f"{m.app_label}.{m.name}" not in skip]
        self.stdout.write(
            f"{len(own)} migrations, {len(checked)} new since the linter: "
            "no index built under a lock."
        )
