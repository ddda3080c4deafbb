"""Staff choose recipients by hand or by a recorded draw that anyone can re-run."""

import random

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from campaigns.gifts.models import GiftApplication, GiftDraw, GiftShipment
from campaigns.gifts.services import gift_draw_run, gift_draw_verify
from privacy.models import StaffAuditLog
from tests.accounts.factories import UserFactory
from tests.campaigns.gifts.builders import applications, campaign_close, gift_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_campaign():
    campaign = gift_campaign()
    applications(campaign, 8)
    return campaign_close(campaign)


def test_a_draw_is_reproducible_from_its_recorded_seed(closed_campaign):
    staff = UserFactory(is_staff=True)

    draw = gift_draw_run(campaign=closed_campaign, number=3, by=staff)

    ids = list(
        GiftApplication.objects.filter(campaign=closed_campaign)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert random.Random(draw.seed).sample(ids, 3) == draw.chosen_ids
    assert gift_draw_verify(draw=draw)
    assert (draw.number, draw.drawn_by, draw.candidate_ids) == (3, staff, ids)
    assert draw.drawn_at is not None
    chosen = GiftApplication.objects.filter(chosen_at__isnull=False)
    assert sorted(chosen.values_list("pk", flat=True)) == sorted(draw.chosen_ids)
    assert set(chosen.values_list("draw", flat=True)) == {draw.pk}


def test_the_same_seed_draws_the_same_winners():
    first, second = gift_campaign(), gift_campaign()
    applications(first, 6)
    applications(second, 6)
    staff = UserFactory(is_staff=True)
    one = gift_draw_run(campaign=campaign_close(first), number=2, by=staff, seed="fixed")
    two = gift_draw_run(campaign=campaign_close(second), number=2, by=staff, seed="fixed")

    positions = [one.candidate_ids.index(pk) for pk in one.chosen_ids]
    assert positions == [two.candidate_ids.index(pk) for pk in two.chosen_ids]


def test_a_changed_record_fails_verification(closed_campaign):
    draw = gift_draw_run(campaign=closed_campaign, number=2, by=UserFactory(is_staff=True))
    others = [pk for pk in draw.candidate_ids if pk not in draw.chosen_ids][:2]
    GiftDraw.objects.filter(pk=draw.pk).update(chosen_ids=others)
    draw.refresh_from_db()

    assert not gift_draw_verify(draw=draw)


def test_the_chosen_get_a_shipment_and_a_mail_asking_for_the_address(
    closed_campaign, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        draw = gift_draw_run(campaign=closed_campaign, number=2, by=UserFactory(is_staff=True))

    shipments = GiftShipment.objects.filter(campaign=closed_campaign)
    assert shipments.count() == 2
    assert set(shipments.values_list("status", flat=True)) == {"preparing"}
    assert len(mail.outbox) == 2
    winners = GiftApplication.objects.filter(pk__in=draw.chosen_ids)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.user.email for a in winners)
    assert "/gifts/" in mail.outbox[0].body
    assert "where to send it" in mail.outbox[0].body


def test_a_second_draw_draws_only_from_those_not_chosen(closed_campaign):
    staff = UserFactory(is_staff=True)
    first = gift_draw_run(campaign=closed_campaign, number=3, by=staff)

    second = gift_draw_run(campaign=closed_campaign, number=5, by=staff)

    assert not set(first.chosen_ids) & set(second.candidate_ids)
    assert GiftShipment.objects.filter(campaign=closed_campaign).count() == 8


def test_a_draw_is_refused_while_applications_are_open():
    campaign = gift_campaign()
    applications(campaign, 3)

    with pytest.raises(ValidationError, match="still open"):
        gift_draw_run(campaign=campaign, number=1, by=UserFactory(is_staff=True))
    assert not GiftDraw.objects.exists()


def test_drawing_more_than_are_left_is_refused(closed_campaign):
    with pytest.raises(ValidationError, match="Only 8 applications"):
        gift_draw_run(campaign=closed_campaign, number=9, by=UserFactory(is_staff=True))


def test_staff_choose_by_hand_in_admin(officer_client, django_capture_on_commit_callbacks):
    campaign = gift_campaign()
    picked, other = applications(campaign, 2)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            "/admin/campaigns/giftapplication/",
            {"action": "choose", "_selected_action": [picked.pk]},
            follow=True,
        )

    assert "1 person chosen" in response.text
    picked.refresh_from_db()
    other.refresh_from_db()
    assert picked.chosen_by == officer_client.officer and picked.chosen_at is not None
    assert other.chosen_at is None
    assert GiftShipment.objects.get(campaign=campaign).user == picked.user
    assert [m.to for m in mail.outbox] == [[picked.user.email]]
    assert StaffAuditLog.objects.filter(
        action="change", model="campaigns.GiftApplication", object_id=str(picked.pk)
    ).exists()


def test_choosing_someone_twice_makes_one_shipment(officer_client):
    campaign = gift_campaign()
    [picked] = applications(campaign, 1)
    for _ in range(2):
        officer_client.post(
            "/admin/campaigns/giftapplication/",
            {"action": "choose", "_selected_action": [picked.pk]},
        )

    assert GiftShipment.objects.filter(campaign=campaign).count() == 1


def test_the_database_holds_one_shipment_per_campaign_and_user():
    campaign = gift_campaign()
    user = UserFactory()
    GiftShipment.objects.create(campaign=campaign, user=user)

    with pytest.raises(IntegrityError):
        GiftShipment.objects.create(campaign=campaign, user=user)


def test_staff_run_a_draw_from_admin_and_see_it_verified(officer_client, closed_campaign):
    response = officer_client.post(
        "/admin/campaigns/giftdraw/add/",
        {"campaign": closed_campaign.pk, "number": 2},
        follow=True,
    )

    draw = GiftDraw.objects.get()
    assert draw.drawn_by == officer_client.officer
    page = officer_client.get(f"/admin/campaigns/giftdraw/{draw.pk}/change/").text
    assert draw.seed in page
    assert "icon-yes" in page
    assert response.status_code == 200


def test_a_draw_in_admin_that_cannot_run_is_a_form_error(officer_client):
    campaign = gift_campaign()
    applications(campaign, 2)

    response = officer_client.post(
        "/admin/campaigns/giftdraw/add/", {"campaign": campaign.pk, "number": 1}
    )

    assert response.status_code == 200
    assert "Applications are still open" in response.text
    assert not GiftDraw.objects.exists()
