"""Writes of the privacy app. Other apps call these; they never touch privacy's models."""

import datetime
import functools
import io
import json
import logging
import secrets
import zipfile
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaguaruoo.i18n import every_language
from kaguaruoo.mail import mail_send, recipient_language
from kaguaruoo.roles import Role
from kaguaruoo.transitions import TransitionTable, transition_move
from kaguaruoo.uploads import attachment_check
from privacy import registry
from privacy.access_log import access_log_row
from privacy.access_log_buffer import LOCK_SECONDS as BUFFER_LOCK_SECONDS
from privacy.access_log_buffer import buffer_drain, buffering
from privacy.models import (
    AccessLog,
    AnonymisedExport,
    Consent,
    IdentityVerification,
    PolicyVersion,
    PrivacyRequest,
    ProvisionRecord,
    StaffAuditLog,
)
from privacy.selectors import (
    consent_latest,
    page_consents_forget,
    policy_current,
    policy_in_force_forget,
)
from privacy.signals import consent_withdrawn
from privacy.staff_access import AuditOrigin, audit_write

logger = logging.getLogger(__name__)


class PrivacyError(Exception):
    """A privacy rule refuses the action; the message is safe to show."""


def policy_publish(
    *, text: str, text_ja: str, changes: str = "", changes_ja: str = "", by
) -> PolicyVersion:
    """Publish a revision of the policy; it is in force from now on for everyone.

    Every reader gets it in their language, so a revision needs its full text in English
    and in Japanese, and what changed is said in both or in neither.
    """
    if not text.strip() or not text_ja.strip():
        raise PrivacyError(_("A policy revision needs its full text in English and in Japanese."))
    if bool(changes.strip()) != bool(changes_ja.strip()):
        raise PrivacyError(_("Say what changed in English and in Japanese, or in neither."))
    with transaction.atomic():
        # Lock the table's newest row so that two staff publishing at once get 2 and 3.
        list(PolicyVersion.objects.select_for_update().order_by("-version")[:1])
        latest = PolicyVersion.objects.aggregate(latest=Max("version"))["latest"] or 0
        policy_in_force_forget()
        return PolicyVersion.objects.create(
            version=latest + 1,
            text=text,
            text_ja=text_ja,
            changes=changes.strip(),
            changes_ja=changes_ja.strip(),
            published_at=timezone.now(),
            published_by=by,
        )


def consent_record(
    *, user, purpose: str, granted: bool, ip: str | None, source: str
) -> Consent | None:
    """Record a decision; returns None when it repeats the decision already in force.

    Acceptance of the policy is always recorded, since it names a new version.
    """
    current = policy_current()
    if current is None:
        raise PrivacyError("No privacy policy has been published.")
    latest = consent_latest(user=user, purpose=purpose)
    unchanged = latest is not None and latest.granted == granted
    if unchanged and (purpose != Consent.Purpose.POLICY or latest.policy_version_id == current.pk):
        return None
    consent = Consent.objects.create(
        user=user,
        purpose=purpose,
        granted=granted,
        recorded_at=timezone.now(),
        ip_address=ip,
        policy_version=current,
        source=source,
    )
    page_consents_forget(user)
    if not granted:
        consent_withdrawn.send(sender=Consent, user=user, purpose=purpose)
    return consent


