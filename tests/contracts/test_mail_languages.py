"""Each party's contract mail is in that party's language, whatever the other one reads."""

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from contracts.booking.services import contract_send
from contracts.changes import services as changes
from contracts.models import Payment
from contracts.payments.services import payment_mark_paid
from kaguaruoo.mail import mail_render
from tests.accounts.factories import UserFactory
from tests.contracts.builders import reservation, signed_contract
from tests.listings.builders import listing_near_station

pytestmark = pytest.mark.django_db


def to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def written(language: str, value) -> str:
    with override(language):
        return date_format(value)


def test_the_host_hears_of_a_request_in_english_and_the_tenant_of_the_contract_in_japanese(
    django_capture_on_commit_callbacks,
):
    host = UserFactory(language="en", is_host=True)
    tenant = UserFactory(language="ja")
    with django_capture_on_commit_callbacks(execute=True):
        request = reservation(tenant=tenant, listing=listing_near_station(host=host))
    [received] = to(host)
    assert written("en", request.move_in) in received.body

    with django_capture_on_commit_callbacks(execute=True):
        contract = contract_send(reservation=request, by=host)

    [sent] = to(tenant)
    with override("ja"):
        held_until = date_format(timezone.localtime(contract.expires_at), "DATETIME_FORMAT")
    assert held_until in sent.body  # 2027年1月10日 14:05


def test_receipts_are_in_each_partys_language(django_capture_on_commit_callbacks):
    tenant = UserFactory(language="ja")
    contract = signed_contract(tenant=tenant)
    contract.host.language = "en"
    contract.host.save(update_fields=["language"])
    payment = contract.payments.order_by("sequence").first()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        payment_mark_paid(payment=payment, method=Payment.Method.BANK_TRANSFER, reference="R1")

    [receipt] = to(contract.tenant)
    [to_host] = to(contract.host)
    assert f"{payment.amount:,}円" in receipt.body and "¥" not in receipt.body
    assert f"¥{payment.base:,}" in to_host.body and "円" not in to_host.body
    with override("ja"):
        assert (
            receipt.subject
            == mail_render(
                template="contracts/emails/payment_receipt",
                context={"contract": contract, "payment": payment},
                language="ja",
            )[0]
        )


def test_a_cancellation_explains_the_charge_to_each_party_in_their_language(
    django_capture_on_commit_callbacks,
):
    contract = signed_contract(tenant=UserFactory(language="ja"))
    contract.host.language = "en"
    contract.host.save(update_fields=["language"])
    quote = changes.cancellation_quote(contract=contract, by=contract.tenant)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        changes.contract_cancel(
            contract=contract,
            by=contract.tenant,
            reason="Plans changed.",
            confirmed_due=quote.due,
            confirmed_refund=quote.refund,
        )

    [to_tenant] = to(contract.tenant)
    [to_host] = to(contract.host)
    with override("ja"):
        assert str(quote.explanation) in to_tenant.body
    with override("en"):
        assert str(quote.explanation) in to_host.body
    assert "円" in to_tenant.body and "¥" in to_host.body


def test_the_signed_contract_mail_gives_the_move_in_date_in_each_language(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        contract = signed_contract(tenant=UserFactory(language="ja"))

    signed = [m for m in to(contract.tenant) if written("ja", contract.start_date) in m.body]
    assert signed, "the tenant's mail of the signature names the move-in day in Japanese"
    assert any(written("en", contract.start_date) in m.body for m in to(contract.host))
