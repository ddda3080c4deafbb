"""A staff answer given in admin reaches the opener once, through the real worker and SMTP."""

import pytest
from django.conf import settings

from tests.contracts.support.builders import ADMIN_LIST, admin_change, open_request

pytestmark = pytest.mark.integration


def mails_until(smtp_sink, address: str, subject_part: str) -> list:
    """Every mail to `address` so far, once one whose subject holds `subject_part` is in."""
    count = 1
    while True:
        mails = smtp_sink.wait_for(address, count=count)
        if any(subject_part in mail["Subject"] for mail in mails):
            return mails
        count = len(mails) + 1


def plain_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_the_worker_mails_the_answer_to_the_opener_once(live_worker, smtp_sink, officer_client):
    support_request = open_request(subject="The heater is off")
    number = f"#{support_request.pk}"

    admin_change(officer_client, support_request, reply="A technician comes on Monday.")
    # The close is mailed after the answer by the same one-process worker, so once the
    # close has arrived a second copy of the answer would have arrived too.
    officer_client.post(
        ADMIN_LIST, {"action": "close_requests", "_selected_action": [support_request.pk]}
    )
    mails = mails_until(smtp_sink, support_request.opened_by.email, f"{number} was closed")

    about_support = [mail for mail in mails if number in mail["Subject"]]
    assert [mail["Subject"] for mail in about_support] == [
        f"We received your support request {number}",
        f"KaguAruoo support answered your request {number}",
        f"Your support request {number} was closed",
    ]
    assert "The heater is off" in plain_text(about_support[0])
    assert "A technician comes on Monday." in plain_text(about_support[1])
    [staff_notice] = smtp_sink.wait_for(settings.SUPPORT_EMAIL)
    assert number in staff_notice["Subject"]
    assert "The heater is off" not in plain_text(staff_notice)
