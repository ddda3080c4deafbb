"""Staff admin for payments: bank transfer reconciliation, the commission rates, and the
contracts whose cancellation leaves the tenant a refund.

A payment is part of a tenant's record, so its admin is for privacy officers
only and every look is audited (PersonalDataAdminMixin). It still shows no
names or contact details: a transfer is matched by its reference
(KA-000012-01), which the tenant writes on it. The same goes for contracts.
"""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q, Subquery
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from contracts.models import CommissionRate, Contract, Payment, StripeEvent
from contracts.payments.selectors import (
    PAYABLE,
    host_refund_share,
    transfer_reference,
    with_card_refunds_owed,
    with_host_received,
)
from contracts.payments.services import (
    commission_rate_set,
    commission_rate_start_check,
    payment_bank_transfer_record,
)
from kaguaruoo.admin import ReadOnlyAdminMixin
from kaguaruoo.money import yen
from kaguaruoo.transitions import IllegalTransition
from privacy.staff_access import (
    PersonalDataAdminMixin,
    audit_origin,
    is_privacy_officer,
)

# "KA-000012", "ka12" (a contract) or "KA-000012-01" (one of its payments).
CONTRACT_NUMBER = re.compile(r"^\s*KA-?0*(\d+)(?:-0*(\d+))?\s*$", re.IGNORECASE)


