"""What every generated-input test shares: the settings that make a run reproducible,
the inputs, and the check that a refused request left nothing behind.

Each test builds its world once (a fixture) and Hypothesis sends every generated
request into it, one after another, inside the test's one transaction: what the
requests may change is compared before and after each of them, never assumed to be
reset. That is why the function-scoped-fixture health check is suppressed, and only
it (with the one for slow data generation on a shared machine).
"""

import os
import struct
import zlib
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st


def fuzz_settings(max_examples: int) -> settings:
    """The same inputs on every run (derandomized; no example database to replay from)."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# --- Text a person could type, and what a script could send instead -------------------------

junk_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=12).map(
        lambda text: text + "\x00"
    ),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "0",
            "-1",
            "9" * 30,
            "1e309",
            "NaN",
            "2026-02-30",
            "9999-12-31",
            "0001-01-01",
            "１２",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "%00",
            "\ud7ff\ufeff\u200b",
            "x" * 5_001,
        ]
    ),
)


def field_or_junk(valid) -> st.SearchStrategy:
    """Mostly junk, sometimes the valid value, so that both paths are walked."""
    return st.one_of(st.just(valid), junk_text, st.integers().map(str))


def form_data(valid: dict) -> st.SearchStrategy:
    """A form's fields: each either valid or junk, some left out."""
    return st.fixed_dictionaries(
        {},
        optional={name: field_or_junk(value) for name, value in valid.items()},
    )


# --- Files -------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@st.composite
def png_with_header(draw) -> bytes:
    """A PNG whose header claims any size (up to 2^31 pixels a side) over random data."""
    width = draw(st.integers(1, 2**31 - 1))
    height = draw(st.integers(1, 2**31 - 1))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(draw(st.binary(max_size=64)))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


MAGIC = [
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff\xe0",
    b"GIF89a",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"%PDF-",
    b"PK\x03\x04",
    b"<svg xmlns='http://www.w3.org/2000/svg'>",
    b"<!doctype html><script>",
]

file_bytes = st.one_of(
    st.binary(max_size=256),
    st.tuples(st.sampled_from(MAGIC), st.binary(max_size=256)).map(b"".join),
    png_with_header(),
)

uploads = st.builds(
    lambda stem, extension, content_type, content: SimpleUploadedFile(
        f"f{stem}{extension}", content, content_type=content_type
    ),
    stem=st.text(alphabet=st.characters(codec="ascii", categories=["L", "N"]), max_size=20),
    extension=st.sampled_from([".png", ".jpg", ".pdf", ".gif", ".webp", ".html", ".svg", ""]),
    content_type=st.sampled_from(
        ["image/png", "image/jpeg", "application/pdf", "text/html", "image/svg+xml", "x/y"]
    ),
    content=file_bytes,
)


# --- Before and after --------------------------------------------------------------------


def stored_files(root) -> int:
    return sum(len(files) for _folder, _dirs, files in os.walk(root))


@dataclass(frozen=True)
class Snapshot:
    rows: dict
    files: int


def snapshot(models, media_root) -> Snapshot:
    return Snapshot(
        {model.__name__: model.objects.count() for model in models}, stored_files(media_root)
    )


def assert_no_server_error(response):
    assert response.status_code < 500, response.content[:500]


def assert_nothing_saved(before: Snapshot, after: Snapshot):
    assert after == before


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT
