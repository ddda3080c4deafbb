"""A campaign reaches each consenting person once, in their language, with tracked links."""

import re

import pytest
from django.core import mail

from campaigns.core.models import Campaign, Delivery
from campaigns.core.services import (
    CampaignError,
    campaign_cancel,
    campaign_pause,
    campaign_resume,
    campaign_send,
)
from kaguaruoo.outbox.models import OutboxMessage
from kaguaruoo.outbox.services import outbox_drain
from kaguaruoo.transitions import IllegalTransition
from privacy.models import Consent, PrivacyRequest
from privacy.services import consent_record, privacy_request_file
from tests.accounts.factories import UserFactory
from tests.campaigns.builders import campaign_build, consenting_user

pytestmark = pytest.mark.django_db


def sent_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_only_people_with_the_marketing_consent_are_mailed(django_capture_on_commit_callbacks):
    yes = consenting_user(email="yes@example.com")
    UserFactory(email="never@example.com")
    withdrawn = consenting_user(email="withdrawn@example.com")
    consent_record(
        user=withdrawn, purpose="marketing", granted=False, ip=None, source="privacy_page"
    )
    campaign = campaign_build(created_by=UserFactory(is_staff=True, email="staff@example.com"))

    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(campaign=campaign, by=campaign.created_by)
    outbox_drain()

    assert [m.to for m in mail.outbox] == [["yes@example.com"]]
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FINISHED
    assert Delivery.objects.get().user == yes


def test_each_person_reads_the_mail_in_their_language_with_their_name_and_tracked_links():
    consenting_user(email="en@example.com", language="en", last_name="Smith")
    consenting_user(email="ja@example.com", language="ja", last_name="山田")
    campaign = campaign_build()

    campaign_send(campaign=campaign, by=campaign.created_by)
    outbox_drain()

    (english,) = sent_to("en@example.com")
    (japanese,) = sent_to("ja@example.com")
    assert english.subject == "Spring rooms for Smith"
    assert japanese.subject == "山田様へ 春のお部屋"
    assert "kaguaruoo.example/spring" not in english.body
    tracked = re.findall(r"https?://\S+/t/\S+/", english.body)
    assert len(tracked) == 2
    assert "KaguAruoo" in english.body and "Jingumae" in english.body
    assert english.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert english.extra_headers["List-Unsubscribe"].startswith("<http")
    html = english.alternatives[0][0]
    assert '<a href="http' in html and "/t/" in html
    assert ">https://kaguaruoo.example/spring</a>" in html


def test_a_consent_withdrawn_after_the_campaign_started_stops_that_persons_mail():
    stays = consenting_user(email="stays@example.com")
    leaves = consenting_user(email="leaves@example.com")
    campaign = campaign_build()
    campaign_send(campaign=campaign, by=campaign.created_by)

    consent_record(user=leaves, purpose="marketing", granted=False, ip=None, source="privacy_page")
    outbox_drain()

    assert [m.to for m in mail.outbox] == [[stays.email]]
    row = Delivery.objects.get(user=leaves).message
    assert row.state == OutboxMessage.State.SKIPPED


def test_a_stop_of_use_request_stops_pending_mail_at_once():
    person = consenting_user(email="stop@example.com")
    campaign = campaign_build()
    campaign_send(campaign=campaign, by=campaign.created_by)

    privacy_request_file(
        user=person,
        kind=PrivacyRequest.Kind.STOP_OF_USE,
        identity_check=PrivacyRequest.IdentityCheck.REAUTHENTICATION,
    )
    outbox_drain()

    # The request's own acknowledgement is mailed; the campaign is not.
    assert [m for m in sent_to("stop@example.com") if "Spring rooms" in m.subject] == []
    assert Delivery.objects.get().message.state == OutboxMessage.State.SKIPPED


def test_the_check_at_sending_time_also_catches_a_withdrawal_the_cancel_missed():
    """A row already claimed by a worker is not cancelled; its preparer sees the change."""
    person = consenting_user(email="late@example.com")
    campaign = campaign_build()
    campaign_send(campaign=campaign, by=campaign.created_by)
    Consent.objects.create(
        user=person,
        purpose="marketing",
        granted=False,
        recorded_at=Consent.objects.get(purpose="marketing").recorded_at,
        policy_version=Consent.objects.first().policy_version,
        source="privacy_page",
    )

    outbox_drain()

    assert mail.outbox == []
    assert Delivery.objects.get().message.smtp_response == "no consent for this purpose"


def test_pause_holds_the_mail_and_resume_sends_it():
    consenting_user(email="a@example.com")
    campaign = campaign_build()
    campaign_send(campaign=campaign, by=campaign.created_by)

    campaign_pause(campaign=campaign, by=campaign.created_by)
    outbox_drain()
    assert mail.outbox == []

    campaign.refresh_from_db()
    campaign_resume(campaign=campaign, by=campaign.created_by)
    outbox_drain()
    assert len(mail.outbox) == 1


def test_cancel_skips_what_was_not_sent():
    consenting_user(email="a@example.com")
    campaign = campaign_build()
    campaign_send(campaign=campaign, by=campaign.created_by)

    campaign = campaign_cancel(campaign=campaign, by=campaign.created_by)
    outbox_drain()

    assert mail.outbox == []
    assert campaign.status == Campaign.Status.CANCELLED
    assert Delivery.objects.get().message.state == OutboxMessage.State.SKIPPED


def test_a_campaign_with_an_unknown_field_or_a_missing_translation_is_refused():
    consenting_user()
    campaign = campaign_build(body_en="Hello {{ password }}", subject_ja="")

    with pytest.raises(CampaignError) as refused:
        campaign_send(campaign=campaign, by=campaign.created_by)

    assert "password" in str(refused.value)
    assert "Japanese subject" in str(refused.value)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_starting_twice_is_refused_and_mails_nobody_twice():
    consenting_user(email="once@example.com")
    campaign = campaign_build()
    campaign_send(campaign=campaign, by=campaign.created_by)

    with pytest.raises(IllegalTransition):
        campaign_send(campaign=campaign, by=campaign.created_by)
    outbox_drain()

    assert len(sent_to("once@example.com")) == 1


def test_a_campaign_nobody_agreed_to_receive_finishes_at_once_with_no_mail():
    UserFactory(email="never@example.com")
    campaign = campaign_build()

    campaign = campaign_send(campaign=campaign, by=campaign.created_by)

    assert campaign.status == Campaign.Status.FINISHED
    assert mail.outbox == []


def test_each_move_of_staff_is_in_the_audit_log_whoever_calls_the_service():
    from privacy.models import StaffAuditLog

    consenting_user()
    campaign = campaign_build()
    staff = campaign.created_by

    campaign = campaign_send(campaign=campaign, by=staff)
    campaign = campaign_pause(campaign=campaign, by=staff)
    campaign = campaign_resume(campaign=campaign, by=staff)
    campaign_cancel(campaign=campaign, by=staff)

    rows = StaffAuditLog.objects.filter(model="campaigns.Campaign", staff=staff).order_by("pk")
    assert [row.changed_fields for row in rows] == [["send"], ["pause"], ["resume"], ["cancel"]]
