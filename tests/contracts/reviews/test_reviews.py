"""Reviews after a stay: blind until both are written or 14 days have passed, then public."""

import itertools

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.template import Context, Template

from contracts.models import Review
from contracts.reviews import services as reviews
from contracts.reviews.views import contract_section
from tests.accounts.factories import UserFactory
from tests.contracts.builders import listing_near_station, signed_contract
from tests.contracts.stays import stay_ended

pytestmark = pytest.mark.django_db


def finished_stay(days_ago=1, **kwargs):
    return stay_ended(signed_contract(**kwargs), days_ago=days_ago)


def review_by(party, contract, rating=5, body=None):
    return reviews.review_write(
        contract=contract,
        author=party,
        rating=rating,
        body=body or f"Review by {party.email}",
    )


def reviewed_stay(listing, *, tenant_rating=5, host_rating=5):
    """A stay both parties reviewed, moved into the past so the next one can follow."""
    contract = finished_stay(listing=listing)
    review_by(contract.tenant, contract, rating=tenant_rating)
    review_by(contract.host, contract, rating=host_rating)
    return stay_ended(contract, days_ago=40 * next(_older))


_older = itertools.count(1)


def listing_page(client, contract):
    return client.get(contract.listing.get_absolute_url()).content.decode()


def profile_page(client, user):
    return client.get(f"/users/{user.pk}/").content.decode()


def test_a_review_stays_hidden_from_the_other_party_and_the_public_until_both_are_written(
    client, django_capture_on_commit_callbacks
):
    contract = finished_stay()
    review_by(contract.tenant, contract, body="Bright flat, quick answers.")

    host_view = contract_section(contract=contract, user=contract.host)
    assert "Bright flat" not in host_view
    assert "has written a review" in host_view
    assert "Bright flat" in contract_section(contract=contract, user=contract.tenant)
    assert "Bright flat" not in listing_page(client, contract)
    assert "Bright flat" not in profile_page(client, contract.host)

    with django_capture_on_commit_callbacks(execute=True):
        review_by(contract.host, contract, body="Left the flat spotless.")

    host_view = contract_section(contract=contract, user=contract.host)
    tenant_view = contract_section(contract=contract, user=contract.tenant)
    assert "Bright flat" in host_view and "Left the flat spotless." in tenant_view
    assert "Bright flat" in listing_page(client, contract)
    assert "Bright flat" in profile_page(client, contract.host)
    assert "Left the flat spotless." in profile_page(client, contract.tenant)
    # The listing shows what tenants say about it, not what hosts say about tenants.
    assert "Left the flat spotless." not in listing_page(client, contract)


def test_a_lone_review_is_published_fourteen_days_after_move_out(client):
    contract = finished_stay(days_ago=13)
    review_by(contract.tenant, contract, body="Noisy street at night.")
    assert "Noisy street" not in listing_page(client, contract)

    stay_ended(contract, days_ago=14)
    # A day has passed for the stay: the reviews a listing page kept were kept for
    # an earlier day.
    cache.clear()

    assert "Noisy street" in listing_page(client, contract)
    assert "Noisy street" in contract_section(contract=contract, user=contract.host)


def test_each_party_writes_one_review():
    contract = finished_stay()
    review_by(contract.tenant, contract)

    with pytest.raises(ValidationError) as refused:
        review_by(contract.tenant, contract)

    assert refused.value.code == "duplicate"
    assert Review.objects.filter(contract=contract).count() == 1


def test_nobody_reviews_a_stay_before_it_has_ended(client):
    contract = signed_contract()
    with pytest.raises(ValidationError) as refused:
        review_by(contract.tenant, contract)
    assert refused.value.code == "too_early"
    assert contract_section(contract=contract, user=contract.tenant) == ""
    client.force_login(contract.tenant)

    response = client.post(f"/contracts/{contract.pk}/review/", {"rating": 5, "body": "Great"})

    assert response.status_code == 302
    [message] = get_messages(response.wsgi_request)
    assert "from the move-out day" in str(message)
    assert not Review.objects.exists()


def test_the_window_closes_when_the_reviews_are_published():
    contract = finished_stay(days_ago=14)

    with pytest.raises(ValidationError) as refused:
        review_by(contract.host, contract)

    assert refused.value.code == "too_late"
    assert "The time for reviews of this stay is over." in contract_section(
        contract=contract, user=contract.host
    )


def test_the_review_page_saves_a_review_about_the_other_party(client):
    contract = finished_stay()
    client.force_login(contract.host)
    url = f"/contracts/{contract.pk}/review/"
    assert client.get(url).status_code == 200

    refused = client.post(url, {"rating": 4, "body": ""})
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()

    client.post(url, {"rating": 4, "body": "Paid on time."})

    review = Review.objects.get()
    assert (review.author, review.subject, review.role) == (
        contract.host,
        contract.tenant,
        Review.Role.HOST,
    )
    assert review.rating == 4


def test_the_other_party_is_told_of_a_review_without_reading_it(
    django_capture_on_commit_callbacks,
):
    contract = finished_stay()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        review_by(contract.tenant, contract, body="Secret words")

    [told] = mail.outbox
    assert told.to == [contract.host.email]
    assert "Secret words" not in told.body
    assert f"/contracts/{contract.pk}/review/" in told.body

    with django_capture_on_commit_callbacks(execute=True):
        review_by(contract.host, contract)

    assert sorted(m.to[0] for m in mail.outbox[1:]) == sorted(
        [contract.tenant.email, contract.host.email]
    )
    assert all("published" in m.subject for m in mail.outbox[1:])


def test_the_listing_shows_the_average_of_its_published_reviews(client):
    listing = listing_near_station()
    reviewed_stay(listing, tenant_rating=5, host_rating=1)
    reviewed_stay(listing, tenant_rating=3, host_rating=1)

    page = client.get(listing.get_absolute_url()).content.decode()

    assert "★ 4.0" in page
    assert "2 reviews" in page


@pytest.mark.parametrize("stays", [1, 6])
def test_listing_and_profile_reviews_cost_two_queries_however_many(
    django_assert_num_queries, stays
):
    listing = listing_near_station()
    for _ in range(stays):
        reviewed_stay(listing)
    host = listing.host

    with django_assert_num_queries(2):
        html = Template('{% load slots %}{% slot "listing_reviews" listing=listing %}').render(
            Context({"listing": listing})
        )
    assert html.count('class="review"') == stays
    with django_assert_num_queries(2):
        html = Template('{% load slots %}{% slot "user_reviews" member=member %}').render(
            Context({"member": host})
        )
    assert html.count('class="review"') == stays
    assert listing.title in html


URLS_AND_WHO = [
    ("stranger", 404),
    ("anonymous", "login"),
    ("tenant", 200),
    ("host", 200),
]


@pytest.mark.parametrize(("who", "expected"), URLS_AND_WHO)
def test_the_review_page_answers_only_the_parties(client, who, expected):
    contract = finished_stay()
    user = {"tenant": contract.tenant, "host": contract.host, "stranger": UserFactory()}.get(who)
    if user:
        client.force_login(user)

    response = client.get(f"/contracts/{contract.pk}/review/")
    posted = client.post(f"/contracts/{contract.pk}/review/", {"rating": 5, "body": "Hi"})

    if expected == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert posted.status_code == 302 and "/accounts/login/" in posted["Location"]
        assert not Review.objects.exists()
    elif expected == 404:
        assert (response.status_code, posted.status_code) == (404, 404)
        assert not Review.objects.exists()
    else:
        assert response.status_code == 200
        assert Review.objects.get().author == user
