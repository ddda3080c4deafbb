import pytest

from messaging.masking import mask_contact_details

HIDDEN_EMAIL = "[email hidden]"
HIDDEN_PHONE = "[phone number hidden]"


@pytest.mark.parametrize(
    "text",
    [
        "Mail me at taro.yamada@example.com please",
        "Mail me at taro.yamada＠example.co.jp please",
        "Mail me at taro (at) example (dot) com please",
        "Mail me at taro[at]example[dot]com please",
        "Mail me at taro at example dot com please",
        "Mail me at taroアットexample.com please",
        "Mail me at ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ please",
    ],
)
def test_email_addresses_and_their_spelled_out_forms_are_hidden(text):
    masked = mask_contact_details(text)

    assert masked == f"Mail me at {HIDDEN_EMAIL} please"


@pytest.mark.parametrize(
    "phone",
    [
        "090-1234-5678",
        "09012345678",
        "03 1234 5678",
        "+81 90 1234 5678",
        "０９０－１２３４－５６７８",
        "０９０ー１２３４ー５６７８",
        "(03) 1234-5678",
        "＋８１９０１２３４５６７８",
    ],
)
def test_phone_numbers_in_ascii_or_full_width_digits_are_hidden(phone):
    masked = mask_contact_details(f"Call {phone} after 6")

    assert masked == f"Call {HIDDEN_PHONE} after 6"


@pytest.mark.parametrize(
    "text",
    [
        "Move in on 2026-12-01, rent 120,000 yen",
        "I will be at home. See you at 5.30",
        "Room 1203, 3 people, 12 months",
        "Postal code 150-0002",
    ],
)
def test_ordinary_numbers_dates_and_words_are_left_alone(text):
    assert mask_contact_details(text) == text


# Phone numbers written to get past a check that looks for ASCII digits and dashes.
DISGUISED_PHONES = [
    "090/1234/5678",
    "０９０／１２３４／５６７８",
    "090.1234.5678",
    "090 1234 5678",
    "090\u30001234\u30005678",  # ideographic spaces
    "090ー1234ー5678",  # katakana long vowel mark
    "090ｰ1234ｰ5678",  # its half-width form
    "090−1234−5678",  # minus sign
    "090―1234―5678",  # horizontal bar
    "090‐1234‐5678",  # hyphen
    "090–1234–5678",  # en dash
    "090—1234—5678",  # em dash
    "090\u200b1234\u200b5678",  # zero-width spaces
    "0\u200b9\u200b0\u200b1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7\u200b8",
    "090\u20601234\u20605678",  # word joiners
    "090\u00ad1234\u00ad5678",  # soft hyphens
    "０９０１２３４５６７８",
    "〇九〇－一二三四－五六七八",
    "⓪⑨⓪-①②③④-⑤⑥⑦⑧",
    "090 - 1234 - 5678",
    "(090) 1234-5678",
    "+81-90-1234-5678",
    "＋８１ ９０ １２３４ ５６７８",
    "090・1234・5678",
    "090_1234_5678",
    "090. 1234. 5678",
    "0 9 0 1 2 3 4 5 6 7 8",
]

DISGUISED_EMAILS = [
    "taro@example.com",
    "taro＠example.com",
    "taro﹫example.com",
    "taro\u200b@\u200bexample.com",
    "ｔａｒｏ＠ｇｍａｉｌ．ｃｏｍ",
    "taro (at) example (dot) com",
    "taro［at］example［dot］com",
    "taro at example dot com",
    "TARO AT EXAMPLE DOT COM",
    "taro at example.com",
    "taroアットマークexample.com",
    "taroあっとexample。com",
    "taro @ example . com",
    "taro(at)example(dot)co(dot)jp",
    "taro@163.com",
]


@pytest.mark.parametrize("phone", DISGUISED_PHONES)
def test_a_phone_number_disguised_with_other_separators_or_look_alike_digits_is_hidden(phone):
    assert mask_contact_details(f"Call {phone} after 6") == f"Call {HIDDEN_PHONE} after 6"


@pytest.mark.parametrize("email", DISGUISED_EMAILS)
def test_an_email_address_disguised_with_look_alike_characters_is_hidden(email):
    assert mask_contact_details(f"Write to {email} soon") == f"Write to {HIDDEN_EMAIL} soon"


def test_the_disguise_corpus_is_large_enough_to_mean_something():
    assert len(DISGUISED_PHONES) + len(DISGUISED_EMAILS) >= 30


@pytest.mark.parametrize(
    "text",
    [
        "家賃は80,000円、管理費は5,000円です。",
        "Budget 80,000 - 120,000円 a month",
        "Deposit ¥1,200,000 paid on 2026/12/01",
        "Stay from 2026/12/01 to 2027/03/31",
        "2026-12-01 2027-01-31 both work for me",
        "12月1日から3月31日まで、二人で住みます",
        "〒150-0002 東京都渋谷区渋谷",
        "Floor 3, room 302, key box code 4821",
        "Listing #123456, 3 min walk from Shibuya",
        "See you at Shibuya. Thanks!",
        "I arrive at 10:30 on the 1st",
        "一緒に住むのは二人、三か月の予定です",
        "ｱﾊﾟｰﾄの部屋は２０３号室です",
    ],
)
def test_prices_dates_postal_codes_and_room_numbers_are_left_as_typed(text):
    assert mask_contact_details(text) == text


def test_only_the_contact_detail_changes_and_the_rest_keeps_its_own_characters():
    text = "ｱﾊﾟｰﾄ（２０３号室）です。電話は０９０ー１２３４ー５６７８まで"

    assert mask_contact_details(text) == f"ｱﾊﾟｰﾄ（２０３号室）です。電話は{HIDDEN_PHONE}まで"
