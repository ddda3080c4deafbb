"""Writes of the privacy app. Other apps call these; they never touch privacy's models."""

import datetime
from collections.abc import Callable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.models import Consent, PolicyVersion, ProvisionRecord
from privacy.selectors import consent_latest, policy_current


class PrivacyError(Exception):
    """A privacy rule refuses the action; the message is safe to show."""


def policy_publish(*, text: str, changes: str, by) -> PolicyVersion:
    """Publish a revision of the policy; it is in force from now on for everyone."""
    if not text.strip():
        raise PrivacyError("A policy revision needs its full text.")
    with transaction.atomic():
        # Lock the table's newest row so that two staff publishing at once get 2 and 3.
        list(PolicyVersion.objects.select_for_update().order_by("-version")[:1])
        latest = PolicyVersion.objects.aggregate(latest=Max("version"))["latest"] or 0
        return PolicyVersion.objects.create(
            version=latest + 1,
            text=text,
            changes=changes.strip(),
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
    return Consent.objects.create(
        user=user,
        purpose=purpose,
        granted=granted,
        recorded_at=timezone.now(),
        ip_address=ip,
        policy_version=current,
        source=source,
    )


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
    purpose: str,
    basis: str,
    recipient=None,
    consent_purpose: str = Consent.Purpose.PROFILE_SHARING,
    exception_reason: str = "",
    by=None,
    deliver: Callable[[], object] | None = None,
) -> ProvisionRecord:
    """Give a person's data to another party, recording it first (APPI art. 29).

    With `basis=consent` the person's consent for `consent_purpose` must be in force;
    any other basis is a legal exception and needs a written reason. Otherwise
    ProvisionRefused is raised and `deliver` is never called. `deliver` runs inside
    the same transaction as the record: if it fails, no record remains either.
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
    now = timezone.now()
    with transaction.atomic():
        record = ProvisionRecord.objects.create(
            person=person,
            recipient=recipient,
            recipient_name=recipient_name,
            data_items=list(data_items),
            purpose=purpose,
            provided_at=now,
            basis=basis,
            consent=consent,
            exception_reason=exception_reason.strip(),
            recorded_by=by,
            keep_until=_years_later(timezone.localdate(now), PROVISION_KEEP_YEARS),
        )
        if deliver is not None:
            deliver()
    return record
