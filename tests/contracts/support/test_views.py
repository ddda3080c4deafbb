"""The support pages of a party: open a request, follow it, add to it, close it, get its files.

Who may open which URL is in test_access_matrix.py.
"""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import SupportRequest
from contracts.support.services import support_message_add, support_reply, support_request_close
from tests.accounts.factories import UserFactory
from tests.contracts.builders import sent_contract
from tests.contracts.support.builders import open_request
from tests.messaging.builders import PDF_BYTES, pdf_upload, png_upload

pytestmark = pytest.mark.django_db


def test_the_tenant_opens_a_request_from_the_contract_and_lands_on_it(client, contract):
    client.force_login(contract.tenant)

    form = client.get(f"/contracts/{contract.pk}/support/new/")
    response = client.post(
        f"/contracts/{contract.pk}/support/new/",
        {
            "category": "apartment",
            "subject": "The washing machine leaks",
            "body": "Water on the floor after each wash.",
            "attachment": png_upload("floor.png"),
        },
        follow=True,
    )

    assert "Apartment, furniture or appliances" in form.text
    assert "the other party of the contract does not" in form.text
    support_request = SupportRequest.objects.get()
    assert response.redirect_chain[-1][0] == f"/contracts/support/{support_request.pk}/"
    assert "Your request was sent to KaguAruoo support." in response.text
    assert "The washing machine leaks" in response.text
    assert "Water on the floor after each wash." in response.text
    assert "floor.png" in response.text
    assert support_request.get_category_display() in response.text


