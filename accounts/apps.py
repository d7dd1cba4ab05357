from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and businesses"

    def ready(self):
        from accounts import loginguard, schema  # noqa: F401  (schema: the OpenAPI auth scheme)

        loginguard.connect()
