"""A campaign's statistics in admin: people, clicks per link, and a chart drawn by the app."""

import datetime
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.core.charts import Series, line_chart_svg, nice_ceiling, timeline_fill
from campaigns.core.services import campaign_send
from kaguaruoo.outbox.services import outbox_drain
from tests.campaigns.builders import campaign_build, consenting_user
from tests.privacy.helpers import staff_signed_in

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def statistics_url(campaign) -> str:
    return reverse("admin:campaigns_campaign_statistics", args=[campaign.pk])


def tracked_links(message) -> list[str]:
    return [urlsplit(link).path for link in re.findall(r"https?://\S+/t/\S+/", message.body)]


def svg_of(page_text: str) -> ET.Element:
    (svg,) = re.findall(r"<svg [^>]*class=\"campaign-chart\".*?</svg>", page_text, re.DOTALL)
    return ET.fromstring(svg)  # noqa: S314 (the app's own chart)


def stat(page_text: str, name: str) -> str:
    return re.search(rf'data-stat="{name}">([^<]*)<', page_text).group(1)


@pytest.fixture
def sent_campaign():
    for email in ("ann@example.com", "ben@example.com", "cai@example.com"):
        consenting_user(email=email)
    campaign = campaign_build()
    campaign_send(campaign=campaign, by=campaign.created_by)
    outbox_drain()
    return campaign


def test_statistics_count_clicks_per_link_after_people_follow_them(officer_client, sent_campaign):
    by_address = {message.to[0]: message for message in mail.outbox}
    public = Client()
    spring, faq = tracked_links(by_address["ann@example.com"])
    assert public.get(spring).status_code == 302
    assert public.get(spring).status_code == 302
    assert public.get(faq).status_code == 302
    assert public.get(tracked_links(by_address["ben@example.com"])[0]).status_code == 302

    page = officer_client.get(statistics_url(sent_campaign))

    assert page.status_code == 200
    rows = re.findall(
        r'<tr class="campaign-link-row"><td><a href="([^"]+)"[^>]*>[^<]*</a></td>'
        r'<td data-stat="link-clicks">(\d+)</td><td>(\d+)</td>',
        page.text,
    )
    assert rows == [
        ("https://kaguaruoo.example/spring", "3", "2"),
        ("https://kaguaruoo.example/faq", "1", "1"),
    ]
    assert stat(page.text, "delivered") == "3"
    assert stat(page.text, "clicked") == "2"
    assert stat(page.text, "opened") == "2"  # a click shows the mail was opened
    assert stat(page.text, "unsubscribed") == "0"
    assert "the figure is a lower bound" in page.text


def test_statistics_count_an_unsubscribe(officer_client, sent_campaign):
    message = next(m for m in mail.outbox if m.to == ["cai@example.com"])
    stop = urlsplit(message.extra_headers["List-Unsubscribe"].strip("<>")).path
    Client().post(stop)

    page = officer_client.get(statistics_url(sent_campaign))

    assert stat(page.text, "unsubscribed") == "1"


def test_the_chart_is_well_formed_svg_with_titles_for_screen_readers(officer_client, sent_campaign):
    Client().get(tracked_links(mail.outbox[0])[0])

    page = officer_client.get(statistics_url(sent_campaign))
    svg = svg_of(page.text)

    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Mails sent, first opens and clicks per hour"
    point_titles = [title.text for title in svg.iter(f"{SVG}title")][1:]
    assert any(text.endswith("sent 3") for text in point_titles)
    assert any(text.endswith("clicked 1") for text in point_titles)
    assert len(list(svg.iter(f"{SVG}polyline"))) == 3
    assert "<script" not in ET.tostring(svg, encoding="unicode")


def test_a_campaign_not_started_shows_an_empty_chart(officer_client):
    campaign = campaign_build()

    page = officer_client.get(statistics_url(campaign))

    assert page.status_code == 200
    svg = svg_of(page.text)
    assert "Nothing sent yet." in [text.text for text in svg.iter(f"{SVG}text")]


def test_staff_without_the_campaign_permission_do_not_see_statistics(client, sent_campaign):
    staff_signed_in(client)

    assert client.get(statistics_url(sent_campaign)).status_code == 403


def test_chart_text_is_escaped_and_the_svg_still_parses():
    svg = line_chart_svg(
        title='Clicks <script>alert("x")</script> & more',
        description="d",
        labels=["<b>10:00</b>", "11:00"],
        series=[Series(label="sent & <i>", values=[1, 7], colour="#000")],
        empty_text="none",
    )

    root = ET.fromstring(svg)  # noqa: S314 (the app's own chart)

    assert root.find(f"{SVG}title").text == 'Clicks <script>alert("x")</script> & more'
    assert root.find(f"{SVG}script") is None
    assert "<script>" not in svg


def test_the_chart_axis_ends_at_a_round_number():
    assert [nice_ceiling(n) for n in (0, 1, 3, 7, 10, 11, 240, 999)] == [
        1, 1, 5, 10, 10, 20, 500, 1000,
    ]  # fmt: skip


def test_the_timeline_fills_quiet_hours_and_turns_to_days_for_a_long_campaign():
    start = timezone.localtime(timezone.now()).replace(minute=0, second=0, microsecond=0)
    hour = datetime.timedelta(hours=1)
    short = timeline_fill(
        [{"hour": start, "sent": 2}, {"hour": start + 3 * hour, "sent": 1, "clicked": 4}],
        keys=("sent", "clicked"),
    )
    long = timeline_fill(
        [{"hour": start, "sent": 2}, {"hour": start + 100 * hour, "sent": 5}],
        keys=("sent",),
    )

    assert [values["sent"] for _moment, values in short] == [2, 0, 0, 1]
    assert short[3][1]["clicked"] == 4
    assert len(long) in (5, 6)
    assert sum(values["sent"] for _moment, values in long) == 7
