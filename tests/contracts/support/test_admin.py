"""Staff answer support requests in admin: privacy officers only, every look and act audited."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts.models import SupportRequest
from contracts.support.services import support_message_add, support_request_close
from privacy.models import StaffAuditLog
from tests.contracts.builders import signed_contract
from tests.contracts.support.builders import ADMIN_LIST, admin_change, change_url, open_request
from tests.messaging.builders import PDF_BYTES, pdf_upload, png_upload
from tests.privacy.helpers import staff_signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def support_request():
    return open_request(attachment=pdf_upload("receipt.pdf"))


def test_an_officer_answers_and_the_opener_is_mailed_the_answer(
    officer_client, support_request, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_change(
            officer_client, support_request, reply="The key box code is now 4711."
        )

    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.ANSWERED
    answer = support_request.messages.last()
    assert (answer.from_staff, answer.author) == (True, officer_client.officer)
    [sent] = mail.outbox
    assert sent.to == [support_request.opened_by.email]
    assert "Answered by support" in sent.body
    assert "The key box code is now 4711." in sent.body
    assert f"/contracts/support/{support_request.pk}/" in sent.body


def test_the_answer_and_its_file_reach_the_openers_page(officer_client, client, support_request):
    admin_change(
        officer_client,
        support_request,
        reply="Here is the manual.",
        reply_attachment=pdf_upload("manual.pdf"),
    )
    client.force_login(support_request.opened_by)

    page = client.get(f"/contracts/support/{support_request.pk}/").text

    assert "KaguAruoo support" in page
    assert "Here is the manual." in page
    assert "manual.pdf" in page


def test_a_bad_file_on_an_answer_is_refused_and_nothing_is_sent(
    officer_client, support_request, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    fake = SimpleUploadedFile("manual.pdf", b"#!/bin/sh\n", content_type="application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_change(
            officer_client, support_request, reply="See the file.", reply_attachment=fake
        )

    assert response.status_code == 200
    assert "Attach a PDF or an image (JPEG, PNG, GIF or WebP)." in response.text
    assert "See the file." in response.text
    assert support_request.messages.count() == 1
    assert mail.outbox == []


def test_saving_without_an_answer_changes_nothing(officer_client, support_request):
    response = admin_change(officer_client, support_request, reply="  ")

    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.OPEN
    assert support_request.messages.count() == 1


def test_an_answer_to_a_request_its_opener_closed_meanwhile_is_not_sent(
    officer_client, support_request
):
    page = officer_client.get(change_url(support_request))
    management = page.context["inline_admin_formsets"][0].formset.management_form
    support_request_close(request=support_request, by=support_request.opened_by)

    response = officer_client.post(
        change_url(support_request),
        {
            **{management.add_prefix(k): v for k, v in management.initial.items()},
            "reply": "Late answer",
        },
    )

    assert response.status_code == 200
    assert "This request was closed meanwhile; the answer was not sent." in response.text
    assert support_request.messages.count() == 1


def test_the_change_page_shows_the_conversation_read_only(officer_client, support_request):
    support_message_add(
        request=support_request, by=support_request.opened_by, body="Also the heater is off."
    )

    page = officer_client.get(change_url(support_request)).text

    assert "The code from the House Guide does not open the key box." in page
    assert "Also the heater is off." in page
    assert "receipt.pdf" in page
    assert 'name="reply"' in page
    assert 'name="messages-0-body"' not in page
    assert 'name="messages-0-DELETE"' not in page


def test_a_closed_request_offers_no_answer_field(officer_client, support_request):
    support_request_close(request=support_request, by=support_request.opened_by)

    page = officer_client.get(change_url(support_request)).text

    assert 'name="reply"' not in page


def test_the_list_filters_by_status_and_category_and_finds_by_email(officer_client):
    keys = open_request(category="keys", subject="Key box stuck")
    payment = open_request(category="payment", subject="Charged twice")
    support_request_close(request=payment, by=payment.opened_by)

    by_status = officer_client.get(ADMIN_LIST, {"status__exact": "open"}).text
    by_category = officer_client.get(ADMIN_LIST, {"category__exact": "payment"}).text
    by_email = officer_client.get(ADMIN_LIST, {"q": payment.opened_by.email}).text

    assert "Key box stuck" in by_status and "Charged twice" not in by_status
    assert "Charged twice" in by_category and "Key box stuck" not in by_category
    assert "Charged twice" in by_email and "Key box stuck" not in by_email
    assert keys.subject in officer_client.get(ADMIN_LIST, {"q": str(keys.pk)}).text


def test_the_close_action_closes_mails_each_opener_and_is_audited(
    officer_client, django_capture_on_commit_callbacks
):
    first, second = open_request(), open_request()
    already = open_request()
    support_request_close(request=already, by=already.opened_by)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            ADMIN_LIST,
            {"action": "close_requests", "_selected_action": [first.pk, second.pk, already.pk]},
            follow=True,
        )

    assert "2 requests closed; their openers were mailed." in response.text
    assert set(SupportRequest.objects.values_list("status", flat=True)) == {"closed"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [first.opened_by.email, second.opened_by.email]
    )
    closes = StaffAuditLog.objects.filter(action="change", model="contracts.SupportRequest")
    assert {(c.object_id, c.person_id) for c in closes} == {
        (str(first.pk), first.opened_by_id),
        (str(second.pk), second.opened_by_id),
    }


def test_every_look_and_answer_is_audited_with_the_person(officer_client, support_request):
    officer_client.get(ADMIN_LIST)
    admin_change(officer_client, support_request, reply="Answer")

    entries = [
        (e.action, e.model, e.person_id, e.staff_id)
        for e in StaffAuditLog.objects.order_by("pk")
        if e.model == "contracts.SupportRequest"
    ]
    person, officer = support_request.opened_by_id, officer_client.officer.pk
    assert entries == [
        ("list", "contracts.SupportRequest", None, officer),
        ("view", "contracts.SupportRequest", person, officer),
        ("change", "contracts.SupportRequest", person, officer),
    ]


def test_the_audit_row_of_an_answer_given_in_admin_says_where_it_was_given(
    officer_client, support_request
):
    admin_change(officer_client, support_request, reply="Answer")

    row = StaffAuditLog.objects.get(action="change", model="contracts.SupportRequest")
    assert (row.path, row.ip_address, row.changed_fields) == (
        change_url(support_request),
        "127.0.0.1",
        ["reply"],
    )


def test_an_officer_downloads_a_file_and_the_download_is_audited(officer_client, support_request):
    message = support_request.messages.get()

    response = officer_client.get(f"{ADMIN_LIST}{support_request.pk}/files/{message.pk}/")

    assert b"".join(response.streaming_content) == PDF_BYTES
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert StaffAuditLog.objects.filter(
        action="view", object_id=str(support_request.pk), path__endswith=f"/files/{message.pk}/"
    ).exists()


@pytest.mark.parametrize("superuser", [False, True], ids=["staff", "superuser"])
def test_staff_who_are_not_privacy_officers_cannot_open_the_support_admin(
    client, support_request, superuser
):
    staff_signed_in(client, is_superuser=superuser)
    message = support_request.messages.get()

    assert client.get(ADMIN_LIST).status_code == 403
    assert client.get(change_url(support_request)).status_code == 403
    assert client.post(change_url(support_request), {"reply": "Hi"}).status_code == 403
    assert client.get(f"{ADMIN_LIST}{support_request.pk}/files/{message.pk}/").status_code == 403
    assert ADMIN_LIST not in client.get("/admin/").text
    assert support_request.messages.count() == 1
    assert not StaffAuditLog.objects.exists()


def test_the_change_page_says_which_party_opened_the_request(officer_client):
    contract = signed_contract()
    host_request = open_request(contract=contract, by=contract.host, attachment=png_upload())

    page = officer_client.get(change_url(host_request)).text

    assert contract.number in page
    assert contract.host.email in page
    assert '<div class="readonly">host</div>' in page


def test_a_support_request_page_links_to_everything_the_case_needs(officer_client, support_request):
    contract = support_request.contract

    page = officer_client.get(change_url(support_request)).text

    for url in [
        reverse("admin:contracts_contract_change", args=[contract.pk]),
        reverse("admin:messaging_thread_change", args=[contract.thread_id]),
        reverse("admin:listings_listing_change", args=[contract.listing_id]),
        reverse("admin:accounts_user_change", args=[contract.tenant_id]),
        reverse("admin:accounts_user_change", args=[contract.host_id]),
        f"{reverse('admin:contracts_payment_changelist')}?q={contract.number}",
    ]:
        assert url in page, url


def test_the_pages_linked_from_a_support_request_open(officer_client, support_request):
    contract = support_request.contract

    for url in [
        reverse("admin:contracts_contract_change", args=[contract.pk]),
        reverse("admin:messaging_thread_change", args=[contract.thread_id]),
        reverse("admin:listings_listing_change", args=[contract.listing_id]),
        reverse("admin:accounts_user_change", args=[contract.tenant_id]),
        f"{reverse('admin:contracts_payment_changelist')}?q={contract.number}",
    ]:
        assert officer_client.get(url).status_code == 200, url
