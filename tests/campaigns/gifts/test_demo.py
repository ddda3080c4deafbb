"""The demo gift campaign: a draw, a shipment in each state, one for Alex to confirm."""

import pytest

from accounts import demo as accounts_demo
from campaigns.gifts.demo import gifts_demo
from campaigns.gifts.models import GiftDraw, GiftShipment
from campaigns.gifts.services import gift_draw_verify

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_state_and_a_second_run_changes_nothing(client):
    accounts_demo.load()

    first = gifts_demo()
    second = gifts_demo()

    assert first == second == 4
    states = set(GiftShipment.objects.values_list("status", flat=True))
    assert states == {"preparing", "shipped", "delivered", "confirmed"}
    [draw] = GiftDraw.objects.all()
    assert gift_draw_verify(draw=draw) and draw.number == 3
    alex = GiftShipment.objects.get(user__email="alex.tenant@example.com")
    assert alex.status == "shipped"
    client.force_login(alex.user)
    page = client.get("/gifts/").text
    assert "My gift arrived" in page
