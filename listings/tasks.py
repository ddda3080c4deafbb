from botocore.exceptions import BotoCoreError
from celery import shared_task

from listings import photos


# Storage errors (a full disk, S3 out of reach) are worth retrying; a file that cannot
# be decoded is not, and the service marks that photo failed without raising.
@shared_task(
    autoretry_for=(OSError, BotoCoreError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def photo_process(photo_id: int) -> None:
    photos.photo_process(photo_id=photo_id)


@shared_task
def photos_requeue_stale() -> int:
    return photos.photos_requeue_stale()
