"""Who may open which messaging URL: one table, walked by one test."""

import pytest

from messaging.services import delivery_request_create, message_post
from tests.accounts.factories import UserFactory
from tests.listings.builders import days
from tests.messaging.builders import listing_near_station, pdf_upload, start_thread

pytestmark = pytest.mark.django_db

LOGIN = "login"

THREAD = "/messages/{thread}/"
OLDER = "/messages/{thread}/?before={message}"
NEWER = "/messages/{thread}/?after={message}"
POST = "/messages/{thread}/post/"
FILE = "/messages/{thread}/attachments/{attachment}/"
DELIVERY_NEW = "/messages/{thread}/deliveries/new/"
ACCEPT = "/messages/{thread}/deliveries/{delivery}/accept/"
REJECT = "/messages/{thread}/deliveries/{delivery}/reject/"
CANCEL = "/messages/{thread}/deliveries/{delivery}/cancel/"
INQUIRE = "/messages/inquire/{listing}/"
POSTED = {POST, DELIVERY_NEW, ACCEPT, REJECT, CANCEL}
OBJECT_URLS = [THREAD, OLDER, NEWER, POST, FILE, DELIVERY_NEW, ACCEPT, REJECT, CANCEL]
LIST_URLS = ["/messages/", "/messages/settings/"]

MATRIX = (
    [(url, "anonymous", LOGIN) for url in OBJECT_URLS + LIST_URLS]
    + [(url, "unrelated_tenant", 404) for url in OBJECT_URLS]
    + [(url, "unrelated_host", 404) for url in OBJECT_URLS]
    + [(url, who, 200) for url in LIST_URLS for who in ("unrelated_tenant", "unrelated_host")]
    + [
        (THREAD, "tenant", 200),
        (THREAD, "host", 200),
        (OLDER, "tenant", 200),
        (OLDER, "host", 200),
        (NEWER, "tenant", 200),
        (NEWER, "host", 200),
        (FILE, "tenant", 200),
        (FILE, "host", 200),
        (POST, "tenant", 302),
        (POST, "host", 302),
        (DELIVERY_NEW, "tenant", 302),
        (DELIVERY_NEW, "host", 404),
        (ACCEPT, "host", 302),
        (REJECT, "host", 302),
        (CANCEL, "tenant", 302),
        # The inquiry form is about a public listing: open to any other member.
        (INQUIRE, "anonymous", LOGIN),
        (INQUIRE, "host", 404),
        (INQUIRE, "tenant", 302),
        (INQUIRE, "unrelated_tenant", 200),
        (INQUIRE, "unrelated_host", 200),
    ]
)


@pytest.fixture
def world():
    thread = start_thread()
    message = message_post(
        thread=thread, sender=thread.host, body="The plan", attachment=pdf_upload()
    )
    delivery = delivery_request_create(
        thread=thread, by=thread.tenant, delivery_date=days(40), item="A desk"
    )
    # An unrelated tenant with a thread of their own, and a host of another listing.
    other_thread = start_thread()
    return {
        "urls": {
            "thread": thread.pk,
            "listing": thread.listing_id,
            "message": message.pk,
            "attachment": message.attachments.get().pk,
            "delivery": delivery.pk,
        },
        "users": {
            "anonymous": None,
            "tenant": thread.tenant,
            "host": thread.host,
            "unrelated_tenant": other_thread.tenant,
            "unrelated_host": listing_near_station(host=UserFactory(is_host=True)).host,
        },
    }


@pytest.mark.parametrize(("url", "who", "expected"), MATRIX)
def test_messaging_urls_answer_each_visitor_as_the_table_says(client, world, url, who, expected):
    user = world["users"][who]
    if user is not None:
        client.force_login(user)
    path = url.format(**world["urls"])
    data = {
        POST: {"body": "Hello"},
        DELIVERY_NEW: {"delivery_date": days(50).isoformat(), "item": "A lamp"},
        REJECT: {"reason": "Not that week"},
    }.get(url, {})

    response = client.post(path, data) if url in POSTED else client.get(path)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected, response.content[:300]
