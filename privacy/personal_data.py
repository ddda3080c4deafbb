"""What the privacy app itself holds about a person (see privacy/registry.py)."""

from kaguaruoo.outbox.models import OutboxMessage
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
from privacy.registry import Erase, PersonalData, Retention, register
from privacy.services import access_logs_flush

register(
    PersonalData(
        model=Consent,
        person_field="user",
        export=lambda c: {
            "purpose": c.purpose,
            "granted": c.granted,
            "recorded_at": c.recorded_at.isoformat(),
            "ip_address": c.ip_address,
            "policy_version": c.policy_version.version,
            "source": c.source,
        },
        erase=Erase.DELETE,
        retention=Retention(
            law="Act on Regulation of Transmission of Specified Electronic Mail, art. 3(2)",
            reason="record of the opt-in (or opt-out) for mail sent on it",
            days=31,
            date_field="recorded_at",
        ),
    )
)

register(
    PersonalData(
        model=PolicyVersion,
        person_field="published_by",
        export_fields=("version", "published_at"),
        erase=Erase.ANONYMISE,
        anonymise={"published_by": None},
    )
)

register(
    PersonalData(
        model=ProvisionRecord,
        person_field="person",
        export=lambda r: {
            "recipient": r.recipient_name,
            "data_items": r.data_items,
            "purpose": r.purpose,
            "provided_at": r.provided_at.isoformat(),
            "basis": r.basis,
            "exception_reason": r.exception_reason,
            "kept_until": r.keep_until.isoformat(),
        },
        erase=Erase.KEEP,
        retention=Retention(
            law="APPI art. 29 and Enforcement Rules art. 14",
            reason="record of a provision of personal data to a third party",
            days=0,
            date_field="keep_until",
        ),
        other_user_fields={
            "recipient": "the account that received the data (a host)",
            "recorded_by": "the staff member who recorded a legal exception",
        },
    )
)

register(
    PersonalData(
        model=StaffAuditLog,
        person_field="person",
        export=lambda a: {
            "at": a.at.isoformat(),
            "action": a.action,
            "model": a.model,
            "object_id": a.object_id,
        },
        erase=Erase.KEEP,
        retention=Retention(
            law="APPI art. 23 (security control measures) and its guidelines",
            reason="record of staff access to the person's data",
            days=3 * 366,
            date_field="at",
        ),
        other_user_fields={"staff": "the staff member who looked or acted"},
    )
)

register(
    PersonalData(
        model=PrivacyRequest,
        person_field="user",
        export_fields=(
            "kind",
            "details",
            "status",
            "received_at",
            "due_on",
            "decision",
            "ground",
            "decision_reason",
            "decided_at",
        ),
        # The request and its decision stay as the record of how it was handled; what the
        # person wrote goes, and so does an archive (not exported: it is itself an export).
        erase=Erase.ANONYMISE,
        anonymise={"details": "", "identity_note": "", "archive": lambda r: _archive_drop(r)},
        other_user_fields={
            "identity_checked_by": "the staff member who verified an identity document",
            "decided_by": "the staff member who decided",
        },
    )
)

register(
    PersonalData(
        model=IdentityVerification,
        person_field="user",
        export_fields=("document_type", "status", "submitted_at", "decided_at", "reason"),
        file_fields=("document",),
        erase=Erase.ANONYMISE,
        anonymise={"reason": ""},
        other_user_fields={"decided_by": "the privacy officer who decided"},
    )
)

register(
    PersonalData(
        model=AccessLog,
        person_field="user",
        export_fields=("at", "method", "path", "status", "ip_address", "user_agent", "domain"),
        erase=Erase.DELETE,
        write_pending=access_logs_flush,
    )
)

register(
    PersonalData(
        model=AnonymisedExport,
        person_field="created_by",
        export_fields=("created_at",),
        erase=Erase.KEEP,
        retention=Retention(
            law="APPI art. 43(3) (publication of anonymously processed information)",
            reason="the published record of an export names the staff member who made it",
            days=3 * 366,
            date_field="created_at",
        ),
    )
)


def _archive_drop(privacy_request: PrivacyRequest) -> str:
    if privacy_request.archive:
        privacy_request.archive.delete(save=False)
    return ""


# The site's mail outbox (kaguaruoo/outbox): the kernel imports no app, so privacy,
# which every app may import, declares it. A sent mail's address and answer are
# kept with the deliveries of the campaign; deletion takes the address away.
register(
    PersonalData(
        model=OutboxMessage,
        person_field="recipient",
        export=lambda m: {
            "kind": m.kind,
            "address": m.address,
            "state": m.state,
            "message_id": m.message_id,
            "created_at": m.created_at.isoformat(),
            "finished_at": m.finished_at.isoformat() if m.finished_at else None,
        },
        erase=Erase.ANONYMISE,
        anonymise={"recipient": None, "address": "erased@invalid", "payload": {}},
    )
)
