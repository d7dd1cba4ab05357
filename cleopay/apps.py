from django.apps import AppConfig


class CleopayConfig(AppConfig):
    name = "cleopay"
    verbose_name = "Cleo Pay platform"
