import pytest
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
