from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        # Every app's personal_data.py registers what it holds about a person (privacy/registry.py).
        autodiscover_modules("personal_data")
