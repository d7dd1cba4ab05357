from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cleopay.core"
    # The label the models were created under: tables and migration history stay as they are.
    label = "cleopay"
    verbose_name = "Cleo Pay platform"

    def ready(self):
        from cleopay.core.api import schema_fields  # noqa: F401  (registers the schema extensions)
