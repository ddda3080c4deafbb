"""After-sale support requests: who may open them, how their state moves, who is mailed."""

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from contracts.booking.services import contract_transition
from contracts.models import Contract, SupportMessage, SupportRequest
from contracts.support.selectors import support_request_get_for_opener
from contracts.support.services import (
    SUPPORT_TRANSITIONS,
    support_message_add,
    support_reply,
    support_request_close,
)
from contracts.support.views import contract_section
from kaguaruoo.roles import Role
from kaguaruoo.transitions import IllegalTransition
from privacy import registry
from privacy.models import StaffAuditLog
from tests.accounts.factories import UserFactory
from tests.contracts.builders import sent_contract
from tests.contracts.support.builders import mails_to, open_request, staff_mails
from tests.messaging.builders import pdf_upload, png_upload

pytestmark = pytest.mark.django_db

Status = SupportRequest.Status


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def test_a_tenant_opens_a_request_with_its_first_message_and_a_file(contract):
    support_request = open_request(contract=contract, attachment=png_upload("keybox.png"))

    assert support_request.status == Status.OPEN
    assert support_request.opened_by == contract.tenant
    [message] = support_request.messages.all()
    assert message.body.startswith("The code from the House Guide")
    assert not message.from_staff
    assert (message.original_name, message.content_type) == ("keybox.png", "image/png")
    assert message.file.read().startswith(b"\x89PNG")


def test_the_host_may_open_a_request_about_the_same_contract(contract):
    support_request = open_request(contract=contract, by=contract.host, category="payment")

    assert support_request.opened_by == contract.host
    assert support_request.get_category_display() == "Payment"


def test_a_request_may_be_opened_after_the_signed_contract_was_cancelled(contract):
    contract_transition(contract=contract, to=Contract.Status.CANCELLED, by=contract.host)

    assert open_request(contract=contract).status == Status.OPEN


def test_a_contract_not_signed_yet_takes_no_request():
    contract = sent_contract()

    with pytest.raises(ValidationError) as error:
        open_request(contract=contract)

    assert error.value.code == "not_signed"
    assert not SupportRequest.objects.exists()


def test_someone_outside_the_contract_cannot_open_a_request(contract):
    with pytest.raises(PermissionDenied):
        open_request(contract=contract, by=UserFactory())


def test_a_category_outside_the_list_is_refused(contract):
    with pytest.raises(ValidationError) as error:
        open_request(contract=contract, category="lottery")

    assert error.value.code == "category"


def test_a_text_file_dressed_as_a_pdf_is_refused_and_leaves_nothing_behind(contract):
    fake = SimpleUploadedFile("lease.pdf", b"plain text", content_type="application/pdf")

    with pytest.raises(ValidationError) as error:
        open_request(contract=contract, attachment=fake)

    assert error.value.code == "file_type"
    assert not SupportRequest.objects.exists()
    assert not SupportMessage.objects.exists()


