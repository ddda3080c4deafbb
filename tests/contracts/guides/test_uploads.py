"""The host's House Guide page: upload a file or a URL, replace it, see versions and views."""

import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.guides.selectors import house_guide_current
from contracts.guides.services import house_guide_upload
from contracts.models import HouseGuide, HouseGuideView
from messaging.models import Message
from tests.contracts.builders import listing_near_station, signed_contract
from tests.messaging.builders import PDF_BYTES, pdf_upload, png_upload

pytestmark = pytest.mark.django_db

SEED_FORMS = (
    "House guides can be saved in two forms: file and URL. If you wish to replace the "
    "previously uploaded House Guide, click 'Upload' to upload a new House Guide."
)
SEED_KEYS = "※ Please be careful of the info like Key procedure."


def manage_url(listing) -> str:
    return f"/contracts/house-guides/{listing.pk}/"


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def listing():
    return listing_near_station()


@pytest.fixture
def host_client(client, listing):
    client.force_login(listing.host)
    return client


def test_the_upload_form_carries_the_customers_words(host_client, listing):
    text = page_text(host_client.get(manage_url(listing)))

    assert SEED_FORMS in text
    assert SEED_KEYS in text
    assert "No House Guide has been uploaded for this listing yet." in text


def test_a_host_uploads_a_pdf_and_it_becomes_the_current_guide(host_client, listing):
    response = host_client.post(manage_url(listing), {"file": pdf_upload("鍵の手順.pdf")})

    assert response.status_code == 302
    guide = house_guide_current(listing=listing)
    assert (guide.version, guide.original_name, guide.content_type) == (
        1,
        "鍵の手順.pdf",
        "application/pdf",
    )
    assert guide.file.read() == PDF_BYTES
    page = page_text(host_client.get(manage_url(listing)))
    assert "House Guide version 1 is now the current one." in page
    assert "鍵の手順.pdf" in page


def test_a_host_saves_a_url_as_the_guide(host_client, listing):
    response = host_client.post(manage_url(listing), {"url": "https://docs.example.com/keys"})

    assert response.status_code == 302
    guide = house_guide_current(listing=listing)
    assert (guide.url, guide.file.name) == ("https://docs.example.com/keys", "")
    assert "https://docs.example.com/keys" in page_text(host_client.get(manage_url(listing)))


def test_upload_replaces_the_guide_and_keeps_earlier_versions_for_the_host(host_client, listing):
    host_client.post(manage_url(listing), {"file": pdf_upload("first.pdf")})
    host_client.post(manage_url(listing), {"url": "https://docs.example.com/second"})
    host_client.post(manage_url(listing), {"file": png_upload("third.png")})

    current = house_guide_current(listing=listing)
    assert (current.version, current.original_name) == (3, "third.png")
    page = page_text(host_client.get(manage_url(listing)))
    for shown in ("first.pdf", "https://docs.example.com/second", "third.png"):
        assert shown in page
    first = host_client.get(f"/contracts/house-guides/{listing.pk}/1/")
    assert b"".join(first.streaming_content) == PDF_BYTES


def test_the_stored_file_name_follows_the_content_not_the_uploaders_name(host_client, listing):
    host_client.post(manage_url(listing), {"file": pdf_upload("keys.html")})

    guide = house_guide_current(listing=listing)
    assert guide.file.name.endswith(".pdf")
    assert guide.original_name == "keys.html"


