"""The real Celery worker mails every step of a contract once, over SMTP, and expires once."""

import datetime
import re

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone

from contracts.booking.services import contract_send, contract_sign, contract_signing_code_send
from contracts.models import Contract
from contracts.tasks import contracts_expire
from kaguaruoo.mail import email_queue
from tests.contracts.builders import reservation, sent_contract

pytestmark = pytest.mark.integration


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def sentinel(smtp_sink, to="sentinel@example.com"):
    """Queue a mail after everything else; once it arrives, the worker has done the rest."""
    email_queue(message=EmailMessage(subject="sentinel", body=".", to=[to]))
    smtp_sink.wait_for(to)


def test_reservation_contract_and_signature_are_each_mailed_once(live_worker, smtp_sink):
    request = reservation()
    [received] = smtp_sink.wait_for(request.host.email)
    contract = contract_send(reservation=request, by=request.host)
    [sent] = smtp_sink.wait_for(request.tenant.email)

    contract_signing_code_send(contract=contract, user=contract.tenant)
    code_mail = smtp_sink.wait_for(request.tenant.email, count=2)[1]
    code = re.search(r"\b(\d{6})\b", text_of(code_mail)).group(1)
    contract_sign(contract=contract, user=contract.tenant, code=code)
    smtp_sink.wait_for(request.tenant.email, count=3)
    sentinel(smtp_sink)

    assert "reservation request" in received["Subject"].lower()
    assert contract.number in sent["Subject"]
    assert "72 hours" in text_of(sent)
    to_tenant = [m["Subject"] for m in smtp_sink.messages if request.tenant.email in m["To"]]
    to_host = [m["Subject"] for m in smtp_sink.messages if request.host.email in m["To"]]
    assert len(to_tenant) == 3 and to_tenant[2].endswith("is signed")
    assert len(to_host) == 2 and to_host[1].endswith("is signed")


def test_expiry_run_twice_by_the_worker_expires_and_mails_once(live_worker, smtp_sink):
    contract = sent_contract()
    smtp_sink.wait_for(contract.tenant.email)
    Contract.objects.filter(pk=contract.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    smtp_sink.clear()

    contracts_expire.delay()
    contracts_expire.delay()
    smtp_sink.wait_for(contract.tenant.email)
    smtp_sink.wait_for(contract.host.email)
    # The second run has finished by now (the worker takes tasks in order); any
    # mail it queued would arrive before this one.
    sentinel(smtp_sink)

    contract.refresh_from_db()
    assert contract.status == "expired"
    subjects = [m["Subject"] for m in smtp_sink.messages if "expired" in m["Subject"]]
    assert len(subjects) == 2  # one to the tenant, one to the host
    assert contract.events.filter(kind="expired").count() == 1
