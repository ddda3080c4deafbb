"""What the sub-packages of contracts share: the step's ending, the signing hooks, the money."""

from decimal import Decimal

import pytest
from django.core import mail
from django.utils.translation import gettext

from contracts.core import hooks
from contracts.core.money import ContractMoney
from contracts.core.services import contract_announce
from contracts.models import ContractEvent
from tests.contracts.builders import sent_contract, signed_contract

pytestmark = pytest.mark.django_db


def test_announcing_a_step_records_it_posts_a_notice_and_mails_each_recipient(
    django_capture_on_commit_callbacks,
):
    contract = sent_contract()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        event = contract_announce(
            contract=contract,
            kind=ContractEvent.Kind.EXPIRED,
            actor=None,
            poster=contract.host,
            notice=lambda: (
                gettext("Contract %(number)s expired unsigned after 72 hours.")
                % {"number": contract.number}
            ),
            mail="contract_expired",
            to=[contract.tenant, contract.host],
            detail={"why": "hold"},
        )

    assert (event.kind, event.actor, event.detail) == ("expired", None, {"why": "hold"})
    notice = contract.thread.messages.order_by("-id").first()
    english = f"Contract {contract.number} expired unsigned after 72 hours."
    assert (notice.body, notice.sender, notice.link) == (
        english,
        contract.host,
        contract.get_absolute_url(),
    )
    assert notice.texts["en"] == english
    assert (
        notice.texts["ja"]
        == f"契約 {contract.number} は72時間以内に署名されなかったため、期限切れとなりました。"
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [contract.tenant.email, contract.host.email]
    )


def test_signing_runs_the_registered_hooks_in_order(monkeypatch):
    ran = []
    monkeypatch.setattr(hooks, "_signed", [])
    hooks.contract_signed_register(lambda *, contract: ran.append(("first", contract.pk)))
    hooks.contract_signed_register(lambda *, contract: ran.append(("second", contract.pk)))

    contract = sent_contract()
    hooks.contract_signed_run(contract)

    assert ran == [("first", contract.pk), ("second", contract.pk)]


def test_a_signed_contract_has_its_nights_booked_and_its_payments_created():
    contract = signed_contract()

    assert contract.payments.exists()
    assert contract.listing.bookings.filter(reference=f"contract:{contract.pk}").exists()


def test_contract_money_reads_the_terms_snapshot_not_the_listing():
    contract = sent_contract()
    contract.listing.rent = 999_999
    contract.listing.save()

    money = ContractMoney.from_terms(contract.terms)

    assert money.rent == contract.terms["money"]["rent"] == 100_000
    assert money.total_amount == contract.tenant_total
    assert money.tenant_commission_percent == Decimal(
        contract.terms["money"]["tenant_commission_percent"]
    )
