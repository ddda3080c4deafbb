from allauth.account.admin import EmailAddressAdmin as BaseEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin as BaseAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from privacy.staff_access import PersonalDataAdminMixin


@admin.register(User)
class UserAdmin(PersonalDataAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "account_type", "public_name", "is_host", "is_staff", "date_joined"]
    list_filter = ["account_type", "is_host", "is_staff", "is_active"]
    search_fields = ["email", "last_name", "corporation_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Identity"),
            {"fields": ["account_type", "first_name", "last_name", "corporation_name", "phone"]},
        ),
        (
            _("Profile"),
            {
                "fields": [
                    "introduction",
                    "first_name_visibility",
                    "last_name_visibility",
                    "phone_visibility",
                    "introduction_visibility",
                ]
            },
        ),
        (_("Roles"), {"fields": ["is_host", "is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


# Sign-in records are personal data too: the same officers-only, audited admin.
admin.site.unregister(EmailAddress)
admin.site.unregister(Authenticator)


@admin.register(EmailAddress)
class EmailAddressAdmin(PersonalDataAdminMixin, BaseEmailAddressAdmin):
    pass


@admin.register(Authenticator)
class AuthenticatorAdmin(PersonalDataAdminMixin, BaseAuthenticatorAdmin):
    pass
