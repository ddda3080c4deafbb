from urllib.parse import quote

import pytest

from listings.postal import (
    PostalCodeInvalid,
    PostalCodeUnknown,
    address_fill,
    postal_code_lookup,
    postal_code_normalise,
)


def full_width(text: str) -> str:
    """The text as typed with a Japanese input method in full-width mode."""
    return "".join(chr(ord(char) + 0xFEE0) for char in text)


@pytest.mark.parametrize(
    "typed",
    [
        "1500002",
        "150-0002",
        "〒150-0002",
        "〒 150-0002",
        " 150 0002 ",
        full_width("150-0002"),
        "〒" + full_width("150") + "ー" + full_width("0002"),
    ],
)
def test_every_usual_way_of_typing_a_postal_code_gives_its_seven_digits(typed):
    assert postal_code_normalise(typed) == "1500002"


@pytest.mark.parametrize("typed", ["", "150000", "15000021", "150-000A", "abcdefg", "150--00"])
def test_anything_but_seven_digits_is_refused_with_a_clear_message(typed):
    with pytest.raises(PostalCodeInvalid, match="7 digits"):
        postal_code_normalise(typed)


def test_a_shibuya_code_gives_shibuya_in_kanji_kana_and_romaji():
    assert postal_code_lookup("150-0002") == [
        {
            "prefecture": "東京都",
            "city": "渋谷区",
            "town": "渋谷",
            "prefecture_kana": "トウキョウト",
            "city_kana": "シブヤク",
            "town_kana": "シブヤ",
            "prefecture_romaji": "Tokyo-to",
            "city_romaji": "Shibuya-ku",
            "town_romaji": "Shibuya",
        }
    ]


def test_a_code_covering_several_towns_gives_each_town_read_from_its_kana():
    addresses = postal_code_lookup("452-0961")

    towns = {address["town"]: address["town_romaji"] for address in addresses}
    assert len(towns) >= 5
    assert towns["春日明河原"] == "Haruhiakegawara"
    assert {address["city"] for address in addresses} == {"清須市"}


def test_a_code_for_the_rest_of_a_city_has_no_town_and_no_japan_post_note():
    (address,) = postal_code_lookup("1000000")

    assert (address["prefecture"], address["city"], address["town"]) == ("東京都", "千代田区", "")
    assert "掲載" not in str(address)


def test_a_sapporo_ward_keeps_city_and_ward_apart_in_romaji():
    (address,) = postal_code_lookup("060-0042")

    assert address["prefecture_romaji"] == "Hokkaido"
    assert address["city_romaji"] == "Sapporo-shi Chuo-ku"
    assert address["town_romaji"] == "Odorinishi"


def test_an_unassigned_code_is_reported_as_unknown():
    with pytest.raises(PostalCodeUnknown):
        postal_code_lookup("000-0000")


def test_an_empty_address_is_filled_from_the_postal_code():
    filled = address_fill(postal_code="〒150-0002", prefecture="", city="", town="")

    assert filled["postal_code"] == "1500002"
    assert (filled["prefecture"], filled["city"], filled["town"]) == ("東京都", "渋谷区", "渋谷")
    assert filled["town_romaji"] == "Shibuya"
    assert filled["area_kana"] == "トウキョウトシブヤクシブヤ"
    assert filled["choice_needed"] is False


def test_an_address_that_does_not_match_the_code_is_replaced_by_japan_post_s():
    filled = address_fill(
        postal_code="1500002", prefecture="大阪府", city="大阪市北区", town="梅田"
    )

    assert (filled["prefecture"], filled["city"], filled["town"]) == ("東京都", "渋谷区", "渋谷")


def test_several_towns_without_a_choice_ask_the_user_to_pick_one():
    filled = address_fill(postal_code="452-0961", prefecture="", city="", town="")

    assert filled["choice_needed"] is True
    assert (filled["prefecture"], filled["city"], filled["town"]) == ("愛知県", "清須市", "")
    assert "春日明河原" in [candidate["town"] for candidate in filled["candidates"]]


def test_a_town_chosen_among_several_is_kept_with_its_romaji():
    filled = address_fill(
        postal_code="452-0961", prefecture="愛知県", city="清須市", town="春日明河原"
    )

    assert filled["choice_needed"] is False
    assert filled["town"] == "春日明河原"
    assert filled["town_romaji"] == "Haruhiakegawara"


def test_a_town_typed_for_a_code_covering_the_rest_of_a_city_is_kept():
    filled = address_fill(postal_code="1000000", prefecture="", city="", town="永田町")

    assert (filled["prefecture"], filled["city"], filled["town"]) == (
        "東京都",
        "千代田区",
        "永田町",
    )
    assert filled["choice_needed"] is False


def test_filling_an_address_with_a_bad_code_raises_the_message_to_show():
    with pytest.raises(PostalCodeInvalid, match="7 digits"):
        address_fill(postal_code="12345", prefecture="", city="", town="")


@pytest.mark.django_db  # every request writes an access-log row
@pytest.mark.parametrize(
    "in_url",
    ["1500002", "150-0002", quote("〒150-0002"), quote(full_width("150-0002"))],
)
def test_the_api_answers_every_format_with_the_address(client, in_url):
    response = client.get(f"/api/postal-codes/{in_url}")

    assert response.status_code == 200
    body = response.json()
    assert body["postal_code"] == "1500002"
    first = body["addresses"][0]
    assert (first["prefecture"], first["city"], first["town"]) == ("東京都", "渋谷区", "渋谷")
    assert first["city_romaji"] == "Shibuya-ku"


@pytest.mark.django_db  # every request writes an access-log row
@pytest.mark.parametrize(
    "in_url", ["150000", "15000021", "abc-defg", quote("〒" + full_width("150"))]
)
def test_the_api_refuses_a_malformed_code_with_a_json_error(client, in_url):
    response = client.get(f"/api/postal-codes/{in_url}")

    assert response.status_code == 400
    assert "7 digits" in response.json()["error"]


@pytest.mark.django_db  # every request writes an access-log row
def test_the_api_says_404_with_a_json_error_for_an_unassigned_code(client):
    response = client.get("/api/postal-codes/0000000")

    assert response.status_code == 404
    assert response.json()["error"]


@pytest.mark.django_db  # every request writes an access-log row
def test_the_api_lists_every_town_of_a_shared_code(client):
    response = client.get("/api/postal-codes/452-0961")

    towns = [address["town"] for address in response.json()["addresses"]]
    assert len(towns) >= 5
    assert "春日明河原" in towns
