"""After-sale support: a party of a signed contract asks KaguAruoo staff for help.

A request is between the party who opened it and staff. The contract's other
party never sees it (a 404, as for any stranger): a tenant may write about the
host, a host about the tenant. Support is for contracts that were signed (and
stays open to them after a cancellation or the end of the stay); before that,
questions about the terms go to the other party in the thread.

States move only through `SUPPORT_TRANSITIONS`: a staff answer moves an open
request to answered, the opener writing again moves it back to open, and
either closes it. A closed request stays closed; the opener opens a new one.
What staff do to a request (answer, close) is written to the staff audit log
here, wherever it was done from.

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
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from contracts.core.services import contract_mail_send
from contracts.models import Contract, SupportMessage, SupportRequest
from kaguaruoo.mail import mail_send
from kaguaruoo.roles import Role
from kaguaruoo.transitions import TransitionTable, transition_move
from kaguaruoo.uploads import CheckedFile, attachment_check, attachment_store
from privacy.models import StaffAuditLog
from privacy.staff_access import AuditOrigin, audit_write

Status = SupportRequest.Status
SUBJECT_MAX_LENGTH = SupportRequest._meta.get_field("subject").max_length

SUPPORT_TRANSITIONS = TransitionTable.of(
    {
        (Status.OPEN, Status.ANSWERED): Role.STAFF,
        (Status.ANSWERED, Status.OPEN): Role.OPENER,
        (Status.OPEN, Status.CLOSED): {Role.OPENER, Role.STAFF},
        (Status.ANSWERED, Status.CLOSED): {Role.OPENER, Role.STAFF},
    }
)


# --- Rules ----------------------------------------------------------------------------------


def support_open_allowed(*, contract: Contract) -> bool:
    """Support is after-sale: for a contract once signed, even if later cancelled or ended."""
    return contract.signed_at is not None


def support_role(support_request: SupportRequest, user: User) -> Role:
    """The opener, staff, or a stranger to the request (the contract's other party too)."""
    if user.pk == support_request.opened_by_id:
        return Role.OPENER
    if user.is_active and user.is_staff:
        return Role.STAFF
    return Role.STRANGER


def _transition(*, support_request: SupportRequest, to: str, by: User) -> None:
    """The one way a support request changes state; the caller holds the row lock."""
    transition_move(
        obj=support_request,
        table=SUPPORT_TRANSITIONS,
        to=to,
        role=support_role(support_request, by),
        updated_at=timezone.now(),
    )


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
        from_staff=support_role(support_request, author) == Role.STAFF,
        body=body,
    )
    if attachment is not None:
        attachment_store(obj=message, file=attachment, checked=checked)
    message.save()
    SupportRequest.objects.filter(pk=support_request.pk).update(updated_at=message.created_at)
    return message


def _staff_change_audit(
    *, support_request: SupportRequest, staff: User, field: str, origin: AuditOrigin | None
) -> None:
    """Staff changed a person's request: a row of the staff audit log (policy 2.2)."""
    audit_write(
        staff=staff,
        action=StaffAuditLog.Action.CHANGE,
        obj=support_request,
        changed_fields=[field],
        origin=origin,
    )


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
    if support_role(request, by) != Role.OPENER:
        raise PermissionDenied
    body = body.strip()
    if not body and attachment is None:
        raise ValidationError(_("Write a message or attach a file."), code="empty")
    message = _message_append(
        request=request,
        author=by,
        body=body,
        attachment=attachment,
        moves=(Status.ANSWERED, Status.OPEN),
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
    origin: AuditOrigin | None = None,
) -> SupportMessage:
    """Staff answer: the request is answered, the opener is mailed the answer, and the
    answer is audited (`origin`: where staff answered from)."""
    if support_role(request, staff) != Role.STAFF:
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ValidationError(_("Write the answer."), code="empty")
    message = _message_append(
        request=request,
        author=staff,
        body=body,
        attachment=attachment,
        moves=(Status.OPEN, Status.ANSWERED),
    )
    contract_mail_send(
        to=request.opened_by,
        template="support_answered",
        context={"support_request": request, "reply": message},
    )
    _staff_change_audit(support_request=request, staff=staff, field="reply", origin=origin)
    return message


def _message_append(
    *,
    request: SupportRequest,
    author: User,
    body: str,
    attachment: UploadedFile | None,
    moves: tuple[str, str],
) -> SupportMessage:
    """Add a message to a request that is not closed; a request standing at the first status
    of `moves` moves to the second (whose turn it is to write)."""
    checked = _checked(attachment)
    _lock(request)
    _refuse_closed(request)
    if request.status == moves[0]:
        _transition(support_request=request, to=moves[1], by=author)
    return _message_create(
        support_request=request, author=author, body=body, attachment=attachment, checked=checked
    )


@transaction.atomic
def support_request_close(
    *, request: SupportRequest, by: User, origin: AuditOrigin | None = None
) -> SupportRequest:
    """The opener or staff close the request. When staff do it, the opener is mailed and the
    close is audited (`origin`: where staff closed it from)."""
    _lock(request)
    _transition(support_request=request, to=Status.CLOSED, by=by)
    if support_role(request, by) == Role.STAFF:
        contract_mail_send(
            to=request.opened_by, template="support_closed", context={"support_request": request}
        )
        _staff_change_audit(support_request=request, staff=by, field="status", origin=origin)
    return request
