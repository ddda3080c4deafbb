import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest

from kaguaruoo import env as reader

ROOT = Path(__file__).resolve().parents[2]


def start_django(tmp_path, script="import django; django.setup()", **variables):
    """Import the settings in a fresh interpreter, as `manage.py` would at start-up."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    environment.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="kaguaruoo.settings")
    environment.update(variables)
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"DATABASE_URL": "mysql//nohost"}, "DATABASE_URL must start with one of"),
        ({"DATABASE_URL": "postgres://db.example:notaport/kagu"}, "DATABASE_URL is malformed"),
        ({"DATABASE_URL": "postgres://db.example"}, "DATABASE_URL needs a host and a database"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must start with one of"),
        ({"REDIS_URL": "redis://:6379/0"}, "REDIS_URL needs a host"),
        ({"DEBUG": "false"}, "SECRET_KEY must be set when DEBUG is off."),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 60}, "SITE_URL must be set when DEBUG is off"),
        ({"SITE_URL": "kaguaruoo.jp"}, "SITE_URL must start with one of http://, https://"),
        ({"SITE_URL": "https://"}, "SITE_URL needs a host"),
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"EMAIL_URL": "smtp://"}, "EMAIL_URL needs a host"),
    ],
)
def test_bad_environment_stops_start_up_with_one_line_naming_the_variable(
    tmp_path, variables, expected
):
    result = start_django(tmp_path, **variables)

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_development_start_up_generates_a_secret_key_once(tmp_path):
    assert start_django(tmp_path, DEBUG="true").returncode == 0
    first = (tmp_path / "secret_key").read_text()
    assert start_django(tmp_path, DEBUG="true").returncode == 0

    assert len(first) >= 50
    assert (tmp_path / "secret_key").read_text() == first


def test_production_start_up_with_a_secret_key_succeeds(tmp_path):
    result = start_django(
        tmp_path,
        DEBUG="false",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="kagu.jp",
        SITE_URL="https://kagu.jp",
    )

    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_sqlite_url_is_relative_to_the_project(tmp_path):
    config = reader.database_config("sqlite:///var/db.sqlite3", base_dir=tmp_path)

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "var" / "db.sqlite3")
    absolute = reader.database_config("sqlite:////srv/kagu.db", base_dir=tmp_path)
    assert absolute["NAME"] == "/srv/kagu.db"


def test_postgres_url_gives_every_connection_part():
    config = reader.database_config(
        "postgres://kagu:p%40ss@db.internal:6432/kaguaruoo?sslmode=require", base_dir=Path("/")
    )

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"]) == ("kagu", "p@ss")
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", "6432", "kaguaruoo")
    assert config["OPTIONS"] == {"sslmode": "require", "options": reader.POSTGRES_OPTIONS}


def test_postgres_plans_without_jit_or_parallel_workers_unless_the_url_says_otherwise():
    url = "postgres://kagu@db.internal/kaguaruoo"
    options = reader.database_config(url, base_dir=Path("/"))["OPTIONS"]["options"]
    assert options == "-c jit=off -c max_parallel_workers_per_gather=0"
    chosen = reader.database_config(url + "?options=-c%20work_mem%3D8MB", base_dir=Path("/"))
    assert chosen["OPTIONS"]["options"] == "-c work_mem=8MB"


def test_email_url_becomes_a_mailer():
    assert reader.mailer_config("console://")["BACKEND"].endswith("console.EmailBackend")
    smtp = reader.mailer_config("smtp+tls://relay%40kagu.jp:secret@smtp.kagu.jp:587")
    assert smtp["BACKEND"].endswith("smtp.EmailBackend")
    assert smtp["OPTIONS"] == {
        "host": "smtp.kagu.jp",
        "port": 587,
        "use_ssl": False,
        "use_tls": True,
        "timeout": 10,
        "username": "relay@kagu.jp",
        "password": "secret",
    }


def test_boolean_reader_accepts_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("FLAG", "On")
    assert reader.boolean(environ.Env(), "FLAG", default=False) is True
    monkeypatch.setenv("FLAG", "0")
    assert reader.boolean(environ.Env(), "FLAG", default=True) is False
    monkeypatch.delenv("FLAG")
    assert reader.boolean(environ.Env(), "FLAG", default=True) is True
