"""What the privacy app itself holds about a person (see privacy/registry.py)."""

from privacy.models import Consent, PolicyVersion
from privacy.registry import Erase, PersonalData, Retention, register

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
