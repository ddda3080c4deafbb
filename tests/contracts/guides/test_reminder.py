"""The day before move-in the tenant is mailed where the House Guide is, once."""

import pytest
from django.core import mail

from contracts.guides.services import guide_reminder_send, guide_reminders_send, house_guide_upload
from contracts.tasks import house_guide_reminders_send
from kaguaruoo.celery import app as celery_app
from kaguaruoo.tasks import send_email
from tests.contracts.builders import sent_contract, signed_contract
from tests.listings.builders import days
from tests.messaging.builders import pdf_upload
from tests.races import race

SUBJECT = "Moving in tomorrow"


def reminders_to(user) -> list:
    return [m for m in mail.outbox if user.email in m.to and SUBJECT in m.subject]


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the reminders as beat would, with the mail they queue sent at commit."""

    def run_reminders():
        with django_capture_on_commit_callbacks(execute=True):
            return guide_reminders_send()

    return run_reminders


@pytest.mark.django_db
def test_the_tenant_moving_in_tomorrow_is_mailed_a_link_to_the_thread(run):
    contract = signed_contract(move_in=days(1))
    house_guide_upload(listing=contract.listing, by=contract.host, file=pdf_upload())

    assert run() == 1

    [reminder] = reminders_to(contract.tenant)
    assert contract.listing.title in reminder.subject
    assert f"/messages/{contract.thread_id}/#house-guide" in reminder.body
    assert "The host's House Guide" in reminder.body
    # The guide itself (a key procedure) never travels by mail.
    assert "/house-guide/" not in reminder.body.replace("/#house-guide", "")


@pytest.mark.django_db
def test_without_a_guide_the_mail_still_goes_and_says_so(run):
    contract = signed_contract(move_in=days(1))

    run()

    [reminder] = reminders_to(contract.tenant)
    assert "The host has not uploaded a House Guide yet." in reminder.body
    assert f"/messages/{contract.thread_id}/" in reminder.body


@pytest.mark.django_db
def test_running_the_reminders_again_mails_nobody_twice(run):
    contract = signed_contract(move_in=days(1))

    assert (run(), run()) == (1, 0)

    assert len(reminders_to(contract.tenant)) == 1
    contract.refresh_from_db()
    assert contract.guide_reminder_sent_at is not None


@pytest.mark.django_db
def test_only_signed_contracts_moving_in_tomorrow_are_reminded(run):
    later = signed_contract(move_in=days(2))
    unsigned = sent_contract(move_in=days(1))

    assert run() == 0

    assert reminders_to(later.tenant) == []
    assert reminders_to(unsigned.tenant) == []


# Concurrent writers need a real server database; SQLite locks the whole table.
@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_workers_reminding_the_same_contract_at_once_mail_it_once():
    celery_app.conf.task_always_eager = True  # mail lands in the outbox; no worker here
    contract = signed_contract(move_in=days(1))
    mail.outbox.clear()

    results = race(*[lambda: guide_reminder_send(contract=contract)] * 4)

    assert sorted(results) == [False, False, False, True]
    assert len(reminders_to(contract.tenant)) == 1


def test_beat_runs_the_reminders_every_morning_in_tokyo(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["contracts-house-guide-reminders"]

    assert entry["task"] == house_guide_reminders_send.name
    assert 9 in entry["schedule"].hour
    assert entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "Asia/Tokyo"


@pytest.mark.integration
def test_the_worker_mails_the_reminder_once_though_the_task_runs_twice(live_worker, smtp_sink):
    # The contract is made with tasks in-process, so that only the reminder reaches the sink.
    celery_app.conf.task_always_eager = True
    contract = signed_contract(move_in=days(1))
    celery_app.conf.task_always_eager = False

    house_guide_reminders_send.delay()
    house_guide_reminders_send.delay()
    [reminder] = smtp_sink.wait_for(contract.tenant.email)

    assert SUBJECT in reminder["Subject"]
    text = reminder.get_body(preferencelist=("plain",)).get_content()
    assert f"/messages/{contract.thread_id}/#house-guide" in text
    # Both runs were taken before the first mail was sent (one worker, in order); a
    # second reminder would be queued ahead of this marker, so it would arrive first.
    send_email.delay(subject="marker", body="", from_email=None, to=["marker@example.com"])
    smtp_sink.wait_for("marker@example.com")
    assert len(smtp_sink.wait_for(contract.tenant.email)) == 1
