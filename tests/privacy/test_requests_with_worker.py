"""The disclosure archive is built by a real Celery worker and its link arrives over SMTP."""

import io
import json
import re
import zipfile

import pytest

from privacy.services import privacy_request_decide, privacy_request_file
from tests.accounts.factories import UserFactory

LINK = re.compile(r"https?://[^/\s]+(/privacy/archives/[^\s]+/)")


@pytest.mark.integration
def test_a_worker_builds_the_archive_and_the_link_arrives_by_mail(client, live_worker, smtp_sink):
    user = UserFactory(email="worker.disclosure@example.com", first_name="Hinata")
    privacy_request = privacy_request_file(
        user=user, kind="disclosure", identity_check="reauthentication"
    )
    privacy_request_decide(
        privacy_request=privacy_request, decision="fulfilled", by=UserFactory(is_staff=True)
    )

    messages = smtp_sink.wait_for(user.email, count=3)
    [ready] = [m for m in messages if "archive is ready" in m["Subject"]]
    path = LINK.search(ready.get_body(preferencelist=("plain",)).get_content()).group(1)
    client.force_login(user)
    response = client.get(path)

    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("data.json"))["data"]
    assert data["accounts.User"][0]["first_name"] == "Hinata"
