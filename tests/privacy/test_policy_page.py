from pathlib import Path

import pytest
from django.urls import reverse

from privacy.models import PolicyVersion

pytestmark = pytest.mark.django_db

POLICY_FILE = Path(__file__).resolve().parents[2] / "privacy" / "policy" / "privacy_policy_v1.txt"


def test_version_1_holds_the_customers_policy_verbatim():
    policy = PolicyVersion.objects.get(version=1)

    assert policy.text == POLICY_FILE.read_text(encoding="utf-8")
    assert policy.text.startswith("Privacy Policy\n\nKaguAruoo (hereinafter referred to as “we”)")
    assert "In case it is difficult to stop the use and others of personal information" in (
        policy.text
    )


def test_privacy_page_shows_the_policy_text(client):
    response = client.get(reverse("privacy:policy"))

    assert response.status_code == 200
    page = response.text
    assert "Version 1" in page
    assert "Purposes of use of Personal Information" in page
    assert "We shall use SSL, a world-standard encrypted communication" in page
    assert "“privacy policy” below." in page


def test_privacy_page_shows_the_latest_version(client):
    PolicyVersion.objects.create(
        version=2, text="Revised policy text.", published_at="2027-01-01T00:00:00+09:00"
    )

    page = client.get(reverse("privacy:policy")).text

    assert "Revised policy text." in page
    assert "Version 2" in page


def test_every_page_links_the_privacy_policy_and_terms(client):
    page = client.get("/").text

    assert 'href="/privacy/"' in page
    assert 'href="/terms/"' in page
