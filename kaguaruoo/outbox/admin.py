"""The outbox's rows, read-only: what was decided, claimed, sent, failed or skipped.

The rows name people and their addresses, so the app that sends through the outbox
registers this class with privacy's officers-only, audited mixin (the kernel
imports no app); see campaigns/core/admin.py.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kaguaruoo.admin import ReadOnlyAdminMixin


class OutboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "key",
        "kind",
        "address",
        "state",
        "attempts",
        "message_id",
        "smtp_response",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "state"]
    search_fields = ["address", "key", "message_id"]
    search_help_text = _("An address, a key (campaign:1:user:2) or a Message-ID.")
    date_hierarchy = "created_at"
    fields = [
        "kind",
        "key",
        "group",
        "recipient",
        "address",
        "state",
        "not_before",
        "worker",
        "lease_until",
        "attempts",
        "message_id",
        "smtp_response",
        "created_at",
        "finished_at",
        "payload",
    ]
    readonly_fields = fields
