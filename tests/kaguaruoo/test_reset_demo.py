"""`make reset` (manage.py reset_demo) starts the demo over, and only under var/."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import User

BASE_DIR = Path(settings.BASE_DIR)


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_reset_refuses_a_database_outside_var(tmp_path):
    with override_settings(VAR_DIR=tmp_path), pytest.raises(CommandError, match="elsewhere"):
        call_command("reset_demo")
    User.objects.count()  # the test database is still there


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_reset_refuses_with_debug_off():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("reset_demo")


def test_reset_deletes_the_database_and_uploads_under_var_and_loads_the_demo(tmp_path):
    database = tmp_path / "db.sqlite3"
    database.write_bytes(b"not a database: the reset deletes it")
    marker = tmp_path / "media" / "photos" / "old.jpg"
    marker.parent.mkdir(parents=True)
    marker.write_bytes(b"old upload")
    keep = {"PATH", "HOME", "LANG", "CHROMIUM_PATH"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(DEBUG="true", VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{database}")

    done = subprocess.run(
        [sys.executable, "manage.py", "reset_demo"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "password for all: kagu-demo-2026" in done.stdout
    assert not marker.exists()
    with sqlite3.connect(database) as db:
        emails = {row[0] for row in db.execute("select email from accounts_user")}
    assert "mei.tenant@example.com" in emails
