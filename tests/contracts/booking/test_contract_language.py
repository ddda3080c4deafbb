"""The contract is written in the tenant's language, says which text governs, and each
party reads it in their own language."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import override

from contracts.booking.services import contract_send, contract_sign, contract_signing_code_send
from contracts.booking.terms import governing_clause, terms_shown, terms_text_render
from contracts.models import Contract
from tests.accounts.factories import UserFactory
from tests.contracts.builders import code_for, codes_age, reservation, sent_contract

pytestmark = pytest.mark.django_db


def contract_for(tenant_language: str, host_language: str = "en") -> Contract:
    request = reservation(tenant=UserFactory(language=tenant_language))
    request.host.language = host_language
    request.host.save(update_fields=["language"])
    return contract_send(reservation=request, by=request.host, ip="198.51.100.4")


def in_japanese(value) -> str:
    with override("ja"):
        return date_format(value)


def test_a_tenant_who_reads_japanese_gets_the_contract_written_in_japanese():
    contract = contract_for("ja")

    assert contract.language == "ja"
    text = contract.terms_text
    with override("ja"):
        assert governing_clause(language="ja", governing="ja") in text
    assert "100,000円" in text and "¥" not in text
    assert in_japanese(contract.start_date) in text  # 2027年1月10日
    assert contract.terms_sha256 == hashlib.sha256(text.encode()).hexdigest()


def test_a_tenant_who_reads_english_gets_it_in_english_with_the_english_text_governing():
    contract = contract_for("en")

    assert contract.language == "en"
    assert "This contract is written in English" in contract.terms_text
    assert "The English text governs." in contract.terms_text
    assert "¥100,000" in contract.terms_text
    with override("en"):
        assert date_format(contract.start_date) in contract.terms_text


def test_the_host_reads_the_same_contract_in_the_hosts_language(client):
    contract = contract_for("ja", host_language="en")
    client.force_login(contract.host)

    page = client.get(contract.get_absolute_url()).text

    # The terms on the page and a translation of the text, in English ...
    assert '<html lang="en">' in page
    assert "¥100,000" in page
    translation = terms_text_render(contract.terms, language="en", governing="ja")
    assert "This English text is a translation for reference." in translation
    assert "the Japanese text, which governs" in translation
    assert 'data-testid="terms-translation"' in page
    assert "This English text is a translation for reference." in page
    # ... and the Japanese text the tenant signs, marked as the one that governs.
    assert '<pre class="terms-text" lang="ja" data-testid="terms-text">' in page
    assert 'data-testid="terms-language">Japanese</dd>' in page


def test_the_tenant_reading_the_language_of_the_contract_sees_no_translation(client):
    contract = contract_for("ja")
    client.force_login(contract.tenant)

    page = client.get(contract.get_absolute_url()).text

    assert '<html lang="ja">' in page
    assert "100,000円" in page
    assert 'data-testid="terms-translation"' not in page


def test_a_tenant_who_agrees_in_another_language_signs_the_text_in_that_language():
    contract = contract_for("ja")
    sent_hash = contract.terms_sha256

    contract_signing_code_send(contract=contract, user=contract.tenant, language="en")
    contract.refresh_from_db()

    assert contract.language == "en"
    assert contract.terms_text == terms_text_render(contract.terms, language="en")
    assert contract.terms_sha256 != sent_hash
    codes_age(contract)
    contract_sign(contract=contract, user=contract.tenant, code=code_for(contract))
    contract.refresh_from_db()
    assert contract.status == "signed"
    assert contract.signed_sha256 == hashlib.sha256(contract.terms_text.encode()).hexdigest()
    assert "The English text governs." in contract.terms_text


def test_agreeing_from_the_page_uses_the_language_the_tenant_reads(client):
    contract = contract_for("en")
    contract.tenant.language = "ja"
    contract.tenant.save(update_fields=["language"])
    client.force_login(contract.tenant)

    client.post(f"/contracts/{contract.pk}/agree/")

    contract.refresh_from_db()
    assert contract.language == "ja"
    assert "100,000円" in contract.terms_text


def test_a_tampered_text_is_not_rewritten_in_another_language():
    contract = contract_for("ja")
    Contract.objects.filter(pk=contract.pk).update(terms_text=contract.terms_text + "追記。\n")
    contract.refresh_from_db()

    with pytest.raises(ValidationError):
        contract_signing_code_send(contract=contract, user=contract.tenant, language="en")

    contract.refresh_from_db()
    assert contract.language == "ja"


def test_the_text_in_each_language_comes_from_the_same_snapshot():
    contract = sent_contract()

    english = terms_text_render(contract.terms, language="en")
    japanese = terms_text_render(contract.terms, language="ja")

    assert english.count("\n") == japanese.count("\n")
    assert "〒150-0002 東京都渋谷区渋谷2-21-1 Kagu Tower 1203号室" in japanese
    assert "Room 1203, Kagu Tower, 2-21-1 Shibuya, Shibuya-ku, Tokyo-to 150-0002" in english


def test_a_contract_sent_before_two_languages_still_shows_its_english_snapshot():
    legacy = {
        "listing": {"address": "〒150-0002 東京都渋谷区渋谷2-21-1 Kagu Tower 1203"},
        "host": {"legal_name": "Hana Sato"},
        "tenant": {"legal_name": "Alex Smith"},
        "stay": {"move_in": "2027-01-10", "move_out": "2027-04-10"},
        "house_rules": ["No pets"],
        "cancellation_policy": {"code": "strict", "text": "Strict", "rules": ["Rule."]},
    }

    with override("ja"):
        shown = terms_shown(legacy)

    assert shown.address == "〒150-0002 東京都渋谷区渋谷2-21-1 Kagu Tower 1203"
    assert (shown.host_name, shown.tenant_name) == ("Hana Sato", "Alex Smith")
    assert shown.house_rules == ["No pets"]
    assert (shown.cancellation_policy, shown.cancellation_rules) == ("Strict", ["Rule."])
