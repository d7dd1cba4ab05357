"""Re-encrypt every bank account number under the first of BANK_ACCOUNT_KEYS (banking.crypto)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from banking import crypto
from banking.models import BankAccount


class Command(BaseCommand):
    help = "Re-encrypt every bank account number under the first key of BANK_ACCOUNT_KEYS."

    def handle(self, *args, **options):
        count = 0
        with transaction.atomic():
            for account in BankAccount.objects.select_for_update().order_by("id").iterator():
                account.account_number_encrypted = crypto.rotate(account.account_number_encrypted)
                account.save(update_fields=["account_number_encrypted"])
                count += 1
        self.stdout.write(f"{count} bank account numbers re-encrypted under the first key.")
