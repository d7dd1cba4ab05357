from django.core.management.base import BaseCommand

from cleopay import demo


class Command(BaseCommand):
    help = "Load demo businesses, people, connections and payables (safe to run again)."

    def handle(self, *args, **options):
        businesses, _users = demo.seed_all()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in at /login with:"))
        for _key, email, _name, business_key, role in demo.PEOPLE:
            business = businesses[business_key].name
            self.stdout.write(f"  {email:<24} {demo.PASSWORD}   {role:<10} of {business}")
        self.stdout.write(f"  {demo.STAFF_EMAIL:<24} {demo.PASSWORD}   admin site (/admin/)")
        self.stdout.write(
            "API token: curl -X POST http://127.0.0.1:8000/api/auth/token "
            '-H "Content-Type: application/json" '
            f'-d \'{{"email": "alice@acme.example", "password": "{demo.PASSWORD}"}}\''
        )
