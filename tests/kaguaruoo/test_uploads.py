"""Storing a checked upload on a row: the name the content earns, not the one it came with."""

import pytest

from contracts.models import SupportMessage
from kaguaruoo.uploads import attachment_check, attachment_store
from tests.contracts.support.builders import open_request
from tests.messaging.builders import png_upload

pytestmark = pytest.mark.django_db


def test_a_png_named_as_a_pdf_is_stored_as_a_png_under_a_random_name():
    support_request = open_request()
    upload = png_upload("lease.pdf")
    message = SupportMessage(request=support_request, author=support_request.opened_by, body="")

    attachment_store(obj=message, file=upload, checked=attachment_check(upload))

    assert (message.original_name, message.content_type) == ("lease.pdf", "image/png")
    assert message.size == upload.size
    assert message.file.name.startswith(f"support/{support_request.pk}/")
    assert message.file.name.endswith(".png") and "lease" not in message.file.name
