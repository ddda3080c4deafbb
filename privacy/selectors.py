import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kaguaruoo.cache import cache_forget
from privacy.models import (
    AccessLog,
    AnonymisedExport,
    Consent,
    IdentityVerification,
    PolicyVersion,
    PrivacyRequest,
    ProvisionRecord,
)

USER_CHOSEN_PURPOSES = [
    Consent.Purpose.MARKETING,
    Consent.Purpose.QUESTIONNAIRES,
    Consent.Purpose.PROFILE_SHARING,
    Consent.Purpose.CONTRACT_SHARING,
    Consent.Purpose.ANALYTICS,
    Consent.Purpose.GIFT_SHIPPING,
]


def policy_current() -> PolicyVersion | None:
    return PolicyVersion.objects.order_by("-version").first()


def policy_get(*, version: int) -> PolicyVersion:
    return get_object_or_404(PolicyVersion, version=version)


def policy_history() -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.order_by("-version").only("version", "published_at", "changes")


def consent_latest(*, user, purpose: str) -> Consent | None:
    return (
        Consent.objects.filter(user=user, purpose=purpose).order_by("-recorded_at", "-pk").first()
    )


def consent_states(*, user) -> dict[str, Consent | None]:
    """The decision in force for every purpose a user chooses, None where never asked."""
    states: dict[str, Consent | None] = dict.fromkeys(USER_CHOSEN_PURPOSES)
    for consent in Consent.objects.filter(user=user, purpose__in=USER_CHOSEN_PURPOSES).order_by(
        "recorded_at", "pk"
    ):
        states[consent.purpose] = consent
    return states


def consent_history(*, user) -> QuerySet[Consent]:
    return Consent.objects.filter(user=user).select_related("policy_version")


# The decisions every signed-in page asks about (its notices): read together, kept on
# the user object for the request and in the shared cache for PAGE_SECONDS; a new
# decision (services.consent_record) or policy version (services.policy_publish)
# forgets them.
PAGE_PURPOSES = (Consent.Purpose.POLICY, Consent.Purpose.ANALYTICS)
PAGE_SECONDS = 300
_PAGE_CONSENTS = "_privacy_page_consents"
POLICY_IN_FORCE_KEY = "privacy:policy-in-force"


@dataclass(frozen=True)
class PageConsent:
    """What a page's notices need of a decision."""

    granted: bool
    policy_version_id: int | None


def _page_consents_key(user_id: int) -> str:
    return f"privacy:page-consents:{user_id}"


def consent_latest_for_page(*, user, purpose: str) -> PageConsent | None:
    """The decision in force for a purpose of PAGE_PURPOSES, None where never asked."""
    found = user.__dict__.get(_PAGE_CONSENTS)
    if found is None:
        found = cache.get(_page_consents_key(user.pk))
    if found is None:
        found = {}
        rows = Consent.objects.filter(user=user, purpose__in=PAGE_PURPOSES).order_by(
            "-recorded_at", "-pk"
        )
        for consent in rows:
            found.setdefault(
                consent.purpose, PageConsent(consent.granted, consent.policy_version_id)
            )
        cache.set(_page_consents_key(user.pk), found, PAGE_SECONDS)
    user.__dict__[_PAGE_CONSENTS] = found
    return found.get(purpose)


def page_consents_forget(user) -> None:
    user.__dict__.pop(_PAGE_CONSENTS, None)
    cache_forget(_page_consents_key(user.pk))


def policy_in_force() -> PolicyVersion | None:
    """The version in force, without its texts: what the notice shows (its number, date
    and page)."""
    found = cache.get(POLICY_IN_FORCE_KEY)
    if found is None:
        found = PolicyVersion.objects.order_by("-version").only("id", "version", "published_at")
        found = found.first()
        if found is None:
            return None
        cache.set(POLICY_IN_FORCE_KEY, found, PAGE_SECONDS)
    return found


def policy_in_force_forget() -> None:
    cache_forget(POLICY_IN_FORCE_KEY)


def policy_needs_acknowledgement(*, user) -> PolicyVersion | None:
    """The version in force when the user has not accepted it yet, else None."""
    if not user.is_authenticated:
        return None
    current = policy_in_force()
    if current is None:
        return None
    accepted = consent_latest_for_page(user=user, purpose=Consent.Purpose.POLICY)
    if accepted is not None and accepted.granted and accepted.policy_version_id == current.pk:
        return None
    return current


def provision_records_about(*, person) -> QuerySet[ProvisionRecord]:
    return ProvisionRecord.objects.filter(person=person).select_related("consent")


