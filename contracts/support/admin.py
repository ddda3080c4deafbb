"""Staff answer support requests in admin. They hold personal data: privacy officers only.

The request's messages are shown read-only under it; the "Answer" field on the
change page is not a model field: saving it calls `support_reply`, which moves
the request to "answered" and mails the person who opened it. Every list, view
and file download is written to the staff audit log here; the services write
the rows of answers and closes themselves.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contracts.models import SupportMessage, SupportRequest
from contracts.support.forms import SupportReplyForm
from contracts.support.selectors import support_attachment_get
from contracts.support.services import support_reply, support_request_close
from kaguaruoo.admin import ReadOnlyAdminMixin
from kaguaruoo.transitions import IllegalTransition
from kaguaruoo.uploads import attachment_response
from privacy.models import StaffAuditLog
from privacy.staff_access import (
    PersonalDataAdminMixin,
    audit_origin,
    audit_record,
    is_privacy_officer,
)


class SupportMessageInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SupportMessage
    extra = 0
    can_delete = False
    fields = ["created_at", "sender", "body", "file_link"]
    readonly_fields = fields
    ordering = ["id"]

    @admin.display(description=_("from"))
    def sender(self, message):
        if message.from_staff:
            return format_html("{} ({})", _("KaguAruoo support"), message.author.email)
        return message.author.email

    @admin.display(description=_("file"))
    def file_link(self, message):
        if not message.file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:contracts_supportrequest_file", args=[message.request_id, message.pk]),
            message.original_name,
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_view_permission(self, request, obj=None):
        return is_privacy_officer(request.user) and super().has_view_permission(request, obj)


@admin.register(SupportRequest)
class SupportRequestAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    form = SupportReplyForm
    inlines = [SupportMessageInline]
    list_display = ["__str__", "contract_number", "opened_by", "category", "status", "updated_at"]
    list_filter = ["status", "category"]
    list_select_related = ["contract", "opened_by"]
    search_fields = ["=id", "subject", "opened_by__email", "=contract__id"]
    actions = ["close_requests"]
    readonly_fields = [
        "contract_number",
        "case_links",
        "opened_by",
        "opener_role",
        "category",
        "subject",
        "status",
        "created_at",
        "updated_at",
    ]

    @admin.display(description=_("contract"), ordering="contract_id")
    def contract_number(self, support_request):
        return support_request.contract.number

    @admin.display(description=_("the case"))
    def case_links(self, support_request):
        """One click to each thing a support case needs: the contract, its conversation,
        the listing, the payments and both parties."""
        contract = support_request.contract
        payments = reverse("admin:contracts_payment_changelist")
        links = [
            (reverse("admin:contracts_contract_change", args=[contract.pk]), _("Contract")),
            (reverse("admin:messaging_thread_change", args=[contract.thread_id]), _("Thread")),
            (reverse("admin:listings_listing_change", args=[contract.listing_id]), _("Listing")),
            (f"{payments}?q={contract.number}", _("Payments")),
            (reverse("admin:accounts_user_change", args=[contract.tenant_id]), _("Tenant")),
            (reverse("admin:accounts_user_change", args=[contract.host_id]), _("Host")),
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    @admin.display(description=_("opener's role"))
    def opener_role(self, support_request):
        role = support_request.contract.role_of(support_request.opened_by)
        return _("tenant") if role == "tenant" else _("host")

    def get_fields(self, request, obj=None):
        if obj is None or obj.status == SupportRequest.Status.CLOSED:
            return self.readonly_fields
        return [*self.readonly_fields, "reply", "reply_attachment"]

    def get_urls(self):
        download = path(
            "<path:object_id>/files/<int:message_pk>/",
            self.admin_site.admin_view(self.attachment_view),
            name="contracts_supportrequest_file",
        )
        return [download, *super().get_urls()]

    def attachment_view(self, request, object_id, message_pk):
        support_request = self.get_object(request, object_id)
        if support_request is None:
            raise Http404
        if not self.has_view_permission(request, support_request):
            raise PermissionDenied
        message = support_attachment_get(support_request=support_request, pk=message_pk)
        audit_record(request=request, action=StaffAuditLog.Action.VIEW, obj=support_request)
        return attachment_response(
            file=message.file, content_type=message.content_type, filename=message.original_name
        )

    def save_model(self, request, obj, form, change):
        answer = form.cleaned_data.get("reply", "").strip()
        if not answer:
            return
        try:
            support_reply(
                request=obj,
                staff=request.user,
                body=answer,
                attachment=form.cleaned_data.get("reply_attachment"),
                origin=audit_origin(request),
            )
        except (ValidationError, IllegalTransition) as error:
            # Closed by its opener while this page was open: nothing was sent.
            text = " ".join(error.messages) if isinstance(error, ValidationError) else ""
            messages.error(request, text or _("This request was closed meanwhile."))

    @admin.action(description=_("Close the selected requests"))
    def close_requests(self, request, queryset):
        closed = 0
        for support_request in queryset.exclude(status=SupportRequest.Status.CLOSED):
            try:
                support_request_close(
                    request=support_request, by=request.user, origin=audit_origin(request)
                )
            except IllegalTransition:
                continue  # closed by its opener meanwhile
            closed += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d request closed; its opener was mailed.",
                "%(count)d requests closed; their openers were mailed.",
                closed,
            )
            % {"count": closed},
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