class StripeEventInline(admin.TabularInline):
    model = StripeEvent
    fields = ["event_id", "type", "received_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = gettext_lazy("Stripe events")

    def has_view_permission(self, request, obj=None):
        # Shown on a payment's page, to whoever may read the payment: the events are how
        # staff find a card payment to refund in Stripe.
        return is_privacy_officer(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CardRefundFilter(admin.SimpleListFilter):
    """Payments for which Stripe took card money that the site did not count."""

    title = gettext_lazy("card payments to refund")
    parameter_name = "card_refund"

    def lookups(self, request, model_admin):
        return [("owed", gettext_lazy("Card payments to refund"))]

    def queryset(self, request, queryset):
        if self.value() == "owed":
            return with_card_refunds_owed(queryset).filter(card_refunds_owed__gt=0)
        return queryset


# The amounts a payment row holds, in the order its page shows them.
PAYMENT_AMOUNTS = [
    "rent",
    "fees",
    "one_time",
    "deposit",
    "base",
    "tenant_commission",
    "host_commission",
    "amount",
    "host_payout",
]


def yen_display(name: str):
    """An admin column or read-only field showing the model field `name` as ¥205,000."""

    @admin.display(description=Payment._meta.get_field(name).verbose_name, ordering=name)
    def show(self, obj):
        return yen(getattr(obj, name))

    return show


class BankTransferForm(forms.Form):
    """One transfer reference per payment staff found on the bank statement."""

    def __init__(self, *args, payments, **kwargs):
        super().__init__(*args, **kwargs)
        for payment in payments:
            self.fields[f"reference_{payment.pk}"] = forms.CharField(
                label=_("%(reference)s, %(amount)s")
                % {"reference": transfer_reference(payment), "amount": yen(payment.amount)},
                max_length=200,
                help_text=_("The transfer's reference on the bank statement."),
            )

    def reference_for(self, payment) -> str:
        return self.cleaned_data[f"reference_{payment.pk}"]


@admin.register(Payment)
class PaymentAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = [
        "reference_code",
        "kind",
        "due_date",
        "amount_yen",
        "host_payout_yen",
        "status",
        "method",
        "paid_at",
    ]
    list_filter = [CardRefundFilter, "status", "method", "kind", "due_date"]
    date_hierarchy = "due_date"
    ordering = ["due_date", "contract_id", "sequence"]
    search_fields = ["reference", "checkout_session_id"]
    search_help_text = gettext_lazy(
        "A contract number (KA-000012), a transfer reference (KA-000012-01), "
        "a bank reference or a Stripe session."
    )
    list_select_related = ["contract"]
    actions = ["mark_paid_by_bank_transfer"]
    inlines = [StripeEventInline]
    fields = [
        "contract_number",
        "sequence",
        "kind",
        "status",
        "due_date",
        "period_start",
        "period_end",
        *(f"{name}_yen" for name in PAYMENT_AMOUNTS),
        "method",
        "reference",
        "paid_at",
        "reconciled_by",
        "checkout_session_id",
        "card_refunds",
        "reminded_at",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("transfer reference"), ordering="contract_id")
    def reference_code(self, payment):
        return transfer_reference(payment)

    rent_yen = yen_display("rent")
    fees_yen = yen_display("fees")
    one_time_yen = yen_display("one_time")
    deposit_yen = yen_display("deposit")
    base_yen = yen_display("base")
    tenant_commission_yen = yen_display("tenant_commission")
    host_commission_yen = yen_display("host_commission")
    amount_yen = yen_display("amount")
    host_payout_yen = yen_display("host_payout")

    @admin.display(description=gettext_lazy("contract"))
    def contract_number(self, payment):
        return payment.contract.number

    @admin.display(description=gettext_lazy("card payments to refund"))
    def card_refunds(self, payment):
        owed = (
            with_card_refunds_owed(Payment.objects.filter(pk=payment.pk))
            .values_list("card_refunds_owed", flat=True)
            .get()
        )
        if not owed:
            return _("None")
        return ngettext(
            "%(count)s: refund it in Stripe (its Stripe event is listed below; "
            "the support mailbox was sent its session and payment intent).",
            "%(count)s: refund them in Stripe (their Stripe events are listed below; "
            "the support mailbox was sent their sessions and payment intents).",
            owed,
        ) % {"count": owed}

    def get_search_results(self, request, queryset, search_term):
        number = CONTRACT_NUMBER.match(search_term)
        if number is None:
            return super().get_search_results(request, queryset, search_term)
        contract_pk, sequence = number.groups()
        found = queryset.filter(contract_id=int(contract_pk))
        if sequence:
            found = found.filter(sequence=int(sequence))
        return found, False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # A payment changes only through the action below; its page is for reading.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Mark as paid by bank transfer"), permissions=["change"])
    def mark_paid_by_bank_transfer(self, request, queryset):
        selected = list(queryset.select_related("contract").order_by("contract_id", "sequence"))
        payable = [payment for payment in selected if payment.status in PAYABLE]
        if not payable:
            self.message_user(
                request, _("None of the selected payments is due or overdue."), messages.WARNING
            )
            return None
        form = BankTransferForm(
            request.POST if "confirm" in request.POST else None, payments=payable
        )
        if form.is_bound and form.is_valid():
            self._record_transfers(request, form, payable)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Mark as paid by bank transfer"),
            "opts": self.model._meta,
            "form": form,
            "payable": payable,
            "skipped": [payment for payment in selected if payment.status not in PAYABLE],
            "selected": selected,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "mark_paid_by_bank_transfer",
        }
        return TemplateResponse(request, "contracts/payment_bank_transfer.html", context)

    def _record_transfers(self, request, form, payable) -> None:
        marked = 0
        for payment in payable:
            reference = form.reference_for(payment)
            try:
                payment_bank_transfer_record(
                    payment=payment,
                    reference=reference,
                    by=request.user,
                    origin=audit_origin(request),
                )
            except (ValidationError, IllegalTransition) as error:
                text = " ".join(getattr(error, "messages", [])) or _("it changed meanwhile")
                self.message_user(
                    request,
                    _("%(reference)s was not marked paid: %(reason)s")
                    % {"reference": transfer_reference(payment), "reason": text},
                    messages.ERROR,
                )
                continue
            self.log_change(
                request, payment, f"Marked paid by bank transfer, reference {reference!r}"
            )
            marked += 1
        if marked:
            self.message_user(
                request,
                _("%(count)s payment(s) marked as paid by bank transfer.") % {"count": marked},
                messages.SUCCESS,
            )


class CommissionRateForm(forms.ModelForm):
    class Meta:
        model = CommissionRate
        fields = ["tenant_percent", "host_percent", "effective_from"]
        help_texts = {
            "effective_from": gettext_lazy(
                "Contracts sent from this moment on use the new rates; "
                "contracts already sent keep theirs."
            )
        }

    def clean_effective_from(self):
        effective_from = self.cleaned_data["effective_from"]
        commission_rate_start_check(effective_from)
        return effective_from


@admin.register(CommissionRate)
class CommissionRateAdmin(admin.ModelAdmin):
    """A rate once set is never edited: a change is a new rate from a new moment."""

    form = CommissionRateForm
    list_display = ["effective_from", "tenant_percent", "host_percent", "state", "set_by"]
    list_select_related = ["set_by"]
    readonly_fields = ["set_by", "created_at"]

    def get_queryset(self, request):
        now = timezone.now()
        in_force = CommissionRate.objects.filter(effective_from__lte=now).order_by(
            "-effective_from", "-id"
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                is_current=ExpressionWrapper(
                    Q(pk=Subquery(in_force.values("pk")[:1])), output_field=BooleanField()
                ),
                is_scheduled=ExpressionWrapper(
                    Q(effective_from__gt=now), output_field=BooleanField()
                ),
            )
        )

    @admin.display(description=gettext_lazy("state"))
    def state(self, rate):
        if rate.is_current:
            return _("In force")
        if rate.is_scheduled:
            return _("Scheduled")
        return _("Superseded")

    def get_changeform_initial_data(self, request):
        return {"effective_from": timezone.now()}

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["tenant_percent", "host_percent", "effective_from"]
        return ["tenant_percent", "host_percent", "effective_from", "set_by", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = commission_rate_set(
            tenant_percent=form.cleaned_data["tenant_percent"],
            host_percent=form.cleaned_data["host_percent"],
            effective_from=form.cleaned_data["effective_from"],
            by=request.user,
        )
        # Admin logs and redirects with the object it built; give it what the service saved.
        for field in saved._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False


# --- Refunds after cancellations ------------------------------------------------------------


class RefundOwedFilter(admin.SimpleListFilter):
    """Cancelled contracts whose tenant paid more than the cancellation charge."""

    title = gettext_lazy("refund to the tenant")
    parameter_name = "refund"

    def lookups(self, request, model_admin):
        return [("owed", gettext_lazy("Refund owed to the tenant"))]

    def queryset(self, request, queryset):
        if self.value() == "owed":
            return queryset.filter(status=Contract.Status.CANCELLED, cancellation_refund__gt=0)
        return queryset


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdminMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    """Read-only: contracts change through their services, never here."""

    list_display = [
        "contract_number",
        "status",
        "start_date",
        "end_date",
        "ended_at",
        "charge",
        "refund",
        "refund_from_host",
    ]
    list_filter = [RefundOwedFilter, "status"]
    ordering = ["-id"]
    search_fields = ["pk"]  # shows the search box; get_search_results reads a contract number
    search_help_text = gettext_lazy("A contract number (KA-000012).")
    fields = [
        "contract_number",
        "status",
        "listing",
        "start_date",
        "end_date",
        "months",
        "signed_at",
        "ended_at",
        "cancelled_by_role",
        "charge",
        "refund",
        "refund_from_host",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return with_host_received(super().get_queryset(request))

    @admin.display(description=gettext_lazy("contract"), ordering="pk")
    def contract_number(self, contract):
        return contract.number

    @admin.display(description=gettext_lazy("cancelled by"))
    def cancelled_by_role(self, contract):
        # Which party, not who: the page names nobody.
        if contract.cancelled_by_id is None:
            return "-"
        return _("the tenant") if contract.cancelled_by_id == contract.tenant_id else _("the host")

    @admin.display(description=gettext_lazy("cancellation charge"))
    def charge(self, contract):
        return yen(contract.cancellation_charge, empty="-")

    @admin.display(description=gettext_lazy("refund to the tenant"))
    def refund(self, contract):
        return yen(contract.cancellation_refund, empty="-")

    @admin.display(description=gettext_lazy("of the refund, from the host's payouts"))
    def refund_from_host(self, contract):
        if not contract.cancellation_refund:
            return "-"
        return yen(host_refund_share(contract=contract, received=contract.received), empty="-")

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        number = CONTRACT_NUMBER.match(search_term)
        if number is None or number.group(2):
            return queryset.none(), False
        return queryset.filter(pk=int(number.group(1))), False
