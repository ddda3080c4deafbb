"""docker-compose.yml cannot be run here (no Docker engine); check what it promises."""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_web_worker_beat_and_their_services():
    services = compose()["services"]

    assert {"web", "worker", "beat", "postgres", "redis", "minio", "migrate"} <= set(services)
    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"][:4] == ["celery", "-A", "kaguaruoo", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "kaguaruoo", "beat"]


def test_compose_app_services_share_production_settings():
    services = compose()["services"]

    for name in ("web", "worker", "beat", "migrate"):
        env = services[name]["environment"]
        assert env["DEBUG"] == "false", name
        assert env["DATABASE_URL"].startswith("postgres://"), name
        assert env["REDIS_URL"].startswith("redis://redis:"), name
        assert env["AWS_S3_ENDPOINT_URL"], name
        assert "SECRET_KEY" in env, name


def test_every_app_package_is_copied_into_the_image():
    dockerfile = (ROOT / "Dockerfile").read_text()

    for package in ("kaguaruoo", "accounts", "listings", "messaging", "contracts", "privacy"):
        assert f"COPY {package} {package}" in dockerfile


def test_the_image_build_compiles_the_message_catalogs_without_gettext():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "RUN pybabel compile -d locale -D django" in dockerfile
    assert "compilemessages" not in dockerfile


def test_the_image_build_collects_static_files_with_the_settings_it_gives(tmp_path):
    dockerfile = (ROOT / "Dockerfile").read_text()
    assignments = re.search(r"RUN ((?:\w+=\S+ )+)python manage.py collectstatic", dockerfile)
    assert assignments, "the Dockerfile collects static files"
    build_env = dict(pair.split("=", 1) for pair in assignments.group(1).split())
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SITE_URL"}
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--dry-run"],
        cwd=ROOT,
        env={**env, **build_env, "VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
