"""A deletion request removes the person's uploaded files from S3 too (moto's real S3 server)."""

import pytest

from privacy.services import identity_document_submit, privacy_request_decide, privacy_request_file
from tests.accounts.factories import UserFactory
from tests.privacy.helpers import identity_png

pytestmark = pytest.mark.django_db


def keys(bucket):
    return [item["Key"] for item in bucket.list_objects_v2(Bucket="kagu-media").get("Contents", [])]


def test_deletion_removes_the_persons_identity_document_from_s3(
    media_on_s3, django_capture_on_commit_callbacks
):
    user = UserFactory()
    verification = identity_document_submit(
        user=user,
        document_type="passport",
        document=identity_png(),
        number_side=False,
    )
    assert keys(media_on_s3) == [verification.document.name]

    privacy_request = privacy_request_file(
        user=user, kind="deletion", identity_check="reauthentication"
    )
    with django_capture_on_commit_callbacks(execute=True):  # files go once it commits
        privacy_request_decide(
            privacy_request=privacy_request, decision="fulfilled", by=UserFactory(is_staff=True)
        )

    assert keys(media_on_s3) == []
    verification.refresh_from_db()
    assert not verification.document