def consent_is_granted(*, user, purpose: str) -> bool:
    """Whether a purpose may use the person's data now. Campaign and other apps ask this."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    latest = consent_latest(user=user, purpose=purpose)
    return latest is not None and latest.granted


def consents_update(*, user, choices: dict[str, bool], ip: str | None, source: str) -> list:
    """Apply a set of choices, recording only the ones that changed."""
    recorded = []
    with transaction.atomic():
        for purpose, granted in choices.items():
            consent = consent_record(
                user=user, purpose=purpose, granted=granted, ip=ip, source=source
            )
            if consent is not None:
                recorded.append(consent)
    return recorded


def policy_acknowledge(*, user, ip: str | None) -> Consent | None:
    return consent_record(
        user=user,
        purpose=Consent.Purpose.POLICY,
        granted=True,
        ip=ip,
        source=Consent.Source.POLICY_NOTICE,
    )


def signup_consents_record(*, user, marketing: bool, ip: str | None) -> None:
    """At sign-up: acceptance of the policy in force, and the answer about marketing mail."""
    with transaction.atomic():
        for purpose, granted in (
            (Consent.Purpose.POLICY, True),
            (Consent.Purpose.MARKETING, marketing),
        ):
            consent_record(
                user=user, purpose=purpose, granted=granted, ip=ip, source=Consent.Source.SIGNUP
            )


PROVISION_KEEP_YEARS = 3


class ProvisionRefused(PrivacyError):
    """Personal data may not go to the other party: nothing was recorded or sent."""


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def personal_data_provide(
    *,
    person,
    recipient_name: str,
    data_items: list[str],
    purpose: str | Callable[[], str],
    basis: str,
    recipient=None,
    consent_purpose: str = Consent.Purpose.PROFILE_SHARING,
    exception_reason: str = "",
    by=None,
    origin: AuditOrigin | None = None,
    deliver: Callable[[], object] | None = None,
) -> ProvisionRecord:
    """Give a person's data to another party, recording it first (APPI art. 29).

    With `basis=consent` the person's consent for `consent_purpose` must be in force;
    any other basis is a legal exception and needs a written reason. Otherwise
    ProvisionRefused is raised and `deliver` is never called. `deliver` runs inside
    the same transaction as the record: if it fails, no record remains either.
    A record made by a staff member (`by`) is in the staff audit log. A `purpose`
    the code words is given as a callable and kept in every language of the site,
    so the person reads it in theirs; a staff member's typed purpose is kept as typed.
    """
    consent = None
    if basis == ProvisionRecord.Basis.CONSENT:
        consent = consent_latest(user=person, purpose=consent_purpose)
        if consent is None or not consent.granted or not person.is_active:
            raise ProvisionRefused(
                _("The person has not agreed to share this data, so nothing was sent.")
            )
    elif basis in ProvisionRecord.Basis.values:
        if not exception_reason.strip():
            raise ProvisionRefused(_("A legal exception needs its written reason."))
    else:
        raise ProvisionRefused(_("Unknown basis for a provision."))
    if not data_items:
        raise ProvisionRefused(_("A provision must name the data items it gives."))
    purpose_texts = every_language(purpose) if callable(purpose) else {}
    now = timezone.now()
    with transaction.atomic():
        record = ProvisionRecord.objects.create(
            person=person,
            recipient=recipient,
            recipient_name=recipient_name,
            data_items=list(data_items),
            purpose=purpose_texts.get(settings.LANGUAGE_CODE, "") if callable(purpose) else purpose,
            purpose_texts=purpose_texts,
            provided_at=now,
            basis=basis,
            consent=consent,
            exception_reason=exception_reason.strip(),
            recorded_by=by,
            keep_until=_years_later(timezone.localdate(now), PROVISION_KEEP_YEARS),
        )
        if by is not None:
            audit_write(staff=by, action=StaffAuditLog.Action.ADD, obj=record, origin=origin)
        if deliver is not None:
            deliver()
    return record


# --- Requests under policy 7 -------------------------------------------------------------

REQUEST_DUE_DAYS = 14
ARCHIVE_LINK_DAYS = 7
STOPPABLE_PURPOSES = (
    Consent.Purpose.MARKETING,
    Consent.Purpose.QUESTIONNAIRES,
    Consent.Purpose.ANALYTICS,
    Consent.Purpose.GIFT_SHIPPING,
)
# Staff handle a request: start it, then close it with a decision (or close it at once).
REQUEST_TRANSITIONS = TransitionTable.of(
    {
        (PrivacyRequest.Status.RECEIVED, PrivacyRequest.Status.IN_PROGRESS): Role.STAFF,
        (PrivacyRequest.Status.RECEIVED, PrivacyRequest.Status.CLOSED): Role.STAFF,
        (PrivacyRequest.Status.IN_PROGRESS, PrivacyRequest.Status.CLOSED): Role.STAFF,
    }
)


def _request_move(*, privacy_request: PrivacyRequest, to: str, **fields) -> PrivacyRequest:
    """Move the request with a compare-and-swap, writing `fields` in the same UPDATE."""
    return transition_move(
        obj=privacy_request,
        table=REQUEST_TRANSITIONS,
        to=to,
        role=Role.STAFF,
        message=f"A {privacy_request.status} request cannot become {to}.",  # staff-facing
        **fields,
    )


def privacy_request_file(
    *,
    user,
    kind: str,
    details: str = "",
    corrections: dict[str, str] | None = None,
    identity_check: str,
    identity_note: str = "",
    checked_by=None,
    ip: str | None = None,
    origin: AuditOrigin | None = None,
) -> PrivacyRequest:
    """File a request once the person's identity is checked (the caller says how).

    A stop of use takes effect at once: the person leaves campaigns, questionnaires
    and analytics before any staff member reads the request. A request a staff
    member files (`checked_by`) is in the staff audit log.
    """
    if identity_check == PrivacyRequest.IdentityCheck.DOCUMENT and (
        checked_by is None or not identity_note.strip()
    ):
        raise PrivacyError(_("A document check names the staff member and the document."))
    now = timezone.now()
    with transaction.atomic():
        privacy_request = PrivacyRequest.objects.create(
            user=user,
            kind=kind,
            language=_request_language(user=user, checked_by=checked_by),
            details=details.strip(),
            corrections=corrections or {},
            identity_check=identity_check,
            identity_note=identity_note.strip(),
            identity_checked_by=checked_by,
            received_at=now,
            due_on=timezone.localdate(now) + datetime.timedelta(days=REQUEST_DUE_DAYS),
        )
        if kind == PrivacyRequest.Kind.STOP_OF_USE:
            consents_update(
                user=user,
                choices=dict.fromkeys(STOPPABLE_PURPOSES, False),
                ip=ip,
                source=Consent.Source.STOP_OF_USE,
            )
        _request_mail(privacy_request, "request_received")
        if checked_by is not None:
            audit_write(
                staff=checked_by,
                action=StaffAuditLog.Action.ADD,
                obj=privacy_request,
                origin=origin,
            )
    return privacy_request


def privacy_request_start(
    *, privacy_request: PrivacyRequest, by, origin: AuditOrigin | None = None
) -> PrivacyRequest:
    with transaction.atomic():
        _request_move(privacy_request=privacy_request, to=PrivacyRequest.Status.IN_PROGRESS)
        _request_mail(privacy_request, "request_started")
        audit_write(
            staff=by, action=StaffAuditLog.Action.CHANGE, obj=privacy_request, origin=origin
        )
    return privacy_request


def privacy_request_decision_check(*, kind: str, decision: str, ground: str, reason: str) -> None:
    """The rules of policy 7 for a decision; raises PrivacyError naming the broken one."""
    Decision, Ground = PrivacyRequest.Decision, PrivacyRequest.Ground
    stop_or_delete = {PrivacyRequest.Kind.STOP_OF_USE, PrivacyRequest.Kind.DELETION}
    if decision == Decision.REFUSED:
        if ground not in {Ground.RISK_TO_RIGHTS, Ground.OBSTACLE_TO_OPERATION, Ground.AGAINST_LAW}:
            raise PrivacyError(_("A refusal needs one of the grounds 7.1 to 7.3."))
        if not reason.strip():
            raise PrivacyError(_("A refusal needs a written reason."))
    elif decision == Decision.ALTERNATIVE_MEASURE:
        if kind not in stop_or_delete:
            raise PrivacyError(_("An alternative measure answers only a stop of use or deletion."))
        if ground != Ground.DIFFICULT_TO_STOP or not reason.strip():
            raise PrivacyError(_("An alternative measure needs ground 7.4 and the measure taken."))
    elif decision == Decision.PARTLY_FULFILLED:
        if not reason.strip():
            raise PrivacyError(_("Say what was not fulfilled, and why."))
    elif decision != Decision.FULFILLED:
        raise PrivacyError(_("Unknown decision."))


DECISION_FIELDS = ("decision", "ground", "decision_reason")


def privacy_request_decide(
    *,
    privacy_request: PrivacyRequest,
    decision: str,
    ground: str = "",
    reason: str = "",
    by,
    origin: AuditOrigin | None = None,
) -> PrivacyRequest:
    """Close a request with a decision, carry it out, and tell the person."""
    privacy_request_decision_check(
        kind=privacy_request.kind, decision=decision, ground=ground, reason=reason
    )
    carried_out = decision in {
        PrivacyRequest.Decision.FULFILLED,
        PrivacyRequest.Decision.PARTLY_FULFILLED,
    }
    before = {name: getattr(privacy_request, name) for name in DECISION_FIELDS}
    with transaction.atomic():
        _request_move(
            privacy_request=privacy_request,
            to=PrivacyRequest.Status.CLOSED,
            decision=decision,
            ground=ground if decision != PrivacyRequest.Decision.FULFILLED else "",
            decision_reason=reason.strip(),
            decided_at=timezone.now(),
            decided_by=by,
        )
        if carried_out and privacy_request.kind == PrivacyRequest.Kind.REVISION:
            # Corrected whether or not anything differs; the mail says which case it was.
            privacy_request.corrected = registry.revise_for(
                privacy_request.user, privacy_request.corrections
            )
            privacy_request.save(update_fields=["corrected"])
        # The decision mail goes out first: a deletion changes the address it goes to.
        labels = dict(registry.revisable_choices())
        _request_mail(
            privacy_request,
            "request_decided",
            # Lazy labels: the mail writes them in the person's language, not the staff's.
            corrected_labels=[labels.get(key, key) for key in privacy_request.corrected],
        )
        if carried_out and privacy_request.kind in ARCHIVE_KINDS:
            request_id = privacy_request.pk
            transaction.on_commit(lambda: _archive_task().delay(request_id), robust=True)
        if carried_out and privacy_request.kind == PrivacyRequest.Kind.DELETION:
            _deletion_carry_out(privacy_request)
        audit_write(
            staff=by,
            action=StaffAuditLog.Action.DECIDE,
            obj=privacy_request,
            changed_fields=[
                name for name in DECISION_FIELDS if getattr(privacy_request, name) != before[name]
            ],
            origin=origin,
        )
    return privacy_request


ARCHIVE_KINDS = {PrivacyRequest.Kind.DISCLOSURE, PrivacyRequest.Kind.PROVISION_RECORDS}


def _archive_task():
    from privacy.tasks import privacy_archive_build

    return privacy_archive_build


def _deletion_carry_out(privacy_request: PrivacyRequest) -> None:
    report = registry.erase_for(privacy_request.user)
    privacy_request.erasure_report = {
        "deleted": report.deleted,
        "anonymised": report.anonymised,
        "kept": report.kept,
        "files_deleted": len(report.files_deleted),
    }
    privacy_request.save(update_fields=["erasure_report"])


def privacy_archive_build(*, privacy_request: PrivacyRequest) -> PrivacyRequest:
    """Write the person's archive (JSON plus their own files) and mail the 7-day link."""
    user = privacy_request.user
    data = registry.export_for(user)
    files = list(registry.files_for(user))
    if privacy_request.kind == PrivacyRequest.Kind.PROVISION_RECORDS:
        data = {label: rows for label, rows in data.items() if label == "privacy.ProvisionRecord"}
        files = []
    payload = {
        "generated_at": timezone.now().isoformat(),
        "request": privacy_request.pk,
        "data": data,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(payload, ensure_ascii=False, indent=2))
        for path, file in files:
            with file.open("rb") as handle:
                archive.writestr(path, handle.read())
    archive = privacy_request.archive
    previous = archive.name
    archive.save(f"{secrets.token_urlsafe(24)}.zip", ContentFile(buffer.getvalue()), save=False)
    # The row, the mail and the old archive's removal commit together. A build that dies
    # (a lost database connection; the task runs again) leaves no archive no row names.
    try:
        with transaction.atomic():
            privacy_request.archive_expires_at = timezone.now() + datetime.timedelta(
                days=ARCHIVE_LINK_DAYS
            )
            privacy_request.save(update_fields=["archive", "archive_expires_at"])
            _request_mail(
                privacy_request, "archive_ready", link=archive_link(privacy_request=privacy_request)
            )
            if previous:
                transaction.on_commit(functools.partial(archive.storage.delete, previous))
    except BaseException:
        archive.storage.delete(archive.name)
        archive.name = previous
        raise
    return privacy_request