def privacy_requests_of(*, user) -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.filter(user=user).order_by("-received_at")


def privacy_request_get_for_user(*, user, pk: int) -> PrivacyRequest:
    """The user's own request; anyone else's, or none, is a 404."""
    return get_object_or_404(PrivacyRequest.objects.filter(user=user), pk=pk)


def identity_verification_latest(*, user) -> IdentityVerification | None:
    return IdentityVerification.objects.filter(user=user).order_by("-submitted_at", "-pk").first()


def access_trends(*, days: int = 30) -> list[dict]:
    """Per day, newest first: requests, distinct addresses, signed-in users, server errors."""
    since = timezone.now() - datetime.timedelta(days=days)
    return list(
        AccessLog.objects.filter(at__gte=since)
        .annotate(day=TruncDate("at"))
        .values("day")
        .annotate(
            requests=Count("pk"),
            addresses=Count("ip_address", distinct=True),
            users=Count("user", distinct=True),
            server_errors=Count("pk", filter=Q(status__gte=500)),
        )
        .order_by("-day")
    )


def access_top_domains(*, days: int = 30, limit: int = 10) -> list[dict]:
    since = timezone.now() - datetime.timedelta(days=days)
    return list(
        AccessLog.objects.filter(at__gte=since)
        .exclude(domain="")
        .values("domain")
        .annotate(requests=Count("pk"))
        .order_by("-requests", "domain")[:limit]
    )


def identity_document_get_for_officer(*, pk: int) -> IdentityVerification:
    """A verification whose file still exists; callers check that the viewer is an officer."""
    return get_object_or_404(IdentityVerification.objects.exclude(document=""), pk=pk)


def anonymised_exports_published() -> QuerySet[AnonymisedExport]:
    return AnonymisedExport.objects.order_by("-created_at").only("created_at")


def _latest_consent(purpose: str):
    return Consent.objects.filter(user=OuterRef("pk"), purpose=purpose).order_by(
        "-recorded_at", "-pk"
    )


def users_reachable(users: QuerySet, *, purpose: str) -> QuerySet:
    """The people of `users` whom mail of `purpose` may reach now: active, with an address,
    whose newest decision about the purpose is a grant, and who asked for no stop of use
    since that grant (the opt-in record of the Specified E-mail Act)."""
    latest = _latest_consent(purpose)
    return (
        users.filter(is_active=True)
        .exclude(email="")
        .annotate(
            _granted=Subquery(latest.values("granted")[:1]),
            _granted_at=Subquery(latest.values("recorded_at")[:1]),
        )
        .filter(_granted=True)
        .exclude(
            Exists(
                PrivacyRequest.objects.filter(
                    user=OuterRef("pk"),
                    kind=PrivacyRequest.Kind.STOP_OF_USE,
                    received_at__gte=OuterRef("_granted_at"),
                )
            )
        )
    )


def user_reachable(*, user, purpose: str) -> bool:
    """The same test for one person, at the moment a mail goes out."""
    if user is None or not user.is_active or not user.email:
        return False
    latest = consent_latest(user=user, purpose=purpose)
    if latest is None or not latest.granted:
        return False
    return not PrivacyRequest.objects.filter(
        user=user, kind=PrivacyRequest.Kind.STOP_OF_USE, received_at__gte=latest.recorded_at
    ).exists()


def reachable_among(*, users, purposes) -> dict[str, set[int]]:
    """For a batch of people (user objects): per purpose, the ids `user_reachable` lets
    through. Two plain queries for the whole batch, whatever its size: the outbox asks
    this right before a batch of mail goes out."""
    people = {user.pk: user for user in users if user.is_active and user.email}
    latest: dict[tuple[int, str], Consent] = {}
    decisions = Consent.objects.filter(user__in=list(people), purpose__in=list(purposes))
    for consent in decisions.order_by("recorded_at", "pk").only(
        "user_id", "purpose", "granted", "recorded_at"
    ):
        latest[(consent.user_id, consent.purpose)] = consent
    stops: dict[int, list] = {}
    for user_id, received_at in PrivacyRequest.objects.filter(
        user__in=list(people), kind=PrivacyRequest.Kind.STOP_OF_USE
    ).values_list("user_id", "received_at"):
        stops.setdefault(user_id, []).append(received_at)
    reachable: dict[str, set[int]] = {purpose: set() for purpose in purposes}
    for (user_id, purpose), consent in latest.items():
        stopped = any(moment >= consent.recorded_at for moment in stops.get(user_id, ()))
        if consent.granted and not stopped:
            reachable[purpose].add(user_id)
    return reachable
