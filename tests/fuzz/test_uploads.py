"""Generated files at every upload: random bytes, and bytes that start like a PNG, JPEG,
GIF, WebP, PDF, zip, SVG or HTML file (a PNG header may claim billions of pixels),
under any name and claimed type. Never a 500; a refused file leaves no row and no file.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from listings.models import ListingPhoto
from messaging.models import Attachment, Message
from privacy.models import IdentityVerification
from tests.accounts.factories import UserFactory
from tests.fuzz.conftest import (
    assert_no_server_error,
    assert_nothing_saved,
    fuzz_settings,
    junk_text,
    snapshot,
    uploads,
)
from tests.listings.builders import listing_near_station
from tests.messaging.builders import start_thread

# Generated inputs run in CI's PostgreSQL pass (where a NUL byte or an odd shape reaches
# the production database engine), not again on SQLite.
pytestmark = [pytest.mark.django_db, pytest.mark.integration]

EXAMPLES = {"attachments": 75, "photos": 75, "identity documents": 75}


@pytest.fixture
def thread(client, media):
    thread = start_thread()
    client.force_login(thread.tenant)
    return thread


@given(attachment=uploads)
@fuzz_settings(EXAMPLES["attachments"])
def test_a_message_attachment_that_is_not_a_pdf_or_an_image_stores_nothing(
    client, thread, media, attachment
):
    models = [Message, Attachment]
    before = snapshot(models, media)

    response = client.post(
        f"/messages/{thread.pk}/post/", {"body": "The floor plan", "attachment": attachment}
    )

    assert_no_server_error(response)
    if response.status_code != 302:
        assert_nothing_saved(before, snapshot(models, media))


@pytest.fixture
def listing(client, media):
    listing = listing_near_station()
    client.force_login(listing.host)
    return listing


@given(photos=st.lists(uploads, min_size=1, max_size=3), caption=junk_text)
@fuzz_settings(EXAMPLES["photos"])
def test_a_listing_photo_that_is_not_a_real_image_stores_nothing(
    client, listing, media, photos, caption
):
    before = snapshot([ListingPhoto], media)

    response = client.post(
        f"/host/listings/{listing.pk}/photos/", {"photos": photos, "caption": caption}
    )

    assert_no_server_error(response)
    after = snapshot([ListingPhoto], media)
    if after.rows == before.rows:
        assert after.files == before.files


@pytest.fixture
def member(client, db):
    user = UserFactory()
    client.force_login(user)
    return user


@given(
    document=uploads,
    document_type=st.sampled_from(["passport", "residence_card", "my_number_card", "", "x"]),
    number_side=st.sampled_from(["", "on", "\x00"]),
)
@fuzz_settings(EXAMPLES["identity documents"])
def test_an_identity_document_that_is_not_a_pdf_or_an_image_stores_nothing(
    client, member, media, document, document_type, number_side
):
    before = snapshot([IdentityVerification], media)

    response = client.post(
        "/privacy/me/identity/",
        {"document": document, "document_type": document_type, "number_side": number_side},
    )

    assert_no_server_error(response)
    if response.status_code != 302:
        assert_nothing_saved(before, snapshot([IdentityVerification], media))
