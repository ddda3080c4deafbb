from celery import shared_task

from campaigns.questionnaires import services


@shared_task
def questionnaire_stay_invitations_send() -> int:
    return services.stay_invitations_send()
