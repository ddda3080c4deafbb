"""Who campaign and questionnaire mail may reach: the batch test agrees with the one-person test."""

import pytest

from privacy.models import Consent, PrivacyRequest
from privacy.selectors import reachable_among, user_reachable, users_reachable
from privacy.services import consent_record, privacy_request_file
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def decide(user, *choices, purpose="marketing"):
    for granted in choices:
        consent_record(user=user, purpose=purpose, granted=granted, ip=None, source="privacy_page")


def stop_of_use(user):
    privacy_request_file(
        user=user,
        kind=PrivacyRequest.Kind.STOP_OF_USE,
        identity_check=PrivacyRequest.IdentityCheck.REAUTHENTICATION,
    )


def test_the_batch_the_audience_and_the_one_person_tests_agree():
    granted = UserFactory()
    decide(granted, True)
    withdrawn = UserFactory()
    decide(withdrawn, True, False)
    granted_again = UserFactory()
    decide(granted_again, True, False, True)
    never = UserFactory()
    inactive = UserFactory(is_active=False)
    decide(inactive, True)
    stopped = UserFactory()
    decide(stopped, True)
    stop_of_use(stopped)
    regranted_after_stop = UserFactory()
    decide(regranted_after_stop, True)
    stop_of_use(regranted_after_stop)
    decide(regranted_after_stop, True)
    analytics_only = UserFactory()
    decide(analytics_only, True, purpose=Consent.Purpose.ANALYTICS)
    people = [
        granted,
        withdrawn,
        granted_again,
        never,
        inactive,
        stopped,
        regranted_after_stop,
        analytics_only,
    ]

    batch = reachable_among(users=people, purposes=["marketing", "analytics"])
    one_by_one = {u.pk for u in people if user_reachable(user=u, purpose="marketing")}
    audience = set(
        users_reachable(
            type(granted).objects.filter(pk__in=[u.pk for u in people]), purpose="marketing"
        ).values_list("pk", flat=True)
    )

    assert batch["marketing"] == one_by_one == audience
    assert batch["marketing"] == {granted.pk, granted_again.pk, regranted_after_stop.pk}
    assert batch["analytics"] == {analytics_only.pk}
