from django.apps import AppConfig


class BankingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "banking"

    def ready(self):
        from django.db.models.signals import post_save

        from banking import receivers
        from payables.models import Payment

        post_save.connect(
            receivers.payment_created, sender=Payment, dispatch_uid="banking.payment_accounts"
        )
