"""Reads the environment into settings values.

Each reader raises SettingsError with a message that names the variable, so
that settings.py can stop start-up with one clear line instead of a traceback.
"""

import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import environ

DATABASE_ENGINES = {
    "sqlite": "django.db.backends.sqlite3",
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "pgsql": "django.db.backends.postgresql",
}
REDIS_SCHEMES = {"redis", "rediss"}
MAIL_SCHEMES = {"console", "smtp", "smtps", "smtp+tls"}
SITE_SCHEMES = {"http", "https"}
DEVELOPMENT_SITE_URL = "http://127.0.0.1:8000"


class SettingsError(Exception):
    """An environment variable holds a value the site cannot run with."""


def _split(name: str, value: str, schemes: set[str]):
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a non-numeric port
    except ValueError as error:
        raise SettingsError(f"{name} is malformed ({error}): {value!r}") from None
    if parts.scheme not in schemes:
        expected = ", ".join(sorted(f"{s}://" for s in schemes))
        raise SettingsError(f"{name} must start with one of {expected}; got {value!r}")
    return parts


POSTGRES_OPTIONS = "-c jit=off -c max_parallel_workers_per_gather=0"


def database_config(value: str, *, base_dir: Path, name: str = "DATABASE_URL") -> dict:
    """DATABASE_URL (or the variable `name`) -> a DATABASES entry.

    sqlite:///var/db.sqlite3 is relative to base_dir.
    """
    parts = _split(name, value, set(DATABASE_ENGINES))
    engine = DATABASE_ENGINES[parts.scheme]
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if not path or path == "/":
            raise SettingsError(f"{name} names no SQLite file: {value!r}")
        # sqlite:///relative/file and sqlite:////absolute/file, as in dj-database-url.
        file = path[1:] if path.startswith("/") else path
        file = str(file if Path(file).is_absolute() else base_dir / file)
        return {"ENGINE": engine, "NAME": file, "OPTIONS": {"timeout": 20}}
    database = unquote(parts.path.lstrip("/"))
    if not database or not parts.hostname:
        raise SettingsError(f"{name} needs a host and a database name: {value!r}")
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    # The site's reads are index lookups of a page of rows, many at once: compiling a
    # plan (JIT) or starting parallel workers for one costs more than it saves and
    # takes cores from the other requests. ?options=... in the URL replaces this.
    options.setdefault("options", POSTGRES_OPTIONS)
    return {
        "ENGINE": engine,
        "NAME": database,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname,
        "PORT": str(parts.port or ""),
        # A kept connection is checked before a request (or a Celery task, whose
        # connections Celery's Django fix-up closes before and after it) first uses it:
        # one cut by a database restart or failover is replaced, not an error.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
    }


def redis_url(value: str) -> str:
    parts = _split("REDIS_URL", value, REDIS_SCHEMES)
    if not parts.hostname:
        raise SettingsError(f"REDIS_URL needs a host: {value!r}")
    return value


def mailer_config(value: str) -> dict:
    """EMAIL_URL -> a MAILERS entry: console:// or smtp://user:password@host:port."""
    parts = _split("EMAIL_URL", value, MAIL_SCHEMES)
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if not parts.hostname:
        raise SettingsError(f"EMAIL_URL needs a host: {value!r}")
    options = {
        "host": parts.hostname,
        "port": parts.port or (465 if parts.scheme == "smtps" else 25),
        "use_ssl": parts.scheme == "smtps",
        "use_tls": parts.scheme == "smtp+tls",
        "timeout": 10,
    }
    if parts.username:
        options["username"] = unquote(parts.username)
        options["password"] = unquote(parts.password or "")
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}


def secret_key(env: environ.Env, *, debug: bool, var_dir: Path) -> str:
    """SECRET_KEY from the environment; in development, generated once into var/."""
    value = env.str("SECRET_KEY", default="")
    if value:
        return value
    if not debug:
        raise SettingsError("SECRET_KEY must be set when DEBUG is off.")
    key_file = var_dir / "secret_key"
    if not key_file.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def site_url(env: environ.Env, *, debug: bool) -> str:
    """SITE_URL, the address mail links start with (mail sent by workers has no request).

    Required when DEBUG is off; in development `make run` sets it to the address it
    serves at, and it defaults to runserver's own.
    """
    value = env.str("SITE_URL", default="").strip()
    if not value:
        if not debug:
            raise SettingsError(
                "SITE_URL must be set when DEBUG is off (the address mail links start with, "
                "e.g. https://kaguaruoo.jp)."
            )
        value = DEVELOPMENT_SITE_URL
    parts = _split("SITE_URL", value, SITE_SCHEMES)
    if not parts.hostname:
        raise SettingsError(f"SITE_URL needs a host: {value!r}")
    return value.rstrip("/")


def boolean(env: environ.Env, name: str, *, default: bool) -> bool:
    raw = env.str(name, default="")
    if raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false; got {raw!r}")
