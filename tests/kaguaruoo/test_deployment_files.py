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


APP_SERVICES = ("web", "worker", "beat", "migrate", "bucket")
ONE_SHOT = ("migrate", "bucket")


def test_compose_runs_web_worker_beat_and_their_services():
    services = compose()["services"]

    assert {"proxy", "web", "worker", "beat", "postgres", "redis", "seaweedfs"} <= set(services)
    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"][-1].startswith("exec celery -A kaguaruoo worker")
    assert services["beat"]["command"][:4] == ["celery", "-A", "kaguaruoo", "beat"]


def test_compose_app_services_share_production_settings():
    services = compose()["services"]

    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert env["DEBUG"] == "false", name
        assert env["DATABASE_URL"].startswith("postgres://"), name
        assert env["REDIS_URL"].startswith("redis://redis:"), name
        assert env["AWS_S3_ENDPOINT_URL"], name
        assert "SECRET_KEY" in env, name
        assert "SENTRY_DSN" in env, name


def test_every_image_is_pinned_to_an_exact_version_and_none_is_minio():
    for name, service in compose()["services"].items():
        image = service["image"]
        if name in APP_SERVICES:
            assert "build" in service, name
            continue
        assert "minio" not in image, name
        tag = image.partition(":")[2]
        assert re.match(r"\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?$", tag), f"{name}: {image}"
    assert re.search(r"^FROM python:\d+\.\d+\.\d+-", (ROOT / "Dockerfile").read_text(), re.M)


def test_every_long_running_service_has_a_healthcheck():
    for name, service in compose()["services"].items():
        if name in ONE_SHOT:
            assert service["restart"] == "no", name
            continue
        assert service["healthcheck"]["test"], name


def test_web_starts_only_after_the_migration_and_the_bucket_succeeded():
    services = compose()["services"]

    depends = services["web"]["depends_on"]
    for one_shot in ONE_SHOT:
        assert depends[one_shot]["condition"] == "service_completed_successfully"
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    for name, service in services.items():
        for needed in service.get("depends_on", {}):
            assert needed in services, f"{name} waits for a service that does not exist"


def test_web_scales_behind_the_proxy_and_beat_stays_single():
    services = compose()["services"]

    assert "ports" not in services["web"], "a fixed host port stops --scale web=N"
    assert "container_name" not in services["web"]
    assert services["proxy"]["ports"]
    assert "deploy" not in services["beat"]
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]
    upstream = r"dynamic a \{\s*name \{\$WEB_HOST:web\}\s*port \{\$WEB_PORT:8000\}"
    assert re.search(upstream, caddyfile)
    assert caddyfile.count("import web") == 2


def test_the_proxy_caps_uploads_and_sets_the_request_id():
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()

    assert re.findall(r"max_size (\S+)", caddyfile) == ["301MiB", "25MB", "25MB"]
    assert "@photos path_regexp ^/host/listings/[0-9]+/photos/$" in caddyfile
    assert "header_up X-Request-ID {http.request.uuid}" in caddyfile
    assert "proxy_protocol v1" in caddyfile


def test_gunicorn_takes_the_web_command_options(tmp_path):
    command = compose()["services"]["web"]["command"]
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}

    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", *command[1:]],
        cwd=ROOT,
        env={**env, "VAR_DIR": str(tmp_path), "WEB_CONCURRENCY": "3"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "--access-logfile" not in command


def test_the_readme_names_every_environment_variable_the_settings_read():
    code = "\n".join((ROOT / "kaguaruoo" / name).read_text() for name in ("settings.py", "env.py"))
    read = set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", code))
    read |= set(re.findall(r"reader\.boolean\(env, \"([A-Z_]+)\"", code))
    readme = (ROOT / "README.md").read_text()

    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "SENTRY_DSN", "LOG_FORMAT"} <= read
    missing = sorted(name for name in read if f"`{name}`" not in readme)
    assert not missing, f"README.md does not describe {missing}"


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
