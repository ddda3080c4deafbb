import logging.config
import os

from celery import Celery, signals

from kaguaruoo import requestlog

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaguaruoo.settings")

app = Celery("kaguaruoo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A task queued during a request logs under that request's id (kaguaruoo/requestlog.py).
signals.before_task_publish.connect(requestlog.task_headers_add, weak=False)
signals.task_prerun.connect(requestlog.task_started, weak=False)
signals.task_postrun.connect(requestlog.task_finished, weak=False)


@signals.setup_logging.connect(weak=False)
def logging_from_settings(**kwargs) -> None:
    """Workers and beat log as the web processes do: settings.LOGGING, not Celery's own."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
