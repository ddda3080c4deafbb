"""Pages for tests/kaguaruoo/test_request_log.py: one queues a task that logs, one fails."""

import logging

from celery import shared_task
from django.http import HttpResponse
from django.urls import include, path

logger = logging.getLogger("tests.request_log")


@shared_task
def note_write():
    logger.info("note written")


def note_queue(request):
    note_write.delay()
    return HttpResponse("queued")


def note_fail(request):
    body = request.POST.get("body", "")
    name = request.user.full_name
    raise RuntimeError(f"no room for a note from {request.user.email} ({len(body)}, {len(name)})")


urlpatterns = [
    path("note/fail/", note_fail, name="note_fail"),
    path("note/", note_queue, name="note_queue"),
    path("", include("kaguaruoo.urls")),
]
