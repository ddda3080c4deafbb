"""Workers drain the outbox; a beat task restarts draining after a worker died.

`acks_late` with `reject_on_worker_lost`: a drain whose pool process is killed goes
back to the broker. A whole worker killed loses its unacknowledged message until
the broker's visibility timeout, so `outbox_recover` (every minute, and when a
worker starts) enqueues drains whenever rows are due, including rows whose lease
ran out with the worker that held them.
"""

import time

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from kaguaruoo.outbox import services

# Below the Redis broker's visibility timeout (an hour), so a countdown runs once.
MAX_COUNTDOWN = 1800


# A lost database connection ends the drain; it runs again on a new one (Celery closes
# the task's connections before and after each task) once the backoff is over.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=1,
    retry_backoff_max=60,
    max_retries=10,
)
def outbox_drain():
    # Stop before Celery's soft time limit; the next drain (or recover) goes on.
    budget = getattr(settings, "OUTBOX_DRAIN_SECONDS", 60)
    services.outbox_drain_threads(
        threads=getattr(settings, "OUTBOX_THREADS", 1), deadline=time.monotonic() + budget
    )
    if outbox_drain.app.conf.task_always_eager:
        return  # in-process (development without Redis): no worker to come back later
    if services.outbox_due_count():
        outbox_drain.delay()
        return
    # Nothing due now: come back when a backoff ends or a dead worker's lease runs out.
    # Within the broker's visibility timeout, so that the countdown is kept once.
    later = services.outbox_next_due()
    if later is not None:
        wait = (later - timezone.now()).total_seconds() + 0.5
        outbox_drain.apply_async(countdown=min(max(wait, 0.5), MAX_COUNTDOWN))


@shared_task(ignore_result=True)
def outbox_recover():
    if services.outbox_due_count():
        for _ in range(getattr(settings, "OUTBOX_PARALLEL", 2)):
            outbox_drain.delay()


@worker_ready.connect
def _recover_on_start(sender=None, **kwargs):
    outbox_recover.delay()
