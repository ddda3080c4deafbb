from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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
        (_("Roles"), {"fields": ["is_host", "is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]
