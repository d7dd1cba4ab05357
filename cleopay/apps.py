from django.apps import AppConfig


class CleopayConfig(AppConfig):
    name = "cleopay"
    verbose_name = "Cleo Pay platform"

    def ready(self):
        from django.conf import settings

        from cleopay import checks  # noqa: F401  (registers the deploy checks)
        from cleopay.core.api import schema_fields  # noqa: F401  (registers the schema extensions)

        if settings.METRICS_ENABLED:
            from cleopay import metrics

            metrics.connect_task_signals()
