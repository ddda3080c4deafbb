from celery import shared_task

from messaging import selectors, services


@shared_task
def message_notify(*, message_id: int) -> bool:
    """A message's notification queued as a task, as releases before the outbox did: the
    ones still in the broker at an upgrade are mailed. `message_post` now writes the
    mail in the message's own transaction."""
    message = selectors.message_get_for_notification(pk=message_id)
    if message is None:
        return False
    return services.message_notification_send(message=message)
