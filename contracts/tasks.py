from celery import shared_task

from contracts import guides


@shared_task
def house_guide_reminders_send() -> int:
    return guides.guide_reminders_send()
