"""Dates, yen, walk times, names and addresses as each language writes them."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone
from django.utils.translation import override

from accounts.models import User, person_name
from kaguaruoo.formats import site_format
from kaguaruoo.money import yen
from listings.addresses import Address, address_format

JANUARY_10 = datetime.date(2027, 1, 10)
AFTERNOON = timezone.make_aware(datetime.datetime(2027, 1, 10, 14, 5))

ADDRESS = Address(
    postal_code="1500001",
    prefecture="東京都",
    city="渋谷区",
    town="神宮前",
    street="1-2-3",
    building="パークハイツ",
    room="203",
    prefecture_romaji="Tokyo-to",
    city_romaji="Shibuya-ku",
    town_romaji="Jingumae",
)


def render(source: str, language: str, **context) -> str:
    with override(language):
        return Template("{% load listing_tags %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "date", "datetime_", "month"),
    [
        ("ja", "2027年1月10日", "2027年1月10日 14:05", "2027年1月"),
        ("en", "10 Jan 2027", "10 Jan 2027, 14:05", "January 2027"),
    ],
)
def test_dates_are_written_as_the_language_writes_them(language, date, datetime_, month):
    assert render('{{ day|date:"DATE_FORMAT" }}', language, day=JANUARY_10) == date
    assert render("{{ day|date }}", language, day=JANUARY_10) == date
    assert render('{{ at|date:"DATETIME_FORMAT" }}', language, at=AFTERNOON) == datetime_
    assert render('{{ day|date:"YEAR_MONTH_FORMAT" }}', language, day=JANUARY_10) == month


def test_machine_dates_stay_iso_in_every_language():
    assert render("{{ day|date:'Y-m-d' }}", "ja", day=JANUARY_10) == "2027-01-10"
    assert render("{{ at|date:'c' }}", "ja", at=AFTERNOON).startswith("2027-01-10T14:05")


def test_yen_comes_before_the_amount_in_english_and_after_it_in_japanese():
    assert render("{{ amount|yen }}", "en", amount=205000) == "¥205,000"
    assert render("{{ amount|yen }}", "ja", amount=205000) == "205,000円"
    assert yen(205000, language="ja") == "205,000円"


@pytest.mark.parametrize(
    ("metres", "en", "ja"), [(320, "4 min walk", "徒歩4分"), (801, "11 min walk", "徒歩11分")]
)
def test_walk_time_is_written_as_each_language_advertises_it(metres, en, ja):
    assert render("{{ metres|walk }}", "en", metres=metres) == en
    assert render("{{ metres|walk }}", "ja", metres=metres) == ja
    assert render("{% walk_format %}", "ja") == "徒歩{minutes}分"


def test_a_full_name_puts_the_family_name_first_in_japanese():
    person = User(first_name="Taro", last_name="Yamada")

    with override("ja"):
        assert person.full_name == "Yamada Taro"
    with override("en"):
        assert person.full_name == "Taro Yamada"
    assert person.full_name_in("ja") == "Yamada Taro"
    assert person_name(first="太郎", last="山田", language="ja") == "山田 太郎"
    assert person_name(first="", last="山田", language="en") == "山田"


def test_a_corporation_is_named_the_same_in_every_language():
    company = User(account_type="corporate", corporation_name="Sakura Residence Co., Ltd.")

    assert company.full_name_in("ja") == company.full_name_in("en") == "Sakura Residence Co., Ltd."


def test_a_japanese_address_runs_from_the_postal_code_down_to_the_room():
    assert (
        address_format(ADDRESS, language="ja")
        == "〒150-0001 東京都渋谷区神宮前1-2-3 パークハイツ 203号室"
    )


def test_an_english_address_runs_in_romaji_from_the_room_up():
    assert address_format(ADDRESS, language="en") == (
        "Room 203, パークハイツ, 1-2-3 Jingumae, Shibuya-ku, Tokyo-to 150-0001"
    )


def test_the_public_address_is_the_town_alone_in_either_order():
    public = Address.of(ADDRESS.as_dict(), exact=False)

    assert address_format(public, language="ja") == "東京都渋谷区神宮前"
    assert address_format(public, language="en") == "Jingumae, Shibuya-ku, Tokyo-to"
    assert render("{{ place|address }}", "en", place=ADDRESS) == "Jingumae, Shibuya-ku, Tokyo-to"
    assert render('{{ place|address:"exact" }}', "ja", place=ADDRESS).endswith("203号室")


def test_an_address_without_romaji_keeps_what_was_typed_and_romanises_the_prefecture():
    typed = Address.of(
        {
            "postal_code": "060-0001",
            "prefecture": "北海道",
            "city": "札幌市中央区",
            "street": "北1条西2丁目",
            "building": "Sapporo Heights 5F",
        }
    )

    assert address_format(typed, language="en") == (
        "Sapporo Heights 5F, 北1条西2丁目, 札幌市中央区, Hokkaido 060-0001"
    )


def test_a_language_without_formats_of_its_own_writes_as_english_does():
    assert site_format("WALK_FORMAT", language="fr") == "{minutes} min walk"
