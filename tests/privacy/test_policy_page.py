import importlib
import re
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


JAPANESE_FILE = POLICY_FILE.with_name("privacy_policy_v1_ja.txt")


def test_version_1_also_holds_the_policy_in_japanese_with_the_same_articles():
    policy = PolicyVersion.objects.get(version=1)

    assert policy.text_ja == JAPANESE_FILE.read_text(encoding="utf-8")
    assert policy.text_ja.startswith("プライバシーポリシー（個人情報保護方針）")
    articles = [
        "第1条（個人情報の利用目的）",
        "第2条（個人情報の管理）",
        "第3条（個人情報の第三者への提供および共同利用）",
        "第4条（個人情報の取扱いの委託）",
        "第5条（免責事項）",
        "第6条（プライバシーポリシーの改定）",
        "第7条（個人情報の開示・訂正・利用停止等）",
    ]
    positions = [policy.text_ja.index(article) for article in articles]
    assert positions == sorted(positions)
    # As many numbered items as the English: 1.1.1-1.1.5, 1.2.1-1.2.3, 3.1.1-3.1.3 ...
    english_items = len(re.findall(r"^\s+\d\. ", policy.text, flags=re.M))
    japanese_items = len(re.findall(r"^\s+(?:\d\.|\(\d\)) ", policy.text_ja, flags=re.M))
    assert japanese_items == english_items - 7  # the English numbers its articles "1." too


@pytest.mark.parametrize(
    ("accept", "language", "words"),
    [
        ("ja", "ja", "第1条（個人情報の利用目的）"),
        ("en", "en", "Purposes of use of Personal Information"),
    ],
)
def test_the_policy_page_shows_the_text_in_the_readers_language(client, accept, language, words):
    page = client.get(reverse("privacy:policy"), headers={"accept-language": accept}).text

    assert f'<div class="policy-text" lang="{language}">' in page
    assert words in page


def test_a_version_without_japanese_is_shown_in_english_to_a_japanese_reader(client):
    PolicyVersion.objects.create(
        version=2, text="Revised policy text.", published_at="2027-01-01T00:00:00+09:00"
    )

    page = client.get(reverse("privacy:policy"), headers={"accept-language": "ja"}).text

    assert '<div class="policy-text" lang="en">Revised policy text.</div>' in page
    assert "2027年1月1日" in page


def test_a_database_from_before_gets_the_japanese_text_of_version_1_on_migrate():
    from django.apps import apps

    PolicyVersion.objects.filter(version=1).update(text_ja="")
    migration = importlib.import_module("privacy.migrations.0015_policy_in_japanese")

    migration.add_japanese_to_version_1(apps, None)

    assert PolicyVersion.objects.get(version=1).text_ja == JAPANESE_FILE.read_text(encoding="utf-8")
