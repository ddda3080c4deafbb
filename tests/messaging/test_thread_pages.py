"""A long conversation opens on its newest messages and pages back through the older ones."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Visibility
from messaging.models import Message
from messaging.selectors import MESSAGES_PER_PAGE
from messaging.services import message_post
from tests.messaging.builders import pdf_upload, start_thread

pytestmark = pytest.mark.django_db

LINE = re.compile(r"Line (\d{4})\.")


def with_lines(thread, count: int):
    """`count` more messages, "Line 0000." onwards, taking turns: as the parties typed them."""
    Message.objects.bulk_create(
        Message(
            thread=thread,
            sender=thread.tenant if n % 2 == 0 else thread.host,
            body=f"Line {n:04d}.",
        )
        for n in range(count)
    )
    return thread


def lines_on(page: str) -> list[int]:
    return [int(number) for number in LINE.findall(page)]


def link(page: str, testid: str, label: str) -> str:
    nav = page[page.index(f'data-testid="{testid}"') :]
    return re.search(rf'href="([^"]+)">{label}<', nav).group(1).replace("&amp;", "&")


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def queries_for(client, url: str) -> int:
    """Queries of one request from an empty cache (the header's unread count and the
    policy notice are kept in it after the first page)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_long_thread_opens_on_its_newest_messages_with_a_link_to_older_ones(client):
    thread = with_lines(start_thread(), 100)
    client.force_login(thread.tenant)

    page = get(client, thread.get_absolute_url())

    assert lines_on(page) == list(range(100 - MESSAGES_PER_PAGE, 100))
    assert 'data-testid="older-messages"' in page
    assert 'data-testid="newer-messages"' not in page
    # The newest message is where a posted message's redirect (…#latest) lands.
    latest = page[page.index('id="latest"') :]
    assert lines_on(latest) == [99]


def test_older_pages_walk_back_to_the_inquiry_and_newer_ones_return_to_the_newest(client):
    thread = with_lines(start_thread(body="The very first question"), 75)
    client.force_login(thread.host)
    url = thread.get_absolute_url()

    seen, page = [], get(client, url)
    seen = lines_on(page) + seen
    while 'data-testid="older-messages"' in page:
        page = get(client, url + link(page, "older-messages", "Older messages"))
        assert 'id="latest"' not in page
        seen = lines_on(page) + seen
    assert seen == list(range(75))
    assert "The very first question" in page

    newest = lines_on(get(client, url))
    while 'data-testid="newer-messages"' in page:
        assert link(page, "newer-messages", "Newest messages") == url + "#latest"
        page = get(client, url + link(page, "newer-messages", "Newer messages"))
    assert lines_on(page)[-1] == newest[-1] == 74


@pytest.mark.parametrize("query", ["?before=abc", "?after=-3", "?before=1", "?after=" + "9" * 40])
def test_a_cursor_that_is_no_message_of_the_thread_shows_the_newest_messages(client, query):
    thread = with_lines(start_thread(), 40)
    client.force_login(thread.tenant)

    page = get(client, thread.get_absolute_url() + query)

    assert lines_on(page) == list(range(40 - MESSAGES_PER_PAGE, 40))


def test_a_thread_of_1000_messages_costs_the_queries_of_one_of_50(client):
    short, long = with_lines(start_thread(), 50), with_lines(start_thread(), 1000)
    counts = {}
    for name, thread in (("short", short), ("long", long)):
        client.force_login(thread.tenant)
        counts[name] = queries_for(client, thread.get_absolute_url())
    older = long.messages.order_by("-id").values_list("id", flat=True)[500]

    assert counts["long"] == counts["short"]
    assert queries_for(client, f"{long.get_absolute_url()}?before={older}") == counts["long"]
    assert queries_for(client, f"{long.get_absolute_url()}?after={older}") == counts["long"]


def test_opening_the_newest_page_marks_what_it_shows_as_read(client):
    thread = with_lines(start_thread(), 40)
    client.force_login(thread.host)

    get(client, thread.get_absolute_url())

    thread.refresh_from_db()
    assert thread.host_last_read_id == thread.messages.latest("id").id


def test_the_page_links_read_in_japanese(client):
    thread = with_lines(start_thread(), 70)
    thread.tenant.language = "ja"
    thread.tenant.save(update_fields=["language"])
    client.force_login(thread.tenant)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"

    page = get(client, thread.get_absolute_url())
    older_url = link(page, "older-messages", "以前のメッセージ")
    older = get(client, thread.get_absolute_url() + older_url)

    assert "新しいメッセージ" in older and "最新のメッセージ" in older


# --- Messages kept in the cache show what they show now ---------------------------------------


def test_a_message_erased_after_it_was_read_shows_as_removed(client):
    thread = start_thread(body="My number is in the next message")
    message = message_post(thread=thread, sender=thread.tenant, body="Call me", notify=False)
    client.force_login(thread.host)
    assert "Call me" in get(client, thread.get_absolute_url())

    Message.objects.filter(pk=message.pk).update(body="", erased=True)

    page = get(client, thread.get_absolute_url())
    assert "Call me" not in page and "This message was removed." in page


def test_a_sender_who_changes_their_name_shows_the_new_one(client):
    thread = start_thread()
    host = thread.host
    message_post(thread=thread, sender=host, body="Welcome", notify=False)
    client.force_login(thread.tenant)
    assert host.public_name in get(client, thread.get_absolute_url())

    host.last_name, host.last_name_visibility = "Renamed", Visibility.ALL_USERS
    host.save(update_fields=["last_name", "last_name_visibility"])

    assert "Renamed" in get(client, thread.get_absolute_url())


def test_each_party_reads_a_message_as_written_for_them(client):
    thread = start_thread()
    message_post(
        thread=thread,
        sender=thread.tenant,
        body="Mail me at taro@example.com",
        attachment=pdf_upload("plan.pdf"),
        notify=False,
    )
    for viewer, mine in ((thread.tenant, True), (thread.host, False), (thread.tenant, True)):
        client.force_login(viewer)
        page = get(client, thread.get_absolute_url())
        assert ("taro@example.com" in page) is mine
        assert "plan.pdf" in page
        classes = re.search(r'<li class="([^"]*)" id="latest">', page).group(1)
        assert ("message-mine" in classes) is mine
