"""After-sale support pages of the party who opened a request. Anyone else gets a 404.

The contract page's support section is rendered here too.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts.booking.selectors import contract_get_for_party
from contracts.core.sections import contract_section_register
from contracts.models import Contract
from contracts.support import selectors
from contracts.support import services as support
from contracts.support.forms import SupportMessageForm, SupportRequestForm
from kaguaruoo.actions import form_submit
from kaguaruoo.transitions import IllegalTransition
from kaguaruoo.uploads import attachment_response


@login_required
def support_request_create(request, contract_pk):
    contract = contract_get_for_party(user=request.user, pk=contract_pk)
    if not support.support_open_allowed(contract=contract):
        messages.info(request, _("Support requests can be opened once the contract is signed."))
        return redirect(contract)
    posted = request.method == "POST"
    form = SupportRequestForm(request.POST if posted else None, request.FILES if posted else None)
    support_request = form_submit(
        request,
        form,
        lambda data: support.support_request_open(contract=contract, by=request.user, **data),
        done=_("Your request was sent to KaguAruoo support. We answer by mail and here."),
    )
    if support_request:
        return redirect(support_request)
    return render(
        request,
        "contracts/supportrequest_form.html",
        {"form": form, "contract": contract},
        status=400 if form.is_bound else 200,
    )


def _detail_page(request, support_request, *, message_form=None, status=200):
    closed = support_request.status == support_request.Status.CLOSED
    if message_form is None and not closed:
        message_form = SupportMessageForm()
    return render(
        request,
        "contracts/supportrequest_detail.html",
        {
            "support_request": support_request,
            "contract": support_request.contract,
            "support_messages": selectors.support_messages_of(support_request=support_request),
            "message_form": message_form,
            "closed": closed,
        },
        status=status,
    )


@login_required
def support_request_detail(request, pk):
    support_request = selectors.support_request_get_for_opener(user=request.user, pk=pk)
    return _detail_page(request, support_request)


@login_required
@require_POST
def support_message_create(request, pk):
    support_request = selectors.support_request_get_for_opener(user=request.user, pk=pk)
    form = SupportMessageForm(request.POST, request.FILES)
    sent = form_submit(
        request,
        form,
        lambda data: support.support_message_add(
            request=support_request,
            by=request.user,
            body=data["body"],
            attachment=data["attachment"],
        ),
        done=_("Your message was sent to KaguAruoo support."),
    )
    if sent:
        return redirect(support_request.get_absolute_url() + "#latest")
    # Read again: the request may have been closed meanwhile.
    support_request = selectors.support_request_get_for_opener(user=request.user, pk=pk)
    return _detail_page(request, support_request, message_form=form, status=400)


@login_required
@require_POST
def support_request_close(request, pk):
    support_request = selectors.support_request_get_for_opener(user=request.user, pk=pk)
    # Not action_redirect: closing a closed request is news (info), not an error.
    try:
        support.support_request_close(request=support_request, by=request.user)
    except IllegalTransition:
        messages.info(request, _("This request is already closed."))
    else:
        messages.success(request, _("You closed the request. Thank you for telling us."))
    return redirect(support_request)


@login_required
def support_attachment(request, pk, message_pk):
    support_request = selectors.support_request_get_for_opener(user=request.user, pk=pk)
    message = selectors.support_attachment_get(support_request=support_request, pk=message_pk)
    return attachment_response(
        file=message.file, content_type=message.content_type, filename=message.original_name
    )


@contract_section_register(order=50)
def contract_section(*, contract: Contract, user, request=None) -> str:
    """The contract page's support part: this user's requests, and where to ask."""
    support_requests = list(selectors.support_requests_of(contract=contract, user=user))
    can_open = support.support_open_allowed(contract=contract)
    if not support_requests and not can_open:
        return ""
    return render_to_string(
        "contracts/partials/support_section.html",
        {"contract": contract, "support_requests": support_requests, "can_open": can_open},
        request=request,
    )
