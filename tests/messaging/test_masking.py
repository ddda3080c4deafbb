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
