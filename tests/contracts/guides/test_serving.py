"""How a guide reaches the one who may see it: streamed, redirected or signed, and logged."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from contracts.guides.services import house_guide_upload
from contracts.models import HouseGuideView
from tests.contracts.builders import signed_contract
from tests.messaging.builders import PDF_BYTES, pdf_upload

pytestmark = pytest.mark.django_db


def open_url(contract) -> str:
    return f"/contracts/{contract.pk}/house-guide/"


def test_the_signed_tenant_gets_the_file_and_nobody_may_keep_a_copy(client, contract):
    house_guide_upload(listing=contract.listing, by=contract.host, file=pdf_upload("Keys.pdf"))
    client.force_login(contract.tenant)

    response = client.get(open_url(contract))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert 'filename="Keys.pdf"' in response["Content-Disposition"]


def test_a_url_guide_sends_the_tenant_on_to_the_hosts_page(client, contract):
    house_guide_upload(
        listing=contract.listing, by=contract.host, url="https://docs.example.com/keys"
    )
    client.force_login(contract.tenant)

    response = client.get(open_url(contract))

    assert response.status_code == 302
    assert response["Location"] == "https://docs.example.com/keys"
    assert response["Cache-Control"] == "private, no-store"


def test_every_look_of_the_tenant_is_logged_with_contract_and_address(client, contract):
    guide = house_guide_upload(listing=contract.listing, by=contract.host, file=pdf_upload())
    client.force_login(contract.tenant)

    client.get(open_url(contract), REMOTE_ADDR="203.0.113.50")
    client.get(open_url(contract), REMOTE_ADDR="203.0.113.51")

    views = list(HouseGuideView.objects.order_by("id"))
    assert [(v.guide, v.contract, v.viewer, v.ip) for v in views] == [
        (guide, contract, contract.tenant, "203.0.113.50"),
        (guide, contract, contract.tenant, "203.0.113.51"),
    ]


def test_the_hosts_own_looks_are_not_logged(client, contract):
    house_guide_upload(listing=contract.listing, by=contract.host, file=pdf_upload())
    client.force_login(contract.host)

    assert client.get(open_url(contract)).status_code == 200
    assert client.get(f"/contracts/house-guides/{contract.listing_id}/1/").status_code == 200
    assert not HouseGuideView.objects.exists()


def test_a_refused_look_is_not_logged(client, contract):
    house_guide_upload(listing=contract.listing, by=contract.host, file=pdf_upload())
    client.force_login(signed_contract().tenant)

    assert client.get(open_url(contract)).status_code == 404
    assert not HouseGuideView.objects.exists()


def test_on_s3_the_tenant_is_sent_to_a_signed_link_that_dies_within_a_minute(
    client, contract, media_on_s3, s3_endpoint
):
    guide = house_guide_upload(listing=contract.listing, by=contract.host, file=pdf_upload())
    client.force_login(contract.tenant)

    response = client.get(open_url(contract))

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    location = response["Location"]
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(f"{s3_endpoint}/kagu-media/{guide.file.name}?")
    assert int(query["X-Amz-Expires"][0]) <= 60
    assert query["X-Amz-Signature"]
    fetched = requests.get(location, timeout=10)
    assert fetched.status_code == 200
    assert fetched.content == PDF_BYTES
    assert fetched.headers["Cache-Control"] == "private, no-store"
    assert HouseGuideView.objects.filter(contract=contract, viewer=contract.tenant).count() == 1


def test_on_s3_the_guide_has_no_public_address(contract, media_on_s3, s3_endpoint):
    guide = house_guide_upload(listing=contract.listing, by=contract.host, file=pdf_upload())

    unsigned = requests.get(f"{s3_endpoint}/kagu-media/{guide.file.name}", timeout=10)
    grants = media_on_s3.get_object_acl(Bucket="kagu-media", Key=guide.file.name)["Grants"]

    assert unsigned.status_code == 403
    assert PDF_BYTES not in unsigned.content
    assert not [g for g in grants if re.search("AllUsers|AuthenticatedUsers", str(g["Grantee"]))]


def test_a_guide_downloads_under_the_extension_its_content_has(client):
    contract = signed_contract()
    house_guide_upload(listing=contract.listing, by=contract.host, file=pdf_upload("guide.html"))
    client.force_login(contract.tenant)

    response = client.get(f"/contracts/{contract.pk}/house-guide/")

    assert 'filename="guide.pdf"' in response["Content-Disposition"]
