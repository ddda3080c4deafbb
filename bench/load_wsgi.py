"""The site as bench/load.py serves it under gunicorn: the whole site, with the
bare view of bench/common.py at /bench/bare/ in front, and the production settings
the environment gives (DEBUG off) except for static files, which have no
collectstatic manifest here.

    gunicorn --chdir <project> bench.load_wsgi:application
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaguaruoo.settings")

from django.conf import settings

settings.ROOT_URLCONF = __name__
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from bench.common import bare_view, django_setup  # noqa: E402

django_setup()

# isort: split
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.urls import include, path  # noqa: E402

urlpatterns = [path("bench/bare/", bare_view), path("", include("kaguaruoo.urls"))]

application = WSGIHandler()
