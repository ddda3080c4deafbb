from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users")

    def ready(self):
        # allauth calls its app "Accounts" too; admin's index would show two "ACCOUNTS"
        # sections. Its admin holds only the sign-in e-mail addresses: name it so.
        if apps.is_installed("allauth.account"):
            apps.get_app_config("account").verbose_name = _("E-mail addresses")
