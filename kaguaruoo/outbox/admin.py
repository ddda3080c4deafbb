"""The outbox's rows, read-only: what was decided, claimed, sent, failed or skipped; a
failed row can be sent again ("Send the failed mail again").

The rows name people and their addresses, so the app that sends through the outbox
registers this class with privacy's officers-only, audited mixin (the kernel
imports no app) and writes the audit row of a retry; see campaigns/core/admin.py.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kaguaruoo.admin import ReadOnlyAdminMixin
from kaguaruoo.outbox.models import OutboxMessage
from kaguaruoo.outbox.services import outbox_retry


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
    actions = ["retry_failed"]

    def has_retry_permission(self, request):
        return self.has_view_permission(request)

    @admin.action(description=_("Send the failed mail again"), permissions=["retry"])
    def retry_failed(self, request, queryset):
        failed = list(queryset.filter(state=OutboxMessage.State.FAILED))
        retried = outbox_retry(messages=queryset.filter(pk__in=[row.pk for row in failed]))
        self.retried(request, failed)
        if retried:
            text = ngettext(
                "%(count)d mail will be sent again.", "%(count)d mails will be sent again.", retried
            )
            self.message_user(request, text % {"count": retried}, messages.SUCCESS)
        else:
            self.message_user(request, _("None of the chosen mail had failed."), messages.WARNING)

    def retried(self, request, rows) -> None:
        """Rows a staff member sent again; the registering app records who did."""
