"""Staff run campaigns in admin: write, preview, test, send, pause, resume, cancel, watch."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from campaigns.core.models import Campaign, Delivery
from kaguaruoo.outbox.models import OutboxMessage
from kaguaruoo.outbox.services import outbox_drain
from privacy.models import StaffAuditLog
from privacy.services import consent_record
from tests.accounts.factories import UserFactory
from tests.campaigns.builders import campaign_build, consenting_user
from tests.privacy.helpers import sign_in, staff_signed_in

pytestmark = pytest.mark.django_db


def url(name, campaign) -> str:
    return reverse(f"admin:campaigns_campaign_{name}", args=[campaign.pk])


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def sent_campaign(client, campaign, *, drain=True):
    response = client.post(url("send", campaign))
    assert response.status_code == 302
    if drain:
        outbox_drain()
    campaign.refresh_from_db()
    return response


@pytest.fixture
def audience():
    return [
        consenting_user(email="ann@example.com", language="en", last_name="Ito"),
        consenting_user(email="ben@example.com", language="ja", last_name="山田"),
    ]


def test_the_change_page_shows_how_many_people_agreed_to_receive_it(officer_client, audience):
    UserFactory(email="never-agreed@example.com")
    campaign = campaign_build()

    page = officer_client.get(url("change", campaign))

    assert page.status_code == 200
    assert "This campaign would reach 2 people who agreed to receive it." in page.text
    assert 'name="subject_en"' in page.text
    assert "{{ name }}" in page.text  # the fields staff may use are listed


def test_the_change_page_lists_what_stops_a_campaign_from_going_out(officer_client, audience):
    campaign = campaign_build(body_ja="リンクなし")

    page = officer_client.get(url("change", campaign))

    assert "Before it can be sent:" in page.text
    assert "same links, in order" in page.text


def test_staff_write_a_campaign_and_are_recorded_as_its_author(officer_client):
    response = officer_client.post(
        reverse("admin:campaigns_campaign_add"),
        {
            "name": "Autumn",
            "purpose": Campaign.Purpose.MARKETING,
            "subject_en": "Autumn rooms for {{ name }}",
            "body_en": "See https://kaguaruoo.example/autumn",
            "subject_ja": "秋のお部屋",
            "body_ja": "こちら https://kaguaruoo.example/autumn",
            "audience": Campaign.Audience.PREFECTURE,
            "audience_prefecture": "東京都",
        },
    )

    assert response.status_code == 302, response.text
    campaign = Campaign.objects.get(name="Autumn")
    assert campaign.created_by == officer_client.officer
    assert campaign.status == Campaign.Status.DRAFT
    row = StaffAuditLog.objects.get(model="campaigns.Campaign", object_id=str(campaign.pk))
    assert row.action == StaffAuditLog.Action.ADD


def test_an_unknown_field_or_a_missing_audience_detail_is_refused_on_the_form(officer_client):
    response = officer_client.post(
        reverse("admin:campaigns_campaign_add"),
        {
            "name": "Bad",
            "purpose": Campaign.Purpose.MARKETING,
            "subject_en": "Your {{ password }}",
            "body_en": "Hi",
            "subject_ja": "件名",
            "body_ja": "本文",
            "audience": Campaign.Audience.STAY_ENDING,
        },
    )

    assert response.status_code == 200
    assert "Unknown fields: {{ password }}." in response.text
    assert "Say within how many days." in response.text
    assert not Campaign.objects.filter(name="Bad").exists()


def test_the_preview_shows_both_languages_with_the_staff_members_name(officer_client, audience):
    officer_client.officer.last_name = "Tanaka"
    officer_client.officer.save()
    campaign = campaign_build(
        body_en='Hello {{ name }} <script>alert("x")</script>\n\n'
        "https://kaguaruoo.example/spring https://kaguaruoo.example/faq"
    )

    page = officer_client.get(url("preview", campaign))

    assert page.status_code == 200
    assert "Spring rooms for Tanaka" in page.text
    assert "Tanaka様へ 春のお部屋" in page.text
    frame = 'sandbox="allow-popups allow-popups-to-escape-sandbox" title="The HTML mail in English"'
    assert f'{frame} srcdoc="&lt;!DOCTYPE html&gt;' in page.text
    assert "&lt;body&gt;&lt;base target=&quot;_blank&quot;&gt;" in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text
    assert "<script" not in re.sub(r"<script src=[^>]+></script>", "", page.text)


def test_a_test_send_mails_the_staff_member_only(
    officer_client, audience, django_capture_on_commit_callbacks
):
    campaign = campaign_build()

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(url("test_send", campaign))

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[officer_client.officer.email]] * 2
    name = officer_client.officer.public_name
    assert sorted(m.subject for m in mail.outbox) == sorted(
        [f"[Test] Spring rooms for {name}", f"[Test] {name}様へ 春のお部屋"]
    )
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert not Delivery.objects.exists()


def test_send_asks_first_then_mails_everyone_who_agreed(officer_client, audience):
    campaign = campaign_build()

    confirm = officer_client.get(url("send", campaign))
    assert "This campaign would reach 2 people who agreed to receive it." in confirm.text
    assert "It goes out now" in confirm.text
    assert Delivery.objects.count() == 0

    sent_campaign(officer_client, campaign)

    assert Delivery.objects.filter(campaign=campaign).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.com", "ben@example.com"]
    assert campaign.status == Campaign.Status.FINISHED
    row = StaffAuditLog.objects.get(
        model="campaigns.Campaign", object_id=str(campaign.pk), changed_fields=["send"]
    )
    assert row.staff == officer_client.officer
    assert row.action == StaffAuditLog.Action.CHANGE


def test_a_campaign_with_a_time_ahead_is_scheduled_and_the_page_says_when(officer_client, audience):
    when = timezone.now() + datetime.timedelta(days=2)
    campaign = campaign_build(scheduled_at=when)

    confirm = officer_client.get(url("send", campaign))
    assert "It will go out at" in confirm.text

    response = sent_campaign(officer_client, campaign)

    assert campaign.status == Campaign.Status.SCHEDULED
    assert mail.outbox == []
    assert any("scheduled for" in text for text in flashed(response))


def test_pause_resume_and_cancel_through_admin(officer_client, audience):
    campaign = campaign_build()
    sent_campaign(officer_client, campaign, drain=False)
    assert campaign.status == Campaign.Status.SENDING

    officer_client.post(url("pause", campaign))
    outbox_drain()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PAUSED
    assert mail.outbox == []

    officer_client.post(url("resume", campaign))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING

    confirm = officer_client.get(url("cancel", campaign))
    assert "the 2 not sent yet will not go out" in confirm.text
    officer_client.post(url("cancel", campaign))
    outbox_drain()
    campaign.refresh_from_db()

    assert campaign.status == Campaign.Status.CANCELLED
    assert mail.outbox == []
    assert set(Delivery.objects.values_list("message__state", flat=True)) == {"skipped"}
    actions = StaffAuditLog.objects.filter(model="campaigns.Campaign").values_list(
        "changed_fields", flat=True
    )
    assert {tuple(a) for a in actions} >= {("send",), ("pause",), ("resume",), ("cancel",)}


def test_pausing_a_draft_is_an_error_message_not_a_crash(officer_client):
    campaign = campaign_build()

    response = officer_client.post(url("pause", campaign), follow=True)

    assert response.status_code == 200
    assert "Not possible while the campaign is draft." in response.text
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert not StaffAuditLog.objects.filter(model="campaigns.Campaign").exists()


def test_sending_an_incomplete_campaign_is_an_error_message(officer_client, audience):
    campaign = campaign_build(subject_ja="")

    confirm = officer_client.get(url("send", campaign))
    response = officer_client.post(url("send", campaign), follow=True)

    assert "It cannot be sent yet:" in confirm.text
    assert response.status_code == 200
    assert "The Japanese subject is empty." in response.text
    assert not Delivery.objects.exists()


def test_buttons_act_only_on_post(officer_client, audience):
    campaign = campaign_build()
    sent_campaign(officer_client, campaign, drain=False)

    assert officer_client.get(url("pause", campaign)).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING


def test_a_started_campaign_can_no_longer_be_changed(officer_client, audience):
    campaign = campaign_build()
    sent_campaign(officer_client, campaign)

    page = officer_client.get(url("change", campaign))
    officer_client.post(url("change", campaign), {"name": "Renamed", "_save": "Save"})

    assert 'name="subject_en"' not in page.text
    assert 'name="_save"' not in page.text and 'name="_addanother"' not in page.text
    campaign.refresh_from_db()
    assert campaign.name == "Spring move-in"


def test_a_scheduled_campaign_may_be_edited_but_must_stay_complete(officer_client, audience):
    when = timezone.now() + datetime.timedelta(days=2)
    campaign = campaign_build(scheduled_at=when)
    sent_campaign(officer_client, campaign, drain=False)
    data = {
        "name": "Spring, revised",
        "purpose": campaign.purpose,
        "subject_en": campaign.subject_en,
        "body_en": campaign.body_en,
        "subject_ja": campaign.subject_ja,
        "body_ja": campaign.body_ja,
        "audience": campaign.audience,
        "scheduled_at_0": timezone.localtime(when).strftime("%Y-%m-%d"),
        "scheduled_at_1": timezone.localtime(when).strftime("%H:%M:%S"),
    }

    refused = officer_client.post(url("change", campaign), {**data, "body_ja": "リンクなし"})
    saved = officer_client.post(url("change", campaign), data)

    assert refused.status_code == 200
    assert "same links, in order" in refused.text
    assert saved.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Spring, revised"
    assert campaign.status == Campaign.Status.SCHEDULED


def test_the_progress_endpoint_counts_what_the_outbox_did(officer_client, audience):
    leaves = consenting_user(email="leaves@example.com")
    campaign = campaign_build()
    sent_campaign(officer_client, campaign, drain=False)
    consent_record(user=leaves, purpose="marketing", granted=False, ip=None, source="privacy_page")

    before = officer_client.get(url("progress", campaign)).json()
    outbox_drain()
    # Started 20 seconds ago: the rate is over those 20 seconds, not a whole minute.
    Campaign.objects.filter(pk=campaign.pk).update(
        started_at=timezone.now() - datetime.timedelta(seconds=20)
    )
    after = officer_client.get(url("progress", campaign)).json()

    assert before["total"] == 3 and before["left"] == 2 and before["skipped"] == 1
    assert after["status"] == "finished"
    assert (after["sent"], after["failed"], after["skipped"], after["left"]) == (2, 0, 1, 0)
    assert after["done"] == 3 and after["percent"] == 100
    assert after["rate"] == 0.1


def test_the_progress_bar_is_refreshed_by_the_sites_own_script(officer_client, audience):
    campaign = campaign_build()
    sent_campaign(officer_client, campaign, drain=False)

    page = officer_client.get(url("change", campaign))

    assert f'data-url="{url("progress", campaign)}"' in page.text
    assert "<progress" in page.text and 'aria-live="polite"' in page.text
    assert re.search(r'<script src="/static/campaigns/progress\.js"', page.text)
    assert "script-src 'self'" in page["Content-Security-Policy"]


@pytest.mark.parametrize(
    "name", ["change", "preview", "send", "pause", "cancel", "progress", "statistics"]
)
def test_people_who_are_not_staff_are_sent_to_the_sign_in(client, name):
    campaign = campaign_build()
    sign_in(client, UserFactory())

    response = client.get(url(name, campaign))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("progress", "get"),
        ("statistics", "get"),
        ("preview", "get"),
        ("test_send", "post"),
        ("send", "post"),
        ("pause", "post"),
        ("cancel", "post"),
    ],
)
def test_staff_without_the_campaign_permission_get_403(client, name, method):
    campaign = campaign_build()
    staff_signed_in(client)

    response = getattr(client, method)(url(name, campaign))

    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def delivery_list(client, **params):
    return client.get(reverse("admin:campaigns_delivery_changelist"), params)


def test_the_recipient_log_finds_a_person_by_email_and_by_message_id(officer_client, audience):
    campaign = campaign_build()
    sent_campaign(officer_client, campaign)
    ann = Delivery.objects.get(user__email="ann@example.com")

    by_email = delivery_list(officer_client, q="ann@example")
    by_message_id = delivery_list(officer_client, q=ann.message.message_id.strip("<>"))

    for page in (by_email, by_message_id):
        assert page.status_code == 200
        assert "ann@example.com" in page.text
        assert "ben@example.com" not in page.text
        assert escape(ann.message.message_id) in page.text
        assert "Sent" in page.text
    looks = StaffAuditLog.objects.filter(model="campaigns.Delivery", action="list")
    assert looks.count() == 2


def test_the_recipient_log_shows_one_persons_opens_and_clicks(officer_client, audience):
    campaign = campaign_build()
    sent_campaign(officer_client, campaign)
    delivery = Delivery.objects.get(user__email="ben@example.com")

    page = officer_client.get(reverse("admin:campaigns_delivery_change", args=[delivery.pk]))

    assert page.status_code == 200
    assert escape(delivery.message.message_id) in page.text
    assert 'name="_save"' not in page.text
    assert StaffAuditLog.objects.filter(
        model="campaigns.Delivery", action="view", person=delivery.user
    ).exists()


def test_the_recipient_log_is_for_privacy_officers_only(client, audience):
    campaign = campaign_build()
    campaign_send_directly(campaign)
    staff_signed_in(client)

    assert delivery_list(client).status_code == 403
    assert client.get(reverse("admin:outbox_outboxmessage_changelist")).status_code == 403


def campaign_send_directly(campaign):
    from campaigns.core.services import campaign_send

    campaign_send(campaign=campaign, by=campaign.created_by)


def test_the_recipient_log_takes_the_same_number_of_queries_for_many_rows(
    officer_client, django_assert_max_num_queries
):
    consenting_user()
    first = campaign_build()
    campaign_send_directly(first)
    with CaptureQueriesContext(connection) as few:
        assert delivery_list(officer_client).status_code == 200

    for _ in range(12):
        consenting_user()
    campaign_send_directly(campaign_build(name="Second"))
    outbox_drain()

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = delivery_list(officer_client)
    assert page.text.count('class="field-recipient"') == 1 + 13


def test_the_outbox_log_finds_a_row_by_its_address(officer_client, audience):
    campaign = campaign_build()
    sent_campaign(officer_client, campaign)

    page = officer_client.get(
        reverse("admin:outbox_outboxmessage_changelist"), {"q": "ben@example.com"}
    )

    assert page.status_code == 200
    assert OutboxMessage.objects.get(address="ben@example.com").key in page.text
    assert "ann@example.com" not in page.text


def test_an_officer_sends_a_failed_mail_again_from_the_outbox_log_and_it_is_audited(
    officer_client, django_capture_on_commit_callbacks
):
    from kaguaruoo.mail import mail_send

    reader = UserFactory(email="bounced@example.com")
    mail_send(to=reader, template="contracts/emails/review_published", context={})
    row = OutboxMessage.objects.get(address="bounced@example.com")
    # As the drain leaves a row the server refused for good.
    OutboxMessage.objects.filter(pk=row.pk).update(
        state=OutboxMessage.State.FAILED, attempts=1, smtp_response="552 mailbox full"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("admin:outbox_outboxmessage_changelist"),
            {"action": "retry_failed", "_selected_action": [row.pk]},
            follow=True,
        )

    assert "1 mail will be sent again." in flashed(response)
    assert [m.to for m in mail.outbox] == [["bounced@example.com"]]
    assert OutboxMessage.objects.get(pk=row.pk).state == OutboxMessage.State.SENT
    assert StaffAuditLog.objects.filter(
        model="outbox.OutboxMessage", action="change", object_id=str(row.pk), person=reader
    ).exists()


def test_anonymous_visitors_cannot_reach_the_progress_endpoint(audience):
    campaign = campaign_build()

    response = Client().get(url("progress", campaign))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_open_applications_and_attach_a_questionnaire_from_the_campaign_form(
    officer_client,
):
    page = officer_client.get("/admin/campaigns/campaign/add/").content.decode()

    for field in ("questionnaire", "applications_open", "applications_close_at", "summary_en"):
        assert f'name="{field}' in page
