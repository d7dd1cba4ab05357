from django.core.management.base import BaseCommand

from cleopay import demo


class Command(BaseCommand):
    help = "Load demo businesses, people, connections and payables (safe to run again)."

    def handle(self, *args, **options):
        businesses, users = demo.seed_accounts()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in at /login with:"))
        for _key, email, _name, business_key, role in demo.PEOPLE:
            business = businesses[business_key].name
            self.stdout.write(f"  {email:<24} {demo.PASSWORD}   {role:<10} of {business}")