# Longer than a build takes with all its retries: an archive still missing then is lost.
ARCHIVE_LOST_AFTER = datetime.timedelta(hours=1)


def privacy_archives_missing_queue(*, now: datetime.datetime | None = None) -> int:
    """Queue again the archive of a fulfilled request that has none an hour after its
    decision: its task was lost with the broker's queue (a Redis that lost its data), or
    gave up. An archive built once and later erased keeps its expiry, so is not rebuilt."""
    cutoff = (now or timezone.now()) - ARCHIVE_LOST_AFTER
    missing = list(
        PrivacyRequest.objects.filter(
            kind__in=ARCHIVE_KINDS,
            status=PrivacyRequest.Status.CLOSED,
            decision__in=[
                PrivacyRequest.Decision.FULFILLED,
                PrivacyRequest.Decision.PARTLY_FULFILLED,
            ],
            decided_at__lt=cutoff,
            archive="",
            archive_expires_at=None,
        ).values_list("pk", flat=True)[:100]
    )
    for request_id in missing:
        _archive_task().delay(request_id)
    return len(missing)


ARCHIVE_SALT = "privacy.archive"


def archive_link(*, privacy_request: PrivacyRequest) -> str:
    token = signing.dumps(privacy_request.pk, salt=ARCHIVE_SALT)
    path = reverse("privacy:archive_download", kwargs={"token": token})
    return f"{settings.SITE_URL}{path}"


