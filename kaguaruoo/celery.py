import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaguaruoo.settings")

app = Celery("kaguaruoo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
