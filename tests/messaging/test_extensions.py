"""What a higher app adds to a thread page through messaging/extensions.py."""

import pytest

from kaguaruoo import slots
from messaging import extensions
from tests.messaging.builders import start_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread_slot(monkeypatch):
    """An empty "thread" slot for the test; the apps' own cards come back afterwards."""
    monkeypatch.setitem(slots._slots, extensions.THREAD_SLOT, [])
    return slots._slots[extensions.THREAD_SLOT]


def test_a_registered_thread_section_shows_above_the_messages_for_each_party(client, thread_slot):
    thread = start_thread(body="First question")

    def card(*, thread, user, request):
        return f'<section class="card" id="test-card">{user.pk}:{thread.pk}</section>'

    extensions.thread_section_register(card)
    extensions.thread_section_register(card)
    client.force_login(thread.host)
    page = client.get(thread.get_absolute_url()).content.decode()

    assert page.count('id="test-card"') == 1
    assert f"{thread.host.pk}:{thread.pk}" in page
    assert page.index('id="test-card"') < page.index("First question")
