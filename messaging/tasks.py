from celery import shared_task

from messaging import selectors, services


@shared_task
def message_notify(*, message_id: int) -> bool:
    message = selectors.message_get_for_notification(pk=message_id)
    if message is None:
        return False
    return services.message_notification_send(message=message)