def test_opening_tells_the_support_mailbox_without_what_was_written(
    contract, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        support_request = open_request(contract=contract, subject="Neighbour plays drums at 3am")

    [staff_mail] = staff_mails()
    assert f"#{support_request.pk}" in staff_mail.subject
    assert "Keys and moving in" in staff_mail.subject
    assert "The tenant of contract" in staff_mail.body
    assert f"/admin/contracts/supportrequest/{support_request.pk}/change/" in staff_mail.body
    assert "drums" not in staff_mail.subject + staff_mail.body
    assert "key box" not in staff_mail.body


def test_opening_sends_the_opener_a_receipt_with_the_link(
    contract, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        support_request = open_request(contract=contract)

    [receipt] = mails_to(contract.tenant.email)
    assert receipt.subject == f"We received your support request #{support_request.pk}"
    assert f"{settings.SITE_URL}/contracts/support/{support_request.pk}/" in receipt.body
    assert mails_to(contract.host.email) == []


def test_a_staff_answer_marks_the_request_answered_and_mails_the_opener_the_text(
    contract, staff, django_capture_on_commit_callbacks
):
    support_request = open_request(contract=contract)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reply = support_reply(
            request=support_request, staff=staff, body="The new code is 4711.", attachment=None
        )

    support_request.refresh_from_db()
    assert support_request.status == Status.ANSWERED
    assert reply.from_staff
    [answer] = mail.outbox
    assert answer.to == [contract.tenant.email]
    assert "answered your request" in answer.subject
    assert "Answered by support" in answer.body
    assert "The new code is 4711." in answer.body
    assert f"/contracts/support/{support_request.pk}/" in answer.body


def test_a_second_staff_answer_keeps_the_request_answered_and_mails_again(
    contract, staff, django_capture_on_commit_callbacks
):
    support_request = open_request(contract=contract)
    support_reply(request=support_request, staff=staff, body="Try 4711.")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        support_reply(request=support_request, staff=staff, body="Or 1174.")

    assert support_request.status == Status.ANSWERED
    assert [m.to for m in mail.outbox] == [[contract.tenant.email]]


def test_only_active_staff_answer(contract):
    support_request = open_request(contract=contract)

    for not_staff in (
        contract.tenant,
        contract.host,
        UserFactory(),
        UserFactory(is_staff=True, is_active=False),
    ):
        with pytest.raises(PermissionDenied):
            support_reply(request=support_request, staff=not_staff, body="Hello")
    assert support_request.messages.count() == 1


def test_the_opener_writing_again_reopens_an_answered_request_and_tells_staff(
    contract, staff, django_capture_on_commit_callbacks
):
    support_request = open_request(contract=contract)
    support_reply(request=support_request, staff=staff, body="Try 4711.")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        support_message_add(request=support_request, by=contract.tenant, body="Still locked.")

    assert support_request.status == Status.OPEN
    [staff_mail] = staff_mails()
    assert "New message on support request" in staff_mail.subject
    assert "Still locked" not in staff_mail.body
    assert mails_to(contract.tenant.email) == []


def test_a_file_alone_is_a_message(contract):
    support_request = open_request(contract=contract)

    message = support_message_add(
        request=support_request, by=contract.tenant, body="", attachment=pdf_upload()
    )

    assert message.content_type == "application/pdf"


def test_an_empty_message_is_refused(contract):
    support_request = open_request(contract=contract)

    with pytest.raises(ValidationError):
        support_message_add(request=support_request, by=contract.tenant, body="  ")


def test_the_other_party_of_the_contract_cannot_write_on_the_request(contract):
    support_request = open_request(contract=contract)

    with pytest.raises(PermissionDenied):
        support_message_add(request=support_request, by=contract.host, body="I am the host")


def test_the_opener_closes_the_request_without_being_mailed(
    contract, django_capture_on_commit_callbacks
):
    support_request = open_request(contract=contract)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        support_request_close(request=support_request, by=contract.tenant)

    assert support_request.status == Status.CLOSED
    assert mail.outbox == []


def test_staff_closing_a_request_mails_the_opener(
    contract, staff, django_capture_on_commit_callbacks
):
    support_request = open_request(contract=contract, by=contract.host)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        support_request_close(request=support_request, by=staff)

    [closed] = mail.outbox
    assert closed.to == [contract.host.email]
    assert closed.subject == f"Your support request #{support_request.pk} was closed"


def test_a_closed_request_stays_closed(contract, staff):
    support_request = open_request(contract=contract)
    support_request_close(request=support_request, by=contract.tenant)

    with pytest.raises(IllegalTransition):
        support_request_close(request=support_request, by=staff)
    with pytest.raises(ValidationError) as error:
        support_message_add(request=support_request, by=contract.tenant, body="One more thing")
    assert error.value.code == "closed"
    with pytest.raises(ValidationError):
        support_reply(request=support_request, staff=staff, body="Late answer")
    assert support_request.messages.count() == 1


def test_the_other_party_or_a_stranger_cannot_close_a_request(contract):
    support_request = open_request(contract=contract)

    for outsider in (contract.host, UserFactory()):
        with pytest.raises(IllegalTransition):
            support_request_close(request=support_request, by=outsider)
    assert support_request.status == Status.OPEN


def test_a_stale_copy_of_the_request_is_read_again_before_it_changes(contract, staff):
    support_request = open_request(contract=contract)
    stale = SupportRequest.objects.get(pk=support_request.pk)
    support_request_close(request=support_request, by=contract.tenant)

    with pytest.raises(ValidationError):
        support_reply(request=stale, staff=staff, body="Answer to a closed request")

    assert stale.status == Status.CLOSED


def test_staff_answers_and_closes_are_audited_even_outside_admin(contract, staff):
    support_request = open_request(contract=contract)

    support_reply(request=support_request, staff=staff, body="Try code 4711.")
    support_request_close(request=support_request, by=staff)

    rows = StaffAuditLog.objects.filter(model="contracts.SupportRequest").order_by("pk")
    assert [(r.action, r.changed_fields, r.staff_id, r.person_id, r.path) for r in rows] == [
        ("change", ["reply"], staff.pk, contract.tenant_id, ""),
        ("change", ["status"], staff.pk, contract.tenant_id, ""),
    ]
    assert {r.object_id for r in rows} == {str(support_request.pk)}


def test_the_opener_closing_their_own_request_is_not_a_staff_act(contract):
    support_request = open_request(contract=contract)

    support_request_close(request=support_request, by=contract.tenant)

    assert not StaffAuditLog.objects.exists()


def test_only_the_opener_reopens_an_answered_request_and_only_staff_answer():
    assert SUPPORT_TRANSITIONS.allows(current=Status.ANSWERED, to=Status.OPEN, role=Role.OPENER)
    assert not SUPPORT_TRANSITIONS.allows(current=Status.ANSWERED, to=Status.OPEN, role=Role.STAFF)
    assert not SUPPORT_TRANSITIONS.allows(current=Status.OPEN, to=Status.ANSWERED, role=Role.OPENER)


def test_only_the_opener_reads_a_request(contract):
    support_request = open_request(contract=contract)

    assert support_request_get_for_opener(user=contract.tenant, pk=support_request.pk)
    for outsider in (contract.host, UserFactory(), UserFactory(is_staff=True)):
        with pytest.raises(Http404):
            support_request_get_for_opener(user=outsider, pk=support_request.pk)


def test_the_contract_page_has_no_support_section_before_signing():
    contract = sent_contract()

    assert contract_section(contract=contract, user=contract.tenant) == ""


def test_the_openers_data_export_holds_their_requests_and_erasure_empties_them(contract, staff):
    support_request = open_request(contract=contract, attachment=pdf_upload("lease.pdf"))
    support_reply(request=support_request, staff=staff, body="Your deposit comes back in May.")
    stored = support_request.messages.first().file.name

    exported = registry.export_for(contract.tenant)
    report = registry.erase_for(contract.tenant)

    assert [row["subject"] for row in exported["contracts.SupportRequest"]] == [
        "The key box code does not work"
    ]
    bodies = [row["body"] for row in exported["contracts.SupportMessage"]]
    assert "Your deposit comes back in May." in bodies
    assert stored in report.files_deleted
    support_request.refresh_from_db()
    assert support_request.subject == "—"
    assert set(support_request.messages.values_list("body", "file")) == {("", "")}
    assert registry.export_for(contract.host)["contracts.SupportMessage"] == []
