from celery import shared_task

from privacy.models import PrivacyRequest
from privacy.services import identity_documents_purge as purge_identity_documents
from privacy.services import privacy_archive_build as archive_build


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def privacy_archive_build(request_id: int) -> None:
    archive_build(privacy_request=PrivacyRequest.objects.get(pk=request_id))


@shared_task
def identity_documents_purge() -> int:
    return purge_identity_documents()
