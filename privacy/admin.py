from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from kaguaruoo.admin import ReadOnlyAdminMixin
from privacy.models import (
    AccessLog,
    Consent,
    IdentityVerification,
    PolicyVersion,
    PrivacyRequest,
    ProvisionRecord,
    StaffAuditLog,
)
from privacy.selectors import access_top_domains, access_trends
from privacy.services import (
    PrivacyError,
    identity_decide,
    personal_data_provide,
    policy_publish,
    privacy_request_decide,
    privacy_request_decision_check,
    privacy_request_file,
    privacy_request_start,
)
from privacy.staff_access import PersonalDataAdminMixin, audit_origin, is_privacy_officer


def adopt_saved(shell, saved) -> None:
    """Admin logs and redirects with the object it built; give it what the service saved."""
    for field in saved._meta.concrete_fields:
        setattr(shell, field.attname, getattr(saved, field.attname))
    shell._state.adding = False


class PolicyRevisionForm(forms.ModelForm):
    """A revision in both languages: each reader gets the policy in theirs."""

    class Meta:
        model = PolicyVersion
        fields = ["text", "text_ja", "changes", "changes_ja"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text_ja"].required = True

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("changes", "").strip()) != bool(cleaned.get("changes_ja", "").strip()):
            raise forms.ValidationError(
                _("Say what changed in English and in Japanese, or in neither.")
            )
        return cleaned


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """A published version never changes; a revision is a new version published here."""

    list_display = ["version", "published_at", "published_by"]
    form = PolicyRevisionForm

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return self.get_fields(request, obj)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["text", "text_ja", "changes", "changes_ja"]
        return [
            "version",
            "published_at",
            "published_by",
            "changes",
            "changes_ja",
            "text",
            "text_ja",
        ]

    def save_model(self, request, obj, form, change):
        if change:
            return
        published = policy_publish(
            text=form.cleaned_data["text"],
            text_ja=form.cleaned_data["text_ja"],
            changes=form.cleaned_data["changes"],
            changes_ja=form.cleaned_data["changes_ja"],
            by=request.user,
        )
        adopt_saved(obj, published)

    def has_delete_permission(self, request, obj=None):
        return False


class LegalExceptionProvisionForm(forms.ModelForm):
    """Staff record a provision made under a legal exception (policy 3.1.1-3.1.3)."""

    data_items_text = forms.CharField(
        label=_("Data items"), help_text=_("Separate the items with commas.")
    )

    class Meta:
        model = ProvisionRecord
        fields = ["person", "recipient_name", "purpose", "basis", "exception_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["basis"].choices = [
            choice for choice in ProvisionRecord.Basis.choices if choice[0] != "consent"
        ]
        self.fields["exception_reason"].required = True

    def clean_data_items_text(self):
        items = [item.strip() for item in self.cleaned_data["data_items_text"].split(",")]
        return [item for item in items if item]


@admin.register(ProvisionRecord)
class ProvisionRecordAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["provided_at", "person", "recipient_name", "basis", "keep_until"]
    list_filter = ["basis"]
    date_hierarchy = "provided_at"
    readonly_fields = [
        "person",
        "recipient",
        "recipient_name",
        "data_items",
        "purpose",
        "provided_at",
        "basis",
        "consent",
        "exception_reason",
        "recorded_by",
        "keep_until",
    ]
    raw_id_fields = ["person"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = LegalExceptionProvisionForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                "person",
                "recipient_name",
                "data_items_text",
                "purpose",
                "basis",
                "exception_reason",
            ]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        record = personal_data_provide(
            person=form.cleaned_data["person"],
            recipient_name=form.cleaned_data["recipient_name"],
            data_items=form.cleaned_data["data_items_text"],
            purpose=form.cleaned_data["purpose"],
            basis=form.cleaned_data["basis"],
            exception_reason=form.cleaned_data["exception_reason"],
            by=request.user,
            origin=audit_origin(request),
        )
        adopt_saved(obj, record)

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        """Only records past their legal retention may go."""
        if obj is None or obj.keep_until >= timezone.localdate():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdminMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["recorded_at", "user", "purpose", "granted", "policy_version", "source"]
    list_filter = ["purpose", "granted", "source"]
    list_select_related = ["user", "policy_version"]
    search_fields = ["user__email"]


