import pytest

from messaging.models import Attachment, DeliveryRequest, Message, NotificationPreference
from messaging.services import delivery_request_create, message_post, notification_preference_set
from privacy.registry import erase_for, export_for
from tests.listings.builders import days
from tests.messaging.builders import png_upload, start_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread():
    thread = start_thread(body="My number is 090-1234-5678", share=["full_name"])
    message_post(thread=thread, sender=thread.tenant, body="A photo", attachment=png_upload())
    message_post(thread=thread, sender=thread.host, body="Thanks!")
    delivery_request_create(
        thread=thread, by=thread.tenant, delivery_date=days(40), item="Bicycle", notes="Blue"
    )
    notification_preference_set(user=thread.tenant, email_on_message=False)
    return thread


def test_export_holds_the_tenants_threads_messages_files_deliveries_and_settings(thread):
    data = export_for(thread.tenant)

    assert len(data["messaging.Thread"]) == 1
    assert data["messaging.Thread"][0]["shared_fields"] == ["public_name", "inquiry", "full_name"]
    texts = [m["body"] for m in data["messaging.Message"]]
    assert "My number is 090-1234-5678" in texts
    assert "Thanks!" not in texts
    assert data["messaging.Attachment"][0]["content_type"] == "image/png"
    assert data["messaging.DeliveryRequest"][0]["item"] == "Bicycle"
    assert data["messaging.NotificationPreference"] == [
        {"id": NotificationPreference.objects.get().pk, "email_on_message": False}
    ]


def test_erase_anonymises_texts_and_deletes_files_but_keeps_the_other_partys_side(
    thread, django_capture_on_commit_callbacks
):
    stored = Attachment.objects.get()
    storage, name = stored.file.storage, stored.file.name
    assert storage.exists(name)

    # Files go once the erasure commits.
    with django_capture_on_commit_callbacks(execute=True):
        erase_for(thread.tenant)

    assert not storage.exists(name)
    assert not Attachment.objects.exists()
    mine = Message.objects.filter(sender=thread.tenant)
    assert all(m.erased and m.body == "" for m in mine)
    assert Message.objects.get(sender=thread.host).body == "Thanks!"
    delivery = DeliveryRequest.objects.get()
    assert (delivery.item, delivery.notes) == ("—", "")
    assert not NotificationPreference.objects.filter(user=thread.tenant).exists()
