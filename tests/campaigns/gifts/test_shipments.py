"""A chosen person gives the address (with consent), staff ship, the person confirms arrival."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns.gifts.services import (
    gift_confirm_path,
    gift_shipment_confirm,
    gift_shipment_deliver,
    gift_shipment_ship,
)
from kaguaruoo.transitions import IllegalTransition
from privacy.models import Consent
from tests.accounts.factories import UserFactory
from tests.campaigns.gifts.builders import (
    ADDRESS,
    address_given,
    chosen_shipment,
    shipped_shipment,
)

pytestmark = pytest.mark.django_db


def test_the_recipient_gives_the_address_and_the_consent_is_recorded(client):
    shipment = chosen_shipment()
    client.force_login(shipment.user)

    response = client.post(shipment.get_absolute_url(), {**ADDRESS, "postal_code": "1500002"})

    assert response.status_code == 302
    shipment.refresh_from_db()
    assert shipment.postal_code == "150-0002"
    assert (shipment.prefecture, shipment.city) == ("東京都", "渋谷区")
    assert (shipment.recipient_name, shipment.phone) == ("Yamada Taro", "03-1234-5678")
    assert shipment.address_consented_at is not None
    assert shipment.address_consent_ip == "127.0.0.1"
    assert shipment.address_consent_policy.version == 1
    consent = Consent.objects.get(user=shipment.user, purpose=Consent.Purpose.GIFT_SHIPPING)
    assert (consent.granted, consent.ip_address, consent.source) == (True, "127.0.0.1", "gift")
    history = client.get("/privacy/me/").text
    assert "Use my shipping address to send me a gift" in history


def test_the_address_is_not_saved_without_the_consent(client):
    shipment = chosen_shipment()
    client.force_login(shipment.user)

    response = client.post(shipment.get_absolute_url(), {**ADDRESS, "consent": ""})

    assert response.status_code == 400
    assert "Tick the box" in response.text
    shipment.refresh_from_db()
    assert not shipment.address_given and shipment.postal_code == ""
    assert not Consent.objects.filter(purpose=Consent.Purpose.GIFT_SHIPPING).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postal_code", "abc", "Enter a postal code of seven digits"),
        ("postal_code", "", "This field is required."),
        ("city", "", "This field is required."),
        ("recipient_name", "", "This field is required."),
        ("prefecture", "Atlantis", "Select a valid choice."),
        ("phone", "call me", "Enter a phone number of 10 to 15 digits."),
    ],
)
def test_bad_address_input_gives_form_errors(client, field, value, message):
    shipment = chosen_shipment()
    client.force_login(shipment.user)

    response = client.post(shipment.get_absolute_url(), {**ADDRESS, field: value})

    assert response.status_code == 400
    assert message in response.text
    shipment.refresh_from_db()
    assert not shipment.address_given


def test_staff_cannot_ship_before_the_address_is_given():
    shipment = chosen_shipment()

    with pytest.raises(ValidationError, match="not given a shipping address"):
        gift_shipment_ship(
            shipment=shipment, carrier="yamato", tracking_number="1", by=UserFactory(is_staff=True)
        )


def test_shipping_needs_a_carrier_and_a_tracking_number():
    shipment = address_given(chosen_shipment())
    staff = UserFactory(is_staff=True)

    with pytest.raises(ValidationError, match="carrier and the tracking number"):
        gift_shipment_ship(shipment=shipment, carrier="yamato", tracking_number=" ", by=staff)
    with pytest.raises(ValidationError, match="carrier and the tracking number"):
        gift_shipment_ship(shipment=shipment, carrier="pigeon", tracking_number="12", by=staff)


def test_the_shipped_mail_names_carrier_and_tracking_and_links_to_the_confirmation(
    django_capture_on_commit_callbacks,
):
    shipment = address_given(chosen_shipment())
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        gift_shipment_ship(
            shipment=shipment,
            carrier="japan_post",
            tracking_number="EJ123456789JP",
            by=UserFactory(is_staff=True),
        )

    [sent] = mail.outbox
    assert sent.to == [shipment.user.email]
    assert "Japan Post" in sent.body and "EJ123456789JP" in sent.body
    assert gift_confirm_path(shipment=shipment) in sent.body
    shipment.refresh_from_db()
    assert shipment.status == "shipped" and shipment.shipped_at is not None


def test_the_address_cannot_change_once_shipped(client):
    shipment = shipped_shipment()
    client.force_login(shipment.user)

    response = client.post(shipment.get_absolute_url(), {**ADDRESS, "city": "新宿区"})

    assert response.status_code == 400
    assert "already shipped" in response.text
    shipment.refresh_from_db()
    assert shipment.city == "渋谷区"


@pytest.mark.parametrize(
    ("move", "message"),
    [
        ("deliver_preparing", "Only a shipped gift can be marked delivered."),
        ("confirm_preparing", "has not been shipped yet"),
        ("ship_twice", "Only a gift being prepared can be marked shipped."),
    ],
)
def test_illegal_moves_are_refused_with_a_clear_message(move, message):
    staff = UserFactory(is_staff=True)
    shipment = shipped_shipment() if move == "ship_twice" else chosen_shipment()

    with pytest.raises(IllegalTransition, match=message):
        if move == "deliver_preparing":
            gift_shipment_deliver(shipment=shipment, by=staff)
        elif move == "confirm_preparing":
            gift_shipment_confirm(shipment=shipment, by=shipment.user)
        else:
            gift_shipment_ship(shipment=shipment, carrier="yamato", tracking_number="9", by=staff)


def test_the_whole_way_preparing_shipped_delivered_confirmed():
    shipment = shipped_shipment()
    gift_shipment_deliver(shipment=shipment, by=UserFactory(is_staff=True))
    assert shipment.status == "delivered" and shipment.delivered_at is not None

    gift_shipment_confirm(shipment=shipment, by=shipment.user)

    assert shipment.status == "confirmed" and shipment.confirmed_at is not None
    with pytest.raises(ValidationError, match="already confirmed"):
        gift_shipment_confirm(shipment=shipment, by=shipment.user)


def test_staff_cannot_confirm_the_arrival_for_the_recipient():
    shipment = shipped_shipment()

    with pytest.raises(PermissionDenied):
        gift_shipment_confirm(shipment=shipment, by=UserFactory(is_staff=True))
    shipment.refresh_from_db()
    assert shipment.status == "shipped"


def test_the_recipient_confirms_on_the_site(client, django_capture_on_commit_callbacks):
    shipment = shipped_shipment()
    client.force_login(shipment.user)
    page = client.get("/gifts/").text
    assert "My gift arrived" in page
    assert "4000-1234-5678" in page
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/gifts/{shipment.pk}/confirm/", follow=True)

    assert "Thank you for confirming" in response.text
    shipment.refresh_from_db()
    assert shipment.status == "confirmed"
    assert [m.to for m in mail.outbox] == [[shipment.user.email]]


def test_the_mail_link_get_changes_nothing(client):
    shipment = shipped_shipment()

    response = client.get(gift_confirm_path(shipment=shipment))

    assert response.status_code == 200
    assert "Yes, my gift arrived" in response.text
    shipment.refresh_from_db()
    assert shipment.status == "shipped" and shipment.confirmed_at is None


def test_the_mail_link_post_confirms_without_login(client):
    shipment = shipped_shipment()
    path = gift_confirm_path(shipment=shipment)
    client.get(path)  # the page with the button sets the CSRF cookie

    response = client.post(path, follow=True)

    assert "Thank you for confirming" in response.text
    assert "You confirmed that your gift arrived" in response.text
    shipment.refresh_from_db()
    assert shipment.status == "confirmed"


def test_confirming_twice_from_the_mail_says_it_is_done(client):
    shipment = shipped_shipment()
    path = gift_confirm_path(shipment=shipment)
    client.post(path)

    response = client.post(path, follow=True)

    assert response.status_code == 200
    assert "You already confirmed" in response.text


@pytest.mark.parametrize("change", ["last", "first", "pk"])
def test_a_tampered_token_is_a_404(client, change):
    shipment = shipped_shipment()
    token = gift_confirm_path(shipment=shipment).split("/")[-2]
    if change == "last":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif change == "first":
        token = ("x" if token[0] != "x" else "y") + token[1:]
    else:
        token = token.replace(token.split(":")[0], "OTk5", 1)

    assert client.get(f"/gifts/confirm/{token}/").status_code == 404
    assert client.post(f"/gifts/confirm/{token}/").status_code == 404
    shipment.refresh_from_db()
    assert shipment.status == "shipped"


def test_a_stop_of_use_request_stops_the_shipping_to_that_address():
    from privacy.models import PrivacyRequest
    from privacy.services import privacy_request_file

    shipment = address_given(chosen_shipment())
    privacy_request_file(
        user=shipment.user,
        kind=PrivacyRequest.Kind.STOP_OF_USE,
        identity_check=PrivacyRequest.IdentityCheck.REAUTHENTICATION,
    )

    with pytest.raises(ValidationError, match="withdrew the consent"):
        gift_shipment_ship(
            shipment=shipment,
            carrier="yamato",
            tracking_number="1234-5678",
            by=UserFactory(is_staff=True),
        )