@admin.register(StaffAuditLog)
class StaffAuditLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Readable by privacy officers; nobody can add, change or delete a row here."""

    list_display = ["at", "staff", "action", "model", "object_id", "person", "path"]
    list_filter = ["action", "model"]
    list_select_related = ["staff", "person"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return is_privacy_officer(request.user)

    def has_view_permission(self, request, obj=None):
        return is_privacy_officer(request.user)


class PrivacyRequestFileForm(forms.ModelForm):
    """For someone who lost access: staff file the request after verifying a document."""

    class Meta:
        model = PrivacyRequest
        fields = ["user", "kind", "details", "identity_note"]
        help_texts = {
            "identity_note": _(
                "Which document was verified, and how (e.g. residence card, in a video call)."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["identity_note"].required = True


class PrivacyRequestDecisionForm(forms.ModelForm):
    class Meta:
        model = PrivacyRequest
        fields = ["decision", "ground", "decision_reason"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("decision"):
            return cleaned
        try:
            privacy_request_decision_check(
                kind=self.instance.kind,
                decision=cleaned["decision"],
                ground=cleaned.get("ground", ""),
                reason=cleaned.get("decision_reason", ""),
            )
        except PrivacyError as error:
            raise forms.ValidationError(str(error)) from None
        return cleaned


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "user", "status", "received_at", "due", "decision"]
    list_filter = ["status", "kind", "decision"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    actions = ["start_handling"]
    raw_id_fields = ["user"]
    readonly_fields = [
        "user",
        "kind",
        "details",
        "corrections",
        "corrected",
        "status",
        "identity_check",
        "identity_note",
        "identity_checked_by",
        "received_at",
        "due_on",
        "decided_at",
        "decided_by",
        "archive_expires_at",
        "erasure_report",
    ]

    @admin.display(description=_("due on"), ordering="due_on")
    def due(self, obj):
        if obj.is_overdue:
            return format_html(
                '<strong class="overdue" style="color:#b3261e">{} · {}</strong>',
                obj.due_on,
                _("overdue"),
            )
        return obj.due_on

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = PrivacyRequestFileForm if obj is None else PrivacyRequestDecisionForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return PrivacyRequestFileForm._meta.fields
        editable = [] if obj.status == PrivacyRequest.Status.CLOSED else ["decision", "ground"]
        return [*self.readonly_fields, *editable, "decision_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.status == PrivacyRequest.Status.CLOSED:
            return [*self.readonly_fields, "decision", "ground", "decision_reason"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            filed = privacy_request_file(
                user=form.cleaned_data["user"],
                kind=form.cleaned_data["kind"],
                details=form.cleaned_data["details"],
                identity_check=PrivacyRequest.IdentityCheck.DOCUMENT,
                identity_note=form.cleaned_data["identity_note"],
                checked_by=request.user,
                origin=audit_origin(request),
            )
            adopt_saved(obj, filed)
            return
        if form.cleaned_data.get("decision"):
            current = PrivacyRequest.objects.get(pk=obj.pk)
            privacy_request_decide(
                privacy_request=current,
                decision=form.cleaned_data["decision"],
                ground=form.cleaned_data.get("ground", ""),
                reason=form.cleaned_data.get("decision_reason", ""),
                by=request.user,
                origin=audit_origin(request),
            )
            adopt_saved(obj, current)

    @admin.action(description=_("Start handling the selected requests"))
    def start_handling(self, request, queryset):
        started = 0
        for privacy_request in queryset.filter(status=PrivacyRequest.Status.RECEIVED):
            privacy_request_start(
                privacy_request=privacy_request, by=request.user, origin=audit_origin(request)
            )
            started += 1
        self.message_user(request, _("%(count)d request(s) now in progress.") % {"count": started})

    def has_delete_permission(self, request, obj=None):
        return False


class IdentityDecisionForm(forms.ModelForm):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("", "---------"), ("yes", _("Approve")), ("no", _("Reject"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )

    class Meta:
        model = IdentityVerification
        fields = ["reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("approve") is False and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("A rejection needs its reason, which the person will read."))
        return cleaned


@admin.register(IdentityVerification)
class IdentityVerificationAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    form = IdentityDecisionForm
    list_display = [
        "__str__",
        "user",
        "status",
        "submitted_at",
        "waiting",
        "decided_at",
        "decided_by",
    ]
    list_filter = ["status", "document_type"]
    list_select_related = ["user", "decided_by"]
    readonly_fields = [
        "user",
        "document_type",
        "document_link",
        "status",
        "submitted_at",
        "decided_at",
        "decided_by",
        "document_deleted_at",
    ]

    @admin.display(description=_("document"))
    def document_link(self, obj):
        if not obj.document:
            return _("Deleted")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("privacy:identity_document", args=[obj.pk]),
            _("Open the document"),
        )

    def get_fields(self, request, obj=None):
        if obj is not None and obj.status == IdentityVerification.Status.PENDING:
            return [*self.readonly_fields, "approve", "reason"]
        return [*self.readonly_fields, "reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != IdentityVerification.Status.PENDING:
            return [*self.readonly_fields, "reason"]
        return self.readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        approve = form.cleaned_data.get("approve")
        if approve is None:
            return
        current = IdentityVerification.objects.get(pk=obj.pk)
        identity_decide(
            verification=current,
            approve=approve,
            reason=form.cleaned_data.get("reason", ""),
            by=request.user,
            origin=audit_origin(request),
        )
        adopt_saved(obj, current)

    @admin.display(description=_("waiting"))
    def waiting(self, obj) -> str:
        """How long a document has waited for staff; empty once decided."""
        if obj.status != IdentityVerification.Status.PENDING:
            return ""
        return timesince(obj.submitted_at)


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    """The log itself for privacy officers, with the daily trends above it (policy 1.2.3)."""

    change_list_template = "admin/privacy/accesslog/change_list.html"
    list_display = ["at", "method", "path", "status", "ip_address", "source_domain", "user"]
    list_filter = ["status", "method"]
    list_select_related = ["user"]
    date_hierarchy = "at"
    fields = ["at", "user", "method", "path", "status", "ip_address", "source_domain", "user_agent"]
    readonly_fields = ["source_domain"]

    @admin.display(description=_("connection-source domain"), ordering="domain")
    def source_domain(self, entry: AccessLog) -> str:
        """What the reverse lookup gave, or why there is no name (never a bare "-")."""
        if entry.domain:
            return entry.domain
        if not entry.ip_address:
            return _("no address")
        if not entry.domain_resolved:
            return _("not looked up yet")
        return _("no name (the reverse lookup found none)")

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "trends": access_trends(days=30),
            "top_domains": access_top_domains(days=30),
        }
        return super().changelist_view(request, extra_context)
