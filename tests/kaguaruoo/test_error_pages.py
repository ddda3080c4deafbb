import pytest
from django.db import OperationalError
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_a_broken_mail_link_shows_the_sites_page_with_a_way_on(client):
    response = client.get("/u/12:changed-token/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page
    assert "open it again from the mail" in page
    assert 'href="/privacy/me/"' in page


def raising(error):
    def view(*args, **kwargs):
        raise error

    return view


@override_settings(DEBUG=False)
def test_a_lost_database_connection_asks_the_visitor_to_try_again_in_their_language(
    client, monkeypatch
):
    monkeypatch.setattr(
        "kaguaruoo.views.render", raising(OperationalError("server closed the connection"))
    )
    client.raise_request_exception = False

    english = client.get("/terms/", headers={"accept-language": "en"})
    japanese = client.get("/terms/", headers={"accept-language": "ja"})

    assert english.status_code == japanese.status_code == 503
    assert english["Retry-After"] == "5"
    assert "no-store" in english["Cache-Control"]
    assert "Please try again in a moment" in english.content.decode()
    assert "しばらくしてからもう一度お試しください" in japanese.content.decode()
    assert '<html lang="ja">' in japanese.content.decode()


@override_settings(DEBUG=False)
def test_any_other_error_is_still_the_500_page(client, monkeypatch):
    monkeypatch.setattr("kaguaruoo.views.render", raising(ValueError("a bug")))
    client.raise_request_exception = False

    response = client.get("/terms/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