BAD_UPLOADS = [
    (
        {"file": SimpleUploadedFile("keys.pdf", b"not really a pdf")},
        "Attach a PDF or an image (JPEG, PNG, GIF or WebP).",
    ),
    (
        {"file": SimpleUploadedFile("keys.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))},
        "The file is larger than 10 MB.",
    ),
    ({"url": "ftp://files.example.com/keys"}, "Enter a web address that starts with https://"),
    ({"url": "javascript:alert(1)"}, "Enter a valid URL."),
    ({}, "Choose a file or enter a URL."),
    ({"file": "pdf", "url": "https://example.com/keys"}, "Give a file or a URL, not both."),
]


@pytest.mark.parametrize(("data", "message"), BAD_UPLOADS)
def test_a_bad_upload_is_refused_with_a_message_and_the_current_guide_stays(
    host_client, listing, data, message
):
    house_guide_upload(listing=listing, by=listing.host, url="https://example.com/current")
    if data.get("file") == "pdf":
        data["file"] = pdf_upload()

    response = host_client.post(manage_url(listing), data)

    assert response.status_code == 400
    assert message in page_text(response)
    assert HouseGuide.objects.filter(listing=listing).count() == 1
    assert house_guide_current(listing=listing).url == "https://example.com/current"


def test_only_the_host_of_the_listing_may_upload(listing):
    with pytest.raises(PermissionDenied):
        house_guide_upload(listing=listing, by=listing_near_station().host, file=pdf_upload())
    assert not HouseGuide.objects.exists()


def test_a_refused_upload_leaves_no_file_behind(listing, media_root):
    before = {p for p in media_root.rglob("*") if p.is_file()}

    with pytest.raises(ValidationError):
        house_guide_upload(
            listing=listing, by=listing.host, file=pdf_upload(), url="https://example.com"
        )

    assert {p for p in media_root.rglob("*") if p.is_file()} == before


def test_tenants_of_running_contracts_are_told_in_their_thread_of_a_new_guide():
    contract = signed_contract()

    house_guide_upload(listing=contract.listing, by=contract.host, file=pdf_upload())

    notice = Message.objects.filter(thread=contract.thread, kind=Message.Kind.NOTICE).last()
    assert notice.body == "The host uploaded a new House Guide."


def test_the_view_log_shows_the_host_who_opened_the_guide_but_not_from_where(client):
    contract = signed_contract()
    house_guide_upload(listing=contract.listing, by=contract.host, file=pdf_upload())
    client.force_login(contract.tenant)
    client.get(f"/contracts/{contract.pk}/house-guide/", REMOTE_ADDR="203.0.113.77")
    client.force_login(contract.host)

    page = page_text(client.get(manage_url(contract.listing)))

    assert "Nobody has opened the House Guide yet." not in page
    assert contract.tenant.public_name in page
    assert contract.number in page
    # The address is kept for the site's own records (policy 1.2.3), not handed to hosts.
    assert "203.0.113.77" not in page


@pytest.mark.parametrize("size", [1, 15])
def test_the_management_page_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, size
):
    contract = signed_contract()
    listing = contract.listing
    for n in range(size):
        house_guide_upload(listing=listing, by=contract.host, url=f"https://example.com/{n}")
    client.force_login(contract.tenant)
    for _ in range(size):
        client.get(f"/contracts/{contract.pk}/house-guide/")
    client.force_login(contract.host)

    # The listing, its versions, the view log's count and page, plus what every signed-in
    # page costs (session user, consents for the site notices, access-log row).
    with django_assert_max_num_queries(10):
        response = client.get(manage_url(listing))

    assert response.status_code == 200
    assert page_text(response).count(contract.tenant.public_name) == size


def test_a_long_view_log_is_shown_fifty_views_a_page(client):
    contract = signed_contract()
    guide = house_guide_upload(listing=contract.listing, by=contract.host, file=pdf_upload())
    HouseGuideView.objects.bulk_create(
        HouseGuideView(guide=guide, contract=contract, viewer=contract.tenant) for _ in range(51)
    )
    client.force_login(contract.host)

    first = page_text(client.get(manage_url(contract.listing)))
    second = page_text(client.get(manage_url(contract.listing) + "?page=2"))

    assert first.count(contract.tenant.public_name) == 50
    assert "Page 1 of 2" in first
    assert second.count(contract.tenant.public_name) == 1
