"""deploy/Caddyfile in front of the site under gunicorn, as docker-compose.yml runs them."""

import json
import socket
import urllib.error
import urllib.request
import uuid

import pytest

from tests.services import Caddy, Gunicorn

pytestmark = pytest.mark.integration


@pytest.fixture
def proxied_site(tmp_path):
    site = Gunicorn(
        workdir=tmp_path,
        workers=1,
        env={
            # An empty database: the page asked for reads nothing.
            "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}",
            "REDIS_URL": "",
            "VAR_DIR": str(tmp_path / "var"),
            "LOG_FORMAT": "json",
            "GUNICORN_CMD_ARGS": "--proxy-protocol=v1 --proxy-allow-from=*",
        },
    )
    site.start()
    proxy = Caddy(workdir=tmp_path, web_port=site.port)
    proxy.start()
    yield proxy, site
    proxy.stop()
    site.stop()


def test_the_proxy_gives_each_request_its_own_id_which_the_site_logs(proxied_site):
    proxy, site = proxied_site
    request = urllib.request.Request(
        proxy.url("/terms/"), headers={"X-Request-ID": "chosen-by-the-client"}
    )

    with urllib.request.urlopen(request, timeout=20) as response:
        request_id = response.headers["X-Request-ID"]
        assert response.status == 200

    assert str(uuid.UUID(request_id)) == request_id
    lines = [
        json.loads(line)
        for line in site.log_path.read_text().splitlines()
        if line.startswith("{") and '"kaguaruoo.request"' in line
    ]
    [line] = [line for line in lines if line["request_id"] == request_id]
    assert line["path"] == "/terms/"
    assert line["status"] == 200


def oversized_post(proxy: Caddy, path: str, size: int) -> bytes:
    """The first line of the answer to a body of `size` bytes, or b"" if cut off."""
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=30) as connection:
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {size}\r\n\r\n"
        try:
            connection.sendall(head.encode())
            connection.sendall(b"x" * size)
        except OSError:
            pass  # refused while sending: the answer may still be waiting
        try:
            return connection.recv(200).split(b"\r\n")[0]
        except OSError:
            return b""


def test_an_upload_over_the_cap_is_refused_and_the_site_keeps_answering(proxied_site):
    proxy, _ = proxied_site

    first_line = oversized_post(proxy, "/contracts/stripe/webhook/", 26 * 1000 * 1000)

    assert first_line == b"" or first_line.split()[1][:1] == b"4", first_line
    # The refusal must not take the web process out of the proxy's rotation.
    with urllib.request.urlopen(proxy.url("/terms/"), timeout=20) as response:
        assert response.status == 200
