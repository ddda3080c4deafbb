"""A mail's bytes as an SMTP server receives them, built directly.

Django's `EmailMessage.message()` goes through the standard `email` package, which
costs more than the whole SMTP exchange of a message; a campaign sends thousands.
The outbox's mail has one shape — a text part, an optional HTML part, a few headers —
so it is written here: both parts UTF-8 in base64 (lines of 76), headers with
non-ASCII words encoded (RFC 2047). Tests read what the SMTP server received back
with the `email` package.
"""

import base64
import uuid
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr

CRLF = b"\r\n"


def _header(value: str) -> str:
    """A header value, RFC 2047-encoded when it is not plain ASCII."""
    try:
        value.encode("ascii")
    except UnicodeEncodeError:
        return Header(value, "utf-8", maxlinelen=998).encode()
    return value


def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name else address


def _part(content_type: str, text: str) -> bytes:
    body = base64.encodebytes(text.encode("utf-8")).replace(b"\n", CRLF)
    return (
        f"Content-Type: {content_type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + body


def mime_bytes(
    *,
    from_email: str,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    headers: dict,
) -> bytes:
    lines = [
        f"From: {_address(from_email)}",
        f"To: {_address(to)}",
        f"Subject: {_header(' '.join(subject.split()))}",
        f"Date: {formatdate(localtime=False)}",
        "MIME-Version: 1.0",
    ]
    for name, value in headers.items():
        if "\n" in name or "\r" in name or "\n" in str(value) or "\r" in str(value):
            raise ValueError(f"A header may not hold a line break: {name}")
        lines.append(f"{name}: {_header(str(value))}")
    head = "\r\n".join(lines).encode("ascii") + CRLF
    if html is None:
        return head + _part("text/plain", text)
    boundary = f"=_kagu_{uuid.uuid4().hex}"
    return (
        head
        + f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'.encode()
        + f"--{boundary}\r\n".encode()
        + _part("text/plain", text)
        + f"--{boundary}\r\n".encode()
        + _part("text/html", html)
        + f"--{boundary}--\r\n".encode()
    )