def archive_token_read(*, token: str) -> int | None:
    """The request id in a link that is still valid, else None."""
    try:
        return signing.loads(
            token, salt=ARCHIVE_SALT, max_age=datetime.timedelta(days=ARCHIVE_LINK_DAYS)
        )
    except signing.BadSignature:
        return None


def _request_language(*, user, checked_by) -> str:
    """The person's language; else, if they file it themselves, the one they are reading in
    (a staff member filing for them reads in their own)."""
    if user.language:
        return user.language
    active = translation.get_language() or ""
    return active if checked_by is None and active in dict(settings.LANGUAGES) else ""


def _request_mail(privacy_request: PrivacyRequest, template: str, **extra) -> None:
    user = privacy_request.user
    context = {"privacy_request": privacy_request, "user": user, **extra}
    # By address: the decision on a deletion reaches the person after the account closed.
    mail_send(
        to=user.email,
        template=f"privacy/emails/{template}",
        context=context,
        language=user.language or privacy_request.language or recipient_language(user),
    )


# --- Identity verification ---------------------------------------------------------------

IDENTITY_DOCUMENT_KEEP_DAYS = 30
# Staff decide a submitted document once.
IDENTITY_TRANSITIONS = TransitionTable.of(
    {
        (IdentityVerification.Status.PENDING, IdentityVerification.Status.APPROVED): Role.STAFF,
        (IdentityVerification.Status.PENDING, IdentityVerification.Status.REJECTED): Role.STAFF,
    }
)
MY_NUMBER_SIDE_REFUSED = gettext_lazy(
    "We never accept the number side (back) of an Individual Number (My Number) card. "
    "Upload its front (photo) side, or another document."
)


