from celery import shared_task

from campaigns.core.services import campaigns_due_start


@shared_task(ignore_result=True)
def campaigns_due():
    campaigns_due_start()
