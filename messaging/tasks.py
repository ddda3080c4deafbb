from celery import shared_task

from messaging import services
from messaging.models import Message


@shared_task
def message_notify(*, message_id: int) -> bool:
    message = (
        Message.objects.select_related(
            "thread__listing", "thread__tenant", "thread__host", "sender"
        )
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return False
    return services.message_notification_send(message=message)
