import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kaguaruoo.uploads import MAX_ATTACHMENT_BYTES, attachment_check
from messaging.models import Attachment
from messaging.services import message_post
from tests.messaging.builders import PDF_BYTES, pdf_upload, png_upload, start_thread


def test_an_image_is_accepted_whatever_its_name():
    checked = attachment_check(png_upload(name="photo.pdf"))

    assert checked.content_type == "image/png"


def test_a_pdf_is_accepted():
    assert attachment_check(pdf_upload()).content_type == "application/pdf"


def test_a_text_file_named_pdf_is_refused():
    fake = SimpleUploadedFile("contract.pdf", b"just text\n", content_type="application/pdf")

    with pytest.raises(ValidationError) as error:
        attachment_check(fake)

    assert error.value.code == "file_type"


def test_an_11_mb_file_is_refused_even_if_it_is_a_pdf():
    big = SimpleUploadedFile(
        "big.pdf", PDF_BYTES + b"0" * (11 * 1024 * 1024), content_type="application/pdf"
    )
    assert big.size > MAX_ATTACHMENT_BYTES

    with pytest.raises(ValidationError) as error:
        attachment_check(big)

    assert error.value.code == "too_large"


def test_an_image_too_large_to_decode_safely_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10)

    with pytest.raises(ValidationError):
        attachment_check(png_upload())


@pytest.mark.django_db
def test_a_refused_file_leaves_no_message_behind():
    thread = start_thread()
    fake = SimpleUploadedFile("plan.pdf", b"<html>hi</html>", content_type="application/pdf")

    with pytest.raises(ValidationError):
        message_post(thread=thread, sender=thread.tenant, body="See attached", attachment=fake)

    assert thread.messages.count() == 1
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_an_accepted_file_is_stored_under_a_random_name_with_its_real_type():
    thread = start_thread()

    message = message_post(
        thread=thread, sender=thread.host, body="", attachment=png_upload(name="../../x.pdf")
    )

    [stored] = message.attachments.all()
    assert stored.content_type == "image/png"
    assert stored.file.name.startswith(f"messaging/{thread.pk}/")
    assert stored.file.name.endswith(".png")
    assert ".." not in stored.file.name