def test_a_file_that_is_not_a_pdf_or_an_image_is_refused_and_the_text_is_kept(client, contract):
    client.force_login(contract.tenant)
    fake = SimpleUploadedFile(
        "invoice.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )

    response = client.post(
        f"/contracts/{contract.pk}/support/new/",
        {
            "category": "payment",
            "subject": "Charged twice in May",
            "body": "My card shows two charges of 120,000 yen.",
            "attachment": fake,
        },
    )

    assert response.status_code == 400
    assert "Attach a PDF or an image (JPEG, PNG, GIF or WebP)." in response.text
    assert 'value="Charged twice in May"' in response.text
    assert "My card shows two charges of 120,000 yen." in response.text
    assert re.search(r'value="payment"[^>]* checked', response.text)
    assert not SupportRequest.objects.exists()


def test_a_file_over_10_mb_is_refused_with_a_message(client, contract):
    client.force_login(contract.tenant)
    big = SimpleUploadedFile("scan.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024))

    response = client.post(
        f"/contracts/{contract.pk}/support/new/",
        {"category": "other", "subject": "Scan", "body": "See the scan.", "attachment": big},
    )

    assert response.status_code == 400
    assert "The file is larger than 10 MB." in response.text
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize(
    ("category", "error"),
    [("", "This field is required."), ("lottery", "Select a valid choice.")],
)
def test_a_request_needs_a_category_from_the_list(client, contract, category, error):
    client.force_login(contract.tenant)

    response = client.post(
        f"/contracts/{contract.pk}/support/new/",
        {"category": category, "subject": "Help", "body": "Something broke."},
    )

    assert response.status_code == 400
    assert error in response.text
    assert not SupportRequest.objects.exists()


def test_every_category_can_be_chosen(client, contract):
    client.force_login(contract.tenant)

    for category in SupportRequest.Category.values:
        response = client.post(
            f"/contracts/{contract.pk}/support/new/",
            {"category": category, "subject": f"About {category}", "body": "Please help."},
        )
        assert response.status_code == 302

    assert sorted(SupportRequest.objects.values_list("category", flat=True)) == sorted(
        SupportRequest.Category.values
    )


def test_a_contract_not_signed_yet_sends_the_party_back_with_the_reason(client):
    contract = sent_contract()
    client.force_login(contract.tenant)

    response = client.get(f"/contracts/{contract.pk}/support/new/")

    assert response.status_code == 302
    assert response["Location"] == f"/contracts/{contract.pk}/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Support requests can be opened once the contract is signed."
    ]


def test_the_opener_reads_the_staff_answer_and_writes_again(client, contract):
    support_request = open_request(contract=contract)
    support_reply(request=support_request, staff=UserFactory(is_staff=True), body="Try code 4711.")
    client.force_login(contract.tenant)

    page = client.get(f"/contracts/support/{support_request.pk}/")
    response = client.post(
        f"/contracts/support/{support_request.pk}/messages/",
        {"body": "4711 does not work either."},
        follow=True,
    )

    assert "KaguAruoo support" in page.text
    assert "Try code 4711." in page.text
    assert "Answered by support" in page.text
    assert "4711 does not work either." in response.text
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.OPEN


def test_a_bad_file_on_a_follow_up_is_refused_and_the_text_is_kept(client, contract):
    support_request = open_request(contract=contract)
    client.force_login(contract.tenant)
    fake = SimpleUploadedFile("photo.png", b"<svg></svg>", content_type="image/png")

    response = client.post(
        f"/contracts/support/{support_request.pk}/messages/",
        {"body": "Here is a photo of the lock.", "attachment": fake},
    )

    assert response.status_code == 400
    assert "Attach a PDF or an image (JPEG, PNG, GIF or WebP)." in response.text
    assert "Here is a photo of the lock." in response.text
    assert support_request.messages.count() == 1


def test_writing_on_a_request_closed_meanwhile_keeps_the_text_and_says_why(client, contract):
    support_request = open_request(contract=contract)
    support_request_close(request=support_request, by=UserFactory(is_staff=True))
    client.force_login(contract.tenant)

    response = client.post(
        f"/contracts/support/{support_request.pk}/messages/", {"body": "Wait, one more thing"}
    )

    assert response.status_code == 400
    assert "This request is closed. If you still need help, open a new request." in response.text
    assert "Wait, one more thing" in response.text


def test_the_opener_closes_the_request_and_can_ask_again(client, contract):
    support_request = open_request(contract=contract)
    client.force_login(contract.tenant)

    response = client.post(f"/contracts/support/{support_request.pk}/close/", follow=True)

    assert "You closed the request." in response.text
    assert "This request is closed." in response.text
    assert f"/contracts/{contract.pk}/support/new/" in response.text
    assert "Send to support" not in response.text


def test_a_pdf_is_downloaded_and_never_cached(client, contract):
    support_request = open_request(contract=contract, attachment=pdf_upload("lease.pdf"))
    message = support_request.messages.get()
    client.force_login(contract.tenant)

    response = client.get(f"/contracts/support/{support_request.pk}/files/{message.pk}/")

    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == 'attachment; filename="lease.pdf"'
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_an_image_opens_in_the_browser(client, contract):
    support_request = open_request(contract=contract, attachment=png_upload("lock.png"))
    message = support_request.messages.get()
    client.force_login(contract.tenant)

    response = client.get(f"/contracts/support/{support_request.pk}/files/{message.pk}/")

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cache-Control"] == "private, no-store"


def test_a_file_of_another_request_is_not_served_through_this_one(client, contract):
    mine = open_request(contract=contract)
    theirs = open_request(contract=contract, by=contract.host, attachment=pdf_upload())
    client.force_login(contract.tenant)

    response = client.get(f"/contracts/support/{mine.pk}/files/{theirs.messages.get().pk}/")

    assert response.status_code == 404


# The page's own two (the request with its contract, then its messages), plus what every
# signed-in page costs: the user, the policy and consents for the site notices, the unread
# count in the menu, and the access-log row.
DETAIL_QUERIES = 8


def detail_queries(client, support_request) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/contracts/support/{support_request.pk}/")
    assert response.status_code == 200
    return len(queries)


def test_the_request_page_costs_the_same_few_queries_however_long_the_conversation(
    client, contract
):
    short = open_request(contract=contract)
    long = open_request(contract=contract, attachment=pdf_upload())
    staff = UserFactory(is_staff=True)
    for number in range(10):
        support_reply(request=long, staff=staff, body=f"Answer {number}", attachment=png_upload())
        support_message_add(request=long, by=contract.tenant, body=f"Follow-up {number}")
    client.force_login(contract.tenant)
    detail_queries(client, short)  # the first request of a session warms its caches

    assert detail_queries(client, long) == detail_queries(client, short) <= DETAIL_QUERIES


def test_the_contract_page_shows_the_users_requests_and_where_to_ask(client, contract):
    mine = open_request(contract=contract, subject="Where is the rice cooker?")
    open_request(contract=contract, by=contract.host, subject="Tenant pays late")
    client.force_login(contract.tenant)

    page = client.get(f"/contracts/{contract.pk}/").text

    assert "Where is the rice cooker?" in page
    assert f'href="/contracts/support/{mine.pk}/"' in page
    assert f'href="/contracts/{contract.pk}/support/new/"' in page
    assert "Tenant pays late" not in page
