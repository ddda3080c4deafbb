"""After-sale support: a party of a signed contract asks KaguAruoo staff for help.

A request is between the party who opened it and staff. The contract's other
party never sees it (a 404, as for any stranger): a tenant may write about the
host, a host about the tenant. Support is for contracts that were signed (and
stays open to them after a cancellation or the end of the stay); before that,
questions about the terms go to the other party in the thread.

States move only through `SUPPORT_TRANSITIONS`: a staff answer moves an open
request to answered, the opener writing again moves it back to open, and
either closes it. A closed request stays closed; the opener opens a new one.

Mail: staff hear of new requests and follow-ups at SUPPORT_EMAIL with the
number, the category and the admin link, but none of what the person wrote:
that is read in admin, where only privacy officers see it and every view is
audited. The opener gets a receipt, each staff answer with its text, and a
mail when staff close the request.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from contracts.core.sections import contract_section_register
from contracts.core.services import contract_mail_send
from contracts.models import Contract, SupportMessage, SupportRequest
from kaguaruoo.mail import mail_send
from kaguaruoo.transitions import IllegalTransition
from kaguaruoo.uploads import CheckedFile, attachment_check

Status = SupportRequest.Status
SUBJECT_MAX_LENGTH = SupportRequest._meta.get_field("subject").max_length

# (from, to) -> who may make the move: "opener", "staff" or "either".
SUPPORT_TRANSITIONS = {
    (Status.OPEN, Status.ANSWERED): "staff",
    (Status.ANSWERED, Status.OPEN): "opener",
    (Status.OPEN, Status.CLOSED): "either",
    (Status.ANSWERED, Status.CLOSED): "either",
}


# --- Rules ----------------------------------------------------------------------------------


def support_open_allowed(*, contract: Contract) -> bool:
    """Support is after-sale: for a contract once signed, even if later cancelled or ended."""
    return contract.signed_at is not None


def _role(support_request: SupportRequest, user: User) -> str:
    if user.pk == support_request.opened_by_id:
        return "opener"
    if user.is_active and user.is_staff:
        return "staff"
    return "stranger"


def _transition(*, support_request: SupportRequest, to: str, by: User) -> None:
    """The one way a support request changes state; the caller holds the row lock."""
    who = SUPPORT_TRANSITIONS.get((support_request.status, to))
    role = _role(support_request, by)
    if who is None or not (who == role or (who == "either" and role != "stranger")):
        raise IllegalTransition(f"{role} cannot move {support_request.status} -> {to}")
    moved = SupportRequest.objects.filter(
        pk=support_request.pk, status=support_request.status
    ).update(status=to, updated_at=timezone.now())
    if not moved:
        raise IllegalTransition(f"support request {support_request.pk} changed state meanwhile")
    support_request.refresh_from_db()


def _lock(support_request: SupportRequest) -> None:
    """Re-read the request under a row lock, so that a reply and a close take turns."""
    support_request.refresh_from_db(from_queryset=SupportRequest.objects.select_for_update())


def _refuse_closed(support_request: SupportRequest) -> None:
    if support_request.status == Status.CLOSED:
        raise ValidationError(
            _("This request is closed. If you still need help, open a new request."),
            code="closed",
        )


def _checked(attachment: UploadedFile | None) -> CheckedFile | None:
    return attachment_check(attachment) if attachment is not None else None


def _message_create(
    *,
    support_request: SupportRequest,
    author: User,
    body: str,
    attachment: UploadedFile | None,
    checked: CheckedFile | None,
) -> SupportMessage:
    message = SupportMessage(
        request=support_request,
        author=author,
        from_staff=_role(support_request, author) == "staff",
        body=body,
    )
    if attachment is not None:
        message.original_name = (attachment.name or "file")[-200:]
        message.content_type = checked.content_type
        message.size = attachment.size
        message.file.save(f"upload{checked.extension}", attachment, save=False)
    message.save()
    SupportRequest.objects.filter(pk=support_request.pk).update(updated_at=message.created_at)
    return message


# --- Mail -----------------------------------------------------------------------------------


def _staff_mail_send(*, template: str, support_request: SupportRequest, role: str) -> None:
    """Tell the support mailbox, with a link to admin and nothing the person wrote."""
    context = {
        "support_request": support_request,
        "role": role,
        "admin_path": reverse("admin:contracts_supportrequest_change", args=[support_request.pk]),
    }
    mail_send(to=settings.SUPPORT_EMAIL, template=f"contracts/emails/{template}", context=context)


# --- Services -------------------------------------------------------------------------------


@transaction.atomic
def support_request_open(
    *,
    contract: Contract,
    by: User,
    category: str,
    subject: str,
    body: str,
    attachment: UploadedFile | None = None,
) -> SupportRequest:
    """A party of a signed contract asks for help: staff are told, the party gets a receipt."""
    role = contract.role_of(by)
    if role is None:
        raise PermissionDenied
    if not support_open_allowed(contract=contract):
        raise ValidationError(
            _("Support requests can be opened once the contract is signed."), code="not_signed"
        )
    if category not in SupportRequest.Category.values:
        raise ValidationError(_("Choose what your request is about."), code="category")
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise ValidationError(_("Give your request a subject and a message."), code="empty")
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise ValidationError(_("The subject can be at most 200 characters."), code="subject")
    checked = _checked(attachment)
    support_request = SupportRequest.objects.create(
        contract=contract, opened_by=by, category=category, subject=subject
    )
    _message_create(
        support_request=support_request,
        author=by,
        body=body,
        attachment=attachment,
        checked=checked,
    )
    _staff_mail_send(template="support_opened_staff", support_request=support_request, role=role)
    contract_mail_send(
        to=by, template="support_opened", context={"support_request": support_request}
    )
    return support_request


@transaction.atomic
def support_message_add(
    *,
    request: SupportRequest,
    by: User,
    body: str,
    attachment: UploadedFile | None = None,
) -> SupportMessage:
    """The opener writes again; an answered request is open again until staff answer."""
    if _role(request, by) != "opener":
        raise PermissionDenied
    body = body.strip()
    if not body and attachment is None:
        raise ValidationError(_("Write a message or attach a file."), code="empty")
    checked = _checked(attachment)
    _lock(request)
    _refuse_closed(request)
    if request.status == Status.ANSWERED:
        _transition(support_request=request, to=Status.OPEN, by=by)
    message = _message_create(
        support_request=request, author=by, body=body, attachment=attachment, checked=checked
    )
    _staff_mail_send(
        template="support_message_staff",
        support_request=request,
        role=request.contract.role_of(by),
    )
    return message


@transaction.atomic
def support_reply(
    *,
    request: SupportRequest,
    staff: User,
    body: str,
    attachment: UploadedFile | None = None,
) -> SupportMessage:
    """Staff answer: the request is answered, and the opener is mailed the answer."""
    if _role(request, staff) != "staff":
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ValidationError(_("Write the answer."), code="empty")
    checked = _checked(attachment)
    _lock(request)
    _refuse_closed(request)
    if request.status == Status.OPEN:
        _transition(support_request=request, to=Status.ANSWERED, by=staff)
    message = _message_create(
        support_request=request, author=staff, body=body, attachment=attachment, checked=checked
    )
    contract_mail_send(
        to=request.opened_by,
        template="support_answered",
        context={"support_request": request, "reply": message},
    )
    return message


@transaction.atomic
def support_request_close(*, request: SupportRequest, by: User) -> SupportRequest:
    """The opener or staff close the request; the opener is mailed when staff do it."""
    _lock(request)
    _transition(support_request=request, to=Status.CLOSED, by=by)
    if _role(request, by) == "staff":
        contract_mail_send(
            to=request.opened_by, template="support_closed", context={"support_request": request}
        )
    return request


# --- Selectors ------------------------------------------------------------------------------


def support_request_get_for_party(*, user, pk: int) -> SupportRequest:
    """The request if `user` opened it; Http404 for anyone else, the other party included."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        SupportRequest.objects.select_related("contract"), pk=pk, opened_by=user
    )


def support_messages_of(*, support_request: SupportRequest) -> QuerySet[SupportMessage]:
    return support_request.messages.order_by("id")


def support_attachment_get(*, support_request: SupportRequest, pk: int) -> SupportMessage:
    return get_object_or_404(support_request.messages.exclude(file=""), pk=pk)


@contract_section_register(order=50)
def contract_section(*, contract: Contract, user, request=None) -> str:
    """The contract page's support part: this user's requests, and where to ask."""
    support_requests = list(contract.support_requests.filter(opened_by=user))
    can_open = support_open_allowed(contract=contract)
    if not support_requests and not can_open:
        return ""
    return render_to_string(
        "contracts/partials/support_section.html",
        {"contract": contract, "support_requests": support_requests, "can_open": can_open},
        request=request,
    )
