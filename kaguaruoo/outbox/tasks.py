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

from kaguaruoo.outbox import services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def outbox_drain():
    # Stop before Celery's soft time limit; the next drain (or recover) goes on.
    budget = getattr(settings, "OUTBOX_DRAIN_SECONDS", 60)
    services.outbox_drain(deadline=time.monotonic() + budget)
    if services.outbox_due_count():
        outbox_drain.delay()


@shared_task(ignore_result=True)
def outbox_recover():
    if services.outbox_due_count():
        for _ in range(getattr(settings, "OUTBOX_PARALLEL", 2)):
            outbox_drain.delay()


@worker_ready.connect
def _recover_on_start(sender=None, **kwargs):
    outbox_recover.delay()
