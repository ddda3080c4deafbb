"""Privacy policy 2.3: with DEBUG off, personal data travels over HTTPS only."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client

call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)

client = Client()
plain = client.get("/terms/", HTTP_HOST="kaguaruoo.jp")
secure = client.get("/no-such-page/", HTTP_HOST="kaguaruoo.jp", secure=True)
print(json.dumps({
    "redirect": [plain.status_code, plain.get("Location")],
    "hsts": secure.get("Strict-Transport-Security"),
    "session_cookie": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY],
    "csrf_cookie": [settings.CSRF_COOKIE_SECURE, settings.CSRF_COOKIE_HTTPONLY],
}))
"""


def production_environment(tmp_path) -> dict:
    """The production variables of README.md's "Privacy" section."""
    left_out = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in left_out}
    environment.update(
        DJANGO_SETTINGS_MODULE="kaguaruoo.settings",
        VAR_DIR=str(tmp_path),
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="kaguaruoo.jp",
        CSRF_TRUSTED_ORIGINS="https://kaguaruoo.jp",
        SITE_URL="https://kaguaruoo.jp",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        EMAIL_URL="smtp+tls://relay:secret@smtp.example.com:587",
    )
    return environment


def run(tmp_path, *arguments):
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT, env=production_environment(tmp_path), capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_deploy_check_passes_at_warning_level_with_the_production_settings(tmp_path):
    result = run(tmp_path, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_redirects_to_https_sends_hsts_for_a_year_and_guards_cookies(tmp_path):
    result = run(tmp_path, "-c", PROBE)

    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["redirect"] == [301, "https://kaguaruoo.jp/terms/"]
    assert probe["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert probe["session_cookie"] == [True, True]
    assert probe["csrf_cookie"] == [True, True]
