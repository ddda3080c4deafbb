"""Who reaches which privacy page: the permission matrix as data."""

import pytest

from privacy.services import (
    archive_link,
    identity_document_submit,
    privacy_archive_build,
    privacy_request_file,
)
from tests.accounts.factories import UserFactory
from tests.privacy.helpers import identity_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    owner = UserFactory()
    request = privacy_request_file(
        user=owner,
        kind="disclosure",
        identity_check="document",
        identity_note="passport",
        checked_by=UserFactory(is_staff=True),
    )
    privacy_archive_build(privacy_request=request)
    verification = identity_document_submit(
        user=owner,
        document_type="passport",
        document=identity_png(),
        number_side=False,
    )
    return {
        "owner": owner,
        "other": UserFactory(),
        "staff": UserFactory(is_staff=True, is_superuser=True),
        "archive": archive_link(privacy_request=request).split("://", 1)[1].split("/", 1)[1],
        "document": f"privacy/identity/{verification.pk}/document/",
    }  # fmt: skip


MATRIX = [
    ("privacy/me/", None, 302),
    ("privacy/me/", "owner", 200),
    ("privacy/me/identity/", None, 302),
    ("privacy/requests/new/", None, 302),
    ("archive", None, 302),
    ("archive", "owner", 200),
    ("archive", "other", 404),
    ("archive", "staff", 404),
    ("document", None, 302),
    ("document", "owner", 404),
    ("document", "other", 404),
    ("document", "staff", 404),
    ("privacy/staff/anonymised-export.csv", "owner", 404),
    ("privacy/staff/anonymised-export.csv", "staff", 404),
    ("privacy/anonymised-data/", None, 200),
]


@pytest.mark.parametrize(("page", "who", "expected"), MATRIX)
def test_privacy_pages_answer_each_visitor_as_the_matrix_says(client, world, page, who, expected):
    if who is not None:
        client.force_login(world[who])
    path = "/" + world.get(page, page)

    assert client.get(path).status_code == expected
