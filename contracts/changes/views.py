"""Pages to ask for, answer and withdraw an extension, and to cancel a signed contract.

The contract page links here; each page shows what the step changes (the new
move-out day and payments, or the amount due or refunded) before the user confirms.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from contracts.booking import selectors
from contracts.changes import services as changes
from contracts.models import ExtensionRequest
from contracts.payments.schedule import plan_totals
from kaguaruoo.transitions import IllegalTransition


class ExtensionForm(forms.Form):
    months = forms.TypedChoiceField(
        label=gettext_lazy("Additional months"),
        coerce=int,
        choices=[(n, n) for n in range(1, changes.EXTENSION_MAX_MONTHS + 1)],
    )
    message = forms.CharField(
        label=gettext_lazy("Message to the host"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CancellationForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you cancel?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I have read the amounts above and cancel the contract."),
    )
    # The amounts shown, so that a change before the click is caught, not charged.
    due = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    refund = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


def _back_to(contract):
    return redirect(contract.get_absolute_url() + "#changes")


def _tenant_contract(request, pk):
    contract = selectors.contract_get_for_party(user=request.user, pk=pk)
    if contract.tenant_id != request.user.pk:
        raise Http404
    return contract


@login_required
def extension_request(request, pk):
    contract = _tenant_contract(request, pk)
    form = ExtensionForm(request.POST or None, initial={"months": 1})
    if request.method == "POST" and form.is_valid():
        try:
            changes.extension_request(
                contract=contract,
                by=request.user,
                months=form.cleaned_data["months"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your extension request was sent to the host."))
            return _back_to(contract)
    return render(
        request,
        "contracts/extensionrequest_form.html",
        {"contract": contract, "form": form},
        status=400 if form.is_bound else 200,
    )


def _extension_page(request, contract, extension, *, decline_form=None, status=200):
    pending = extension.status == ExtensionRequest.Status.PENDING
    plan = changes.extension_plan(contract=contract, months=extension.months) if pending else []
    return render(
        request,
        "contracts/extensionrequest_detail.html",
        {
            "contract": contract,
            "extension": extension,
            "role": contract.role_of(request.user),
            "pending": pending,
            "plan": plan,
            "totals": plan_totals(plan),
            "decline_form": decline_form or DeclineForm(),
        },
        status=status,
    )


def _extension(request, pk, extension_pk):
    contract = selectors.contract_get_for_party(user=request.user, pk=pk)
    return contract, changes.extension_get_for_party(contract=contract, pk=extension_pk)


@login_required
def extension_detail(request, pk, extension_pk):
    contract, extension = _extension(request, pk, extension_pk)
    return _extension_page(request, contract, extension)


@login_required
@require_POST
def extension_approve(request, pk, extension_pk):
    contract, extension = _extension(request, pk, extension_pk)
    if contract.host_id != request.user.pk:
        raise Http404
    try:
        changes.extension_approve(extension=extension, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("contracts:extension_detail", pk=contract.pk, extension_pk=extension.pk)
    except IllegalTransition:
        messages.error(request, _("This extension request has already been answered."))
    else:
        messages.success(request, _("You approved the extension."))
    return _back_to(contract)


@login_required
@require_POST
def extension_decline(request, pk, extension_pk):
    contract, extension = _extension(request, pk, extension_pk)
    if contract.host_id != request.user.pk:
        raise Http404
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            changes.extension_decline(
                extension=extension, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error("reason", error)
        except IllegalTransition:
            messages.error(request, _("This extension request has already been answered."))
            return _back_to(contract)
        else:
            messages.success(request, _("You declined the extension."))
            return _back_to(contract)
    return _extension_page(request, contract, extension, decline_form=form, status=400)


@login_required
@require_POST
def extension_withdraw(request, pk, extension_pk):
    contract, extension = _extension(request, pk, extension_pk)
    if contract.tenant_id != request.user.pk:
        raise Http404
    try:
        changes.extension_withdraw(extension=extension, by=request.user)
    except IllegalTransition:
        messages.error(request, _("This extension request has already been answered."))
    else:
        messages.success(request, _("You withdrew your extension request."))
    return _back_to(contract)


@login_required
def contract_cancel(request, pk):
    """The amounts first; cancelling needs a reason and a tick that they were read."""
    contract = selectors.contract_get_for_party(user=request.user, pk=pk)
    try:
        changes.cancellation_check(contract=contract)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(contract)
    quote = changes.cancellation_quote(contract=contract, by=request.user)
    amounts = {"due": quote.due, "refund": quote.refund}
    form = CancellationForm(request.POST or None, initial=amounts)
    if request.method == "POST" and form.is_valid():
        try:
            changes.contract_cancel(
                contract=contract,
                by=request.user,
                reason=form.cleaned_data["reason"],
                confirmed_due=form.cleaned_data["due"],
                confirmed_refund=form.cleaned_data["refund"],
            )
        except ValidationError as error:
            # The amounts changed since the page was shown: show the new ones, keep the reason.
            messages.error(request, " ".join(error.messages))
            form = CancellationForm(initial={"reason": form.cleaned_data["reason"], **amounts})
        except IllegalTransition:
            messages.error(request, _("This contract can no longer be cancelled."))
            return redirect(contract)
        else:
            messages.success(request, _("The contract is cancelled."))
            return redirect(contract)
    return render(
        request,
        "contracts/contract_cancel.html",
        {"contract": contract, "quote": quote, "form": form},
        status=400 if request.method == "POST" else 200,
    )
