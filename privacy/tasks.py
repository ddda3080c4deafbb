"""Thin Celery tasks: ids in, the privacy service does the work."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from redis import RedisError

from privacy import services
from privacy.access_log_buffer import BufferBusy
from privacy.models import PrivacyRequest


# Redis errors: the access log's buffer is written out before the archive is built. A lost
# database connection rolls the build back whole; the retry starts on a new connection.
@shared_task(
    autoretry_for=(OSError, RedisError, BufferBusy, OperationalError, InterfaceError),
    retry_backoff=30,
    max_retries=5,
)
def privacy_archive_build(request_id: int) -> None:
    privacy_request = PrivacyRequest.objects.get(pk=request_id)
    if privacy_request.archive:
        # A task given back after its worker died, once the first run had committed: the
        # person has their archive and its link; a second would mail another link.
        return
    services.privacy_archive_build(privacy_request=privacy_request)


@shared_task
def privacy_archives_missing_queue() -> int:
    return services.privacy_archives_missing_queue()


@shared_task
def identity_documents_purge() -> int:
    return services.identity_documents_purge()


@shared_task
def access_logs_drain() -> int:
    return services.access_logs_drain()


@shared_task
def access_log_domains_resolve() -> int:
    return services.access_log_domains_resolve()


@shared_task
def access_logs_purge() -> int:
    return services.access_logs_purge()


@shared_task
def deleted_accounts_sweep() -> int:
    return services.deleted_accounts_sweep()
