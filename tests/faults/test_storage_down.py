"""The media store (S3) does not answer: an upload asks to be sent again, pages answer.

The store is named at a loopback port nothing listens on, as when the store is down
or cut off: every connection is refused. Django's own error handling runs (DEBUG
off, the test client hands errors to `handler500`).
"""

import socket
from io import BytesIO

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from listings.models import ListingPhoto
from tests.listings.builders import listing_near_station

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def store_down(settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    settings.DEBUG = False
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **settings.MEDIA_STORAGE.get("OPTIONS", {}),
                "bucket_name": "kagu-media",
                "endpoint_url": f"http://127.0.0.1:{closed_port()}",
                "region_name": "ap-northeast-1",
                "querystring_auth": True,
            },
        },
    }
    storages._storages.pop("default", None)
    yield
    storages._storages.pop("default", None)


def jpeg() -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (800, 600), (180, 140, 90)).save(out, "JPEG")
    return SimpleUploadedFile("room.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_photo_sent_while_the_store_is_down_asks_to_be_sent_again(store_down):
    listing = listing_near_station(title="Flat by the park")
    host = Client(raise_request_exception=False)
    host.force_login(listing.host)

    sent = host.post(
        reverse("listings:host_photos", args=[listing.pk]),
        {"photos": [jpeg()], "caption": "Living room"},
    )
    page = host.get(listing.get_absolute_url())
    photos_page = host.get(reverse("listings:host_photos", args=[listing.pk]))

    assert sent.status_code == 503
    assert sent["Retry-After"]
    assert "could not reach the store that keeps photos and documents" in sent.text
    assert not ListingPhoto.objects.filter(listing=listing).exists()
    assert page.status_code == 200
    assert "Flat by the park" in page.text
    assert photos_page.status_code == 200


def test_the_page_asking_to_send_again_reads_in_japanese(store_down):
    listing = listing_near_station()
    host = Client(raise_request_exception=False, headers={"accept-language": "ja"})
    host.force_login(listing.host)

    sent = host.post(
        reverse("listings:host_photos", args=[listing.pk]) + "?lang=ja",
        {"photos": [jpeg()]},
        headers={"accept-language": "ja"},
    )

    assert sent.status_code == 503
    assert "写真や書類を保管する場所" in sent.text
