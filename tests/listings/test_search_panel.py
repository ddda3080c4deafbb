"""The search filters keep what the visitor typed and ticked, in their language."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def page(client, **params) -> str:
    response = client.get(reverse("listings:search"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_filters_show_the_values_of_the_search(client):
    html = page(
        client, q="shibuya", walk="10", rent_max="150000", layout=["1K", "1LDK"],
        items="wifi", viewing="on", sort="rent",
    )  # fmt: skip

    assert 'name="q" value="shibuya"' in html
    assert 'name="walk" min="1" max="100" value="10"' in html
    assert 'name="rent_max" min="0" step="1000" value="150000"' in html
    assert 'name="layout" value="1K" checked' in html
    assert 'name="layout" value="1LDK" checked' in html
    assert 'name="layout" value="1R">' in html
    assert 'name="items" value="wifi" checked' in html
    assert 'name="items" value="bed">' in html
    assert 'name="viewing" checked' in html
    assert '<option value="rent" selected>' in html
    assert html.count(" selected>") == 1
    assert html.count('<details class="field" open>') == 2


def test_an_empty_search_shows_empty_filters_with_newest_first_offered_first(client):
    html = page(client)

    assert 'name="q" value=""' in html
    assert " checked" not in html
    assert " selected>" not in html
    assert html.index('<option value="newest">') < html.index('<option value="rent">')
    assert '<details class="field" open>' not in html


def test_a_typed_value_is_escaped(client):
    html = page(client, q='"><script>alert(1)</script>')

    assert "<script>alert(1)</script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_the_filters_read_in_japanese(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"

    html = page(client, q="渋谷")

    assert 'name="q" value="渋谷"' in html
    assert "家具・家電" in html or "ベッド" in html
    assert "Bed</label>" not in html
