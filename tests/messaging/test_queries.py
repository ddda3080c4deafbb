"""The Messages list and a thread page cost the same few queries however much they hold."""

import pytest

from messaging.services import delivery_request_create, message_post
from tests.accounts.factories import UserFactory
from tests.listings.builders import days
from tests.messaging.builders import listing_near_station, pdf_upload, start_thread

pytestmark = pytest.mark.django_db

# The pages' own few, plus what every signed-in page costs: the session user, the
# policy and analytics consents for the site notices, and the access-log row.
MAX_QUERIES = 12
# A thread page also shows the cards of the contracts app: reservation requests,
# contracts, the House Guide, and whether contact details unmask.
THREAD_PAGE_QUERIES = MAX_QUERIES + 5


def fill_thread(thread, n):
    for i in range(n):
        sender = thread.host if i % 2 else thread.tenant
        message_post(
            thread=thread,
            sender=sender,
            body=f"Message {i}",
            attachment=pdf_upload() if i % 3 == 0 else None,
            notify=False,
        )
    delivery_request_create(
        thread=thread, by=thread.tenant, delivery_date=days(40), item="Box", notify=False
    )


@pytest.mark.parametrize("threads", [1, 12])
def test_the_messages_list_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, threads
):
    tenant = UserFactory()
    listing = listing_near_station()
    start_thread(tenant=tenant, listing=listing)
    for _ in range(threads - 1):
        start_thread(tenant=tenant, listing=listing_near_station(host=listing.host), notify=False)
    client.force_login(tenant)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/messages/")

    assert response.content.decode().count('class="thread-row card') == threads


@pytest.mark.parametrize("messages", [1, 20])
def test_a_thread_page_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, messages
):
    thread = start_thread(style="easy", notify=False)
    fill_thread(thread, messages)
    client.force_login(thread.host)

    with django_assert_max_num_queries(THREAD_PAGE_QUERIES):
        response = client.get(f"/messages/{thread.pk}/")

    assert response.status_code == 200
    assert "Message 0" in response.content.decode()
