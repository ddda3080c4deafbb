"""Celery's settings keep every task safe to lose a worker: acknowledged late, given back
when its process dies, and never held by a worker past Redis's visibility timeout."""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings

from kaguaruoo.celery import app as celery_app


def site_tasks():
    for app in apps.get_app_configs():
        if importlib.util.find_spec(f"{app.name}.tasks") is not None:
            importlib.import_module(f"{app.name}.tasks")
    return [task for name, task in celery_app.tasks.items() if not name.startswith("celery.")]


def longest_wait_before_a_retry(task) -> int:
    """How long a worker holds a task's retry before it runs it (Celery's own rules)."""
    if not getattr(task, "autoretry_for", ()):
        return 0
    if getattr(task, "retry_backoff", False):
        return getattr(task, "retry_backoff_max", 600)
    return task.default_retry_delay


def test_every_task_is_acknowledged_late_and_given_back_when_its_process_dies():
    tasks = site_tasks()

    assert len(tasks) > 10
    assert [t.name for t in tasks if not (t.acks_late and t.reject_on_worker_lost)] == []


def test_no_retry_waits_longer_than_redis_keeps_a_taken_message_from_others():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]

    waits = {task.name: longest_wait_before_a_retry(task) for task in site_tasks()}

    assert {name: wait for name, wait in waits.items() if wait > settings.TASK_COUNTDOWN_MAX} == {}
    assert visibility > settings.TASK_COUNTDOWN_MAX + 2 * settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT


def test_beat_sweeps_the_outbox_often_enough_for_a_persons_own_mail():
    sweep = settings.CELERY_BEAT_SCHEDULE["outbox-recover"]

    assert 10 <= sweep["schedule"] <= 30