def identity_is_verified(*, user) -> bool:
    """Whether staff verified the person's identity. Hosts need it to publish, tenants to sign."""
    if user is None or not user.is_authenticated:
        return False
    return IdentityVerification.objects.filter(
        user=user, status=IdentityVerification.Status.APPROVED
    ).exists()


# A person needs one document checked; a few waiting at once allow for a blurred
# photo sent again, and keep what one account can put in the officers' queue small.
IDENTITY_DOCUMENTS_WAITING_MAX = 3


def identity_document_submit(
    *, user, document_type: str, document, number_side: bool
) -> IdentityVerification:
    """Store a document for review. Raises PrivacyError, or ValidationError (code
    `file_type` or `too_large`) for a file that is not a PDF or an image of at most 10 MB."""
    if document_type == IdentityVerification.DocumentType.MY_NUMBER_CARD and number_side:
        raise PrivacyError(MY_NUMBER_SIDE_REFUSED)
    if document_type not in IdentityVerification.DocumentType.values:
        raise PrivacyError(_("Choose the type of the document."))
    checked = attachment_check(document)
    with transaction.atomic():
        # One upload at a time per person, so two at once cannot both pass the count.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        waiting = IdentityVerification.objects.filter(
            user=user, status=IdentityVerification.Status.PENDING
        ).count()
        if waiting >= IDENTITY_DOCUMENTS_WAITING_MAX:
            raise PrivacyError(
                _(
                    "You already have %(count)d documents waiting for review. You can upload "
                    "another once a privacy officer has decided on them."
                )
                % {"count": waiting}
            )
        verification = IdentityVerification(
            user=user, document_type=document_type, submitted_at=timezone.now()
        )
        # The stored name takes the extension of the content, never the uploader's.
        verification.document.save(
            f"{secrets.token_urlsafe(16)}{checked.extension}", document, save=False
        )
        verification.save()
    return verification


