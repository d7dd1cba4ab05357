from django.apps import AppConfig


class CleopayConfig(AppConfig):
    """The shell: settings, URLs, pages' shared context, template tags, demo data, commands."""

    name = "cleopay"
    # ``cleopay`` is the label of ``cleopay.core`` (its models' tables carry it).
    label = "shell"
    verbose_name = "Cleo Pay site"

    def ready(self):
        from django.conf import settings

        from cleopay import checks  # noqa: F401  (registers the deploy checks)

        if settings.METRICS_ENABLED:
            from cleopay import metrics

            metrics.connect_task_signals()
