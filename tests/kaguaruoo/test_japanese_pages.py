"""A person who reads Japanese sees no English sentence of ours.

The demo world is loaded and each of its people — an anonymous visitor, a
tenant with a signed contract, a host, a staff member — walks the site in
Japanese by following its links. No page may contain an English sentence
that our code or templates mark for translation.
"""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from tests.kaguaruoo.test_catalogs import marked_strings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

# Links that change something or leave the HTML pages: never followed.
NOT_FOLLOWED = re.compile(
    r"logout|/attachments/|/files/|house-guide/$|/house-guides/\d+/\d+/|\.pdf$|\.csv$|/export|"
    r"/archive|/download|/i18n/|/t/|/u/|/q/|/media/|/static/|/admin/.*/(delete|history)/|"
    r"/admin/jsi18n|/admin/r/|/return/|/beacon|open\.gif|/healthz"
)
PAGES_PER_PERSON = 80
ADMIN_PAGES = 40
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]+>|\{\w*\}")
WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def english_sentences():
    """Every run of three or more English words in a marked string, placeholders cut out."""
    sentences = set()
    for msgid, _context in marked_strings():
        for part in PLACEHOLDER.split(msgid):
            part = " ".join(part.split()).strip(" .,:;“”\"'()—-")
            if len(WORDS.findall(part)) >= 3:
                sentences.add(part)
    return sentences


class PageText(HTMLParser):
    """The text a person reads or hears: content, and the attributes read aloud.

    Text the page marks as being in another language (`lang="en"` on the signed
    original of a contract) is left out: it is shown on purpose.
    """

    READ = ("alt", "title", "aria-label", "placeholder")

    def __init__(self, language):
        super().__init__()
        self.language = language
        self.parts, self.links, self._skip = [], [], 0
        self._foreign = None  # [tag, how deep it is nested in itself]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._foreign:
            self._foreign[1] += tag == self._foreign[0]
            return
        if tag != "html" and attrs.get("lang") not in (None, "", self.language):
            self._foreign = [tag, 1]
            return
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        self.parts += [attrs[name] for name in self.READ if attrs.get(name)]
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if self._foreign:
            if tag == self._foreign[0]:
                self._foreign[1] -= 1
                if not self._foreign[1]:
                    self._foreign = None
            return
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and not self._foreign:
            self.parts.append(data)

    def text(self):
        return " ".join(" ".join(self.parts).split())


def walk(client, starts, limit):
    """(url, text) of each HTML page reached from `starts` by following same-site links."""
    seen, queue = set(starts), deque(starts)
    while queue and len(seen) - len(queue) <= limit:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = PageText("ja")
        page.feed(response.content.decode())
        yield url, page.text()
        for href in page.links:
            href = urldefrag(href).url
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith("/"):
                continue
            if NOT_FOLLOWED.search(parts.path) or href in seen:
                continue
            if url.startswith("/admin/") != href.startswith("/admin/"):
                continue
            seen.add(href)
            queue.append(href)


def test_the_demo_in_japanese_shows_no_english_sentence_of_ours(client):
    User.objects.update(language="ja")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    sentences = english_sentences()
    people = {
        None: ["/", "/listings/", "/accounts/signup/", "/accounts/login/", "/privacy/"],
        "alex.tenant@example.com": ["/", "/accounts/profile/", "/messages/", "/contracts/"],
        "mei.tenant@example.com": ["/messages/", "/contracts/"],
        "hana.host@example.com": ["/host/listings/", "/messages/", "/contracts/payouts/"],
        "staff@example.com": ["/admin/"],
    }
    english, visited = [], 0
    for email, starts in people.items():
        client.logout()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
        if email:
            assert client.login(email=email, password=DEMO_PASSWORD)
        limit = ADMIN_PAGES if starts == ["/admin/"] else PAGES_PER_PERSON
        for url, text in walk(client, starts, limit):
            visited += 1
            english += [f"{email or 'anonymous'} {url}: {s!r}" for s in sentences if s in text]
    assert visited > 100
    assert not english, f"{len(english)} English sentences on Japanese pages:\n" + "\n".join(
        sorted(english)[:80]
    )