def identity_decide(
    *,
    verification: IdentityVerification,
    approve: bool,
    reason: str = "",
    by,
    origin: AuditOrigin | None = None,
) -> IdentityVerification:
    to = IdentityVerification.Status.APPROVED if approve else IdentityVerification.Status.REJECTED
    message = f"A {verification.status} verification cannot become {to}."  # staff-facing
    IDENTITY_TRANSITIONS.check(current=verification.status, to=to, role=Role.STAFF, message=message)
    if not approve and not reason.strip():
        raise PrivacyError(_("A rejection needs its reason, which the person will read."))
    with transaction.atomic():
        transition_move(
            obj=verification,
            table=IDENTITY_TRANSITIONS,
            to=to,
            role=Role.STAFF,
            message=message,
            reason=reason.strip(),
            decided_at=timezone.now(),
            decided_by=by,
        )
        audit_write(staff=by, action=StaffAuditLog.Action.DECIDE, obj=verification, origin=origin)
        mail_send(
            to=verification.user,
            template="privacy/emails/identity_decided",
            context={
                "verification": verification,
                "upload_path": reverse("privacy:identity_upload"),
            },
        )
    return verification


def identity_documents_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete document files 30 days after their decision; the decision itself stays."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=IDENTITY_DOCUMENT_KEEP_DAYS)
    due = IdentityVerification.objects.filter(decided_at__lte=cutoff).exclude(document="")
    purged = 0
    for verification in due:
        verification.document.delete(save=False)
        verification.document = ""
        verification.document_deleted_at = timezone.now()
        verification.save(update_fields=["document", "document_deleted_at"])
        purged += 1
    return purged


