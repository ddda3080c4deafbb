"""Pages to ask for, answer and withdraw an extension, and to cancel a signed contract; and
the contract page's section of extensions and cancellation.

The contract page links here; each page shows what the step changes (the new
move-out day and payments, or the amount due or refunded) before the user confirms.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from contracts.booking.selectors import contract_get_for_party, contract_get_for_tenant
from contracts.changes import selectors
from contracts.changes import services as changes
from contracts.changes.forms import CancellationForm, DeclineForm, ExtensionForm
from contracts.core.schedule import plan_totals
from contracts.core.sections import contract_section_register
from contracts.models import Contract, ExtensionRequest
from kaguaruoo.actions import action_redirect, error_text, form_submit
from kaguaruoo.roles import Role, stay_role
from kaguaruoo.transitions import IllegalTransition


def _changes_url(contract: Contract) -> str:
    return contract.get_absolute_url() + "#changes"


def _answered_text() -> str:
    return _("This extension request has already been answered.")


NO_ROOM_TO_EXTEND = gettext_lazy("This stay cannot be extended: the apartment is not free longer.")


@login_required
def extension_request(request, pk):
    contract = contract_get_for_tenant(user=request.user, pk=pk)
    months_open = changes.extension_months_open(contract=contract)
    if not months_open:
        messages.error(request, NO_ROOM_TO_EXTEND)
        return redirect(_changes_url(contract))
    form = ExtensionForm(request.POST or None, initial={"months": 1}, months_open=months_open)
    sent = form_submit(
        request,
        form,
        lambda data: changes.extension_request(
            contract=contract, by=request.user, months=data["months"], message=data["message"]
        ),
        done=_("Your extension request was sent to the host."),
    )
    if sent:
        return redirect(_changes_url(contract))
    return render(
        request,
        "contracts/extensionrequest_form.html",
        {"contract": contract, "form": form},
        status=400 if form.is_bound else 200,
    )


def _extension_page(request, extension: ExtensionRequest, *, decline_form=None, status=200):
    contract = extension.contract
    pending = extension.status == ExtensionRequest.Status.PENDING
    plan = changes.extension_plan(contract=contract, months=extension.months) if pending else []
    context = {
        "contract": contract,
        "extension": extension,
        "role": stay_role(contract, request.user),
        "pending": pending,
        "plan": plan,
        "totals": plan_totals(plan),
        "decline_form": decline_form or DeclineForm(),
    }
    return render(request, "contracts/extensionrequest_detail.html", context, status=status)


@login_required
def extension_detail(request, pk, extension_pk):
    extension = selectors.extension_get_for_party(
        user=request.user, contract_pk=pk, pk=extension_pk
    )
    return _extension_page(request, extension)


@login_required
@require_POST
def extension_approve(request, pk, extension_pk):
    extension = selectors.extension_get_for_host(user=request.user, contract_pk=pk, pk=extension_pk)
    try:
        changes.extension_approve(extension=extension, by=request.user)
    except ValidationError as error:
        # The stay cannot be extended after all: back to the request, which the host may decline.
        messages.error(request, error_text(error))
        return redirect("contracts:extension_detail", pk=pk, extension_pk=extension.pk)
    except IllegalTransition:
        messages.error(request, _answered_text())
    else:
        messages.success(request, _("You approved the extension."))
    return redirect(_changes_url(extension.contract))


@login_required
@require_POST
def extension_decline(request, pk, extension_pk):
    extension = selectors.extension_get_for_host(user=request.user, contract_pk=pk, pk=extension_pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _extension_page(request, extension, decline_form=form, status=400)
    return action_redirect(
        request,
        lambda: changes.extension_decline(
            extension=extension, by=request.user, reason=form.cleaned_data["reason"]
        ),
        done=_("You declined the extension."),
        to=_changes_url(extension.contract),
        illegal=_answered_text(),
    )


@login_required
@require_POST
def extension_withdraw(request, pk, extension_pk):
    extension = selectors.extension_get_for_tenant(
        user=request.user, contract_pk=pk, pk=extension_pk
    )
    return action_redirect(
        request,
        lambda: changes.extension_withdraw(extension=extension, by=request.user),
        done=_("You withdrew your extension request."),
        to=_changes_url(extension.contract),
        illegal=_answered_text(),
    )


@login_required
def contract_cancel(request, pk):
    """The amounts first; cancelling needs a reason and a tick that they were read."""
    contract = contract_get_for_party(user=request.user, pk=pk)
    try:
        changes.cancellation_check(contract=contract)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(contract)
    quote = changes.cancellation_quote(contract=contract, by=request.user)
    amounts = {"due": quote.due, "refund": quote.refund}
    form = CancellationForm(request.POST or None, initial=amounts)
    if request.method == "POST" and form.is_valid():
        cancelled = _cancel_as_confirmed(request, contract, form)
        if cancelled is not None:
            return cancelled
        # The amounts changed since the page was shown: show the new ones, keep the reason.
        form = CancellationForm(initial={"reason": form.cleaned_data["reason"], **amounts})
    return render(
        request,
        "contracts/contract_cancel.html",
        {"contract": contract, "quote": quote, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _cancel_as_confirmed(request, contract: Contract, form: CancellationForm):
    """Cancel with the amounts the user saw: the redirect, or None (the reason flashed) if the
    amounts changed since."""
    try:
        changes.contract_cancel(
            contract=contract,
            by=request.user,
            reason=form.cleaned_data["reason"],
            confirmed_due=form.cleaned_data["due"],
            confirmed_refund=form.cleaned_data["refund"],
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return None
    except IllegalTransition:
        messages.error(request, _("This contract can no longer be cancelled."))
    else:
        messages.success(request, _("The contract is cancelled."))
    return redirect(contract)


# --- The contract page's section ------------------------------------------------------------


@contract_section_register(order=30)
def contract_section(*, contract: Contract, user, request=None) -> str:
    """Extension history and what this party can ask or answer; the cancellation terms."""
    if contract.signed_at is None:
        return ""
    role = stay_role(contract, user)
    extensions = list(selectors.extensions_of(contract=contract))
    pending = next((e for e in extensions if e.status == ExtensionRequest.Status.PENDING), None)
    signed = contract.status == Contract.Status.SIGNED
    running = signed and contract.end_date > timezone.localdate()
    cancelled = contract.status == Contract.Status.CANCELLED
    can_request = running and role == Role.TENANT and pending is None
    context = {
        "contract": contract,
        "role": role,
        "extensions": extensions,
        "pending": pending,
        "can_request": can_request,
        "room_to_extend": can_request
        and bool(changes.extension_months_open(contract=contract, limit=1)),
        "quote": changes.cancellation_quote(contract=contract, by=user) if running else None,
        "cancellation_payment": (
            selectors.cancellation_payment(contract=contract) if cancelled else None
        ),
    }
    return render_to_string("contracts/partials/changes_section.html", context, request=request)
