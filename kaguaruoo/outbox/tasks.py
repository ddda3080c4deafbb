"""Workers drain the outbox; beat's sweep starts draining again after anything went wrong.

A commit that adds rows asks for drains (`services.outbox_kick`). Everything that can
lose that request is caught by `outbox_recover`, which beat runs every
`OUTBOX_SWEEP_SECONDS` (and each worker runs as it starts): the broker down at the
commit, a worker killed with its drain message unacknowledged (Redis gives it back
only after the visibility timeout), a lease that ran out with the worker holding it,
a backoff that ended. Nothing is scheduled with a countdown, so nothing waits in a
worker beyond the broker's visibility timeout.

`acks_late` with `reject_on_worker_lost`: a drain whose pool process is killed goes
back to the broker at once. A drain is safe to run twice: rows are claimed under a
lease, and each row goes out once.
"""

import time

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import InterfaceError, OperationalError

from kaguaruoo.outbox import services


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
def outbox_drain(only: list[int] | None = None):
    """Send what is due; `only`: just these rows (a commit's own, in-process)."""
    # Stop before Celery's soft time limit; the next drain (or the sweep) goes on.
    budget = getattr(settings, "OUTBOX_DRAIN_SECONDS", 60)
    eager = outbox_drain.app.conf.task_always_eager
    # In-process (development, tests) the rows may be visible only to this thread's
    # connection (a test's transaction is never committed): drain in this thread.
    threads = 1 if eager else getattr(settings, "OUTBOX_THREADS", 1)
    services.outbox_drain_threads(threads=threads, deadline=time.monotonic() + budget, only=only)
    if not eager and services.outbox_due_count():
        outbox_drain.delay()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def outbox_recover():
    """The sweep: drains when rows are due. A drain that waited in a busy queue past the
    next sweep is dropped (`expires`): the next sweep decides again, so drains queued by
    sweeps never pile up behind a long campaign."""
    if services.outbox_due_count():
        expires = max(getattr(settings, "OUTBOX_SWEEP_SECONDS", 15), 5)
        for _ in range(getattr(settings, "OUTBOX_PARALLEL", 2)):
            outbox_drain.apply_async(expires=expires)


@worker_ready.connect
def _recover_on_start(sender=None, **kwargs):
    outbox_recover.delay()