# --- Access log ----------------------------------------------------------------------------

ACCESS_LOG_KEEP_DAYS = 180


def access_log_domains_resolve(*, resolver=None, batch: int = 500) -> int:
    """Fill in the connection-source domain of rows not looked up yet (policy 1.2.3)."""
    from privacy.access_log import reverse_dns

    pending = list(
        AccessLog.objects.filter(domain_resolved=False)
        .exclude(ip_address=None)
        .values_list("ip_address", flat=True)
        .distinct()[:batch]
    )
    options = {"resolver": resolver} if resolver is not None else {}
    for ip in pending:
        AccessLog.objects.filter(domain_resolved=False, ip_address=ip).update(
            domain=reverse_dns(ip, **options), domain_resolved=True
        )
    return len(pending)


def access_logs_drain(*, batch: int | None = None) -> int:
    """Write the rows waiting in the access log's buffer into the table (beat, every 2 s)."""
    return buffer_drain(_access_entries_write, batch=batch or settings.ACCESS_LOG_DRAIN_BATCH)


def access_logs_flush() -> int:
    """Write every row buffered until now, waiting for a drain under way to finish.

    Run before a person's rows are read or erased (a disclosure, the data download, a
    deletion), so that the requests of the last seconds are in what they get.
    """
    if not buffering():
        return 0  # tasks run in-process: every row was written at once
    return buffer_drain(
        _access_entries_write,
        batch=settings.ACCESS_LOG_DRAIN_BATCH,
        wait=BUFFER_LOCK_SECONDS + 5,
        queued_only=True,
    )


def _access_entries_write(entries: list[dict]) -> None:
    """One INSERT for a batch; a row already written (a drain that died) is skipped."""
    rows = []
    for entry in entries:
        try:
            rows.append(access_log_row(entry))
        except (KeyError, TypeError, ValueError):
            logger.error("Access log buffer: malformed entry dropped: %r", entry)
    # A person whose account went while the row waited is no longer named.
    named = {row.user_id for row in rows if row.user_id is not None}
    existing = set()
    if named:
        existing = set(get_user_model().objects.filter(pk__in=named).values_list("pk", flat=True))
    for row in rows:
        if row.user_id not in existing:
            row.user_id = None
    AccessLog.objects.bulk_create(rows, ignore_conflicts=True)


def access_logs_purge(*, now: datetime.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - datetime.timedelta(days=ACCESS_LOG_KEEP_DAYS)
    deleted, _counts = AccessLog.objects.filter(at__lt=cutoff).delete()
    return deleted


# --- Anonymously processed information ------------------------------------------------------


def anonymised_export_create(
    *, by, origin: AuditOrigin | None = None
) -> tuple[AnonymisedExport, str]:
    """The CSV of aggregates, and the record that publishes what it contains."""
    from privacy.anonymised import anonymised_csv, published_items

    content = anonymised_csv()
    with transaction.atomic():
        export = AnonymisedExport.objects.create(
            created_at=timezone.now(),
            created_by=by,
            items=[{"aggregate": d, "items": list(items)} for d, items in published_items()],
        )
        audit_write(staff=by, action=StaffAuditLog.Action.EXPORT, obj=export, origin=origin)
    return export, content


def deleted_accounts_sweep() -> int:
    """Erase again what deletions kept, once each record's legal period has ended."""
    closed_deletions = PrivacyRequest.objects.filter(
        kind=PrivacyRequest.Kind.DELETION,
        status=PrivacyRequest.Status.CLOSED,
        decision__in=[PrivacyRequest.Decision.FULFILLED, PrivacyRequest.Decision.PARTLY_FULFILLED],
    ).select_related("user")
    swept = 0
    for privacy_request in closed_deletions:
        with transaction.atomic():
            report = registry.erase_for(privacy_request.user)
        swept += sum(report.deleted.values())
    return swept
