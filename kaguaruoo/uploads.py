"""Files people upload: where they are stored, what they may be, how they are served.

Messages, support requests, House Guides and identity documents take a PDF or an
image, recognised by its content (an image's pixels are decoded), up to 10 MB; each
is stored under a random name and served only through a view that checked who asks.

A request body larger than its view takes is refused before it is read
(`BodySizeMiddleware`): `settings.REQUEST_BODY_MAX_BYTES` names the views that take
files and their caps; every other view takes `DATA_UPLOAD_MAX_MEMORY_SIZE`.
"""

import uuid
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from PIL import Image, UnidentifiedImageError

from kaguaruoo.net import referer_on_site

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# A 48-megapixel phone photo passes; decoding one as RGBA takes about 200 MB.
MAX_IMAGE_PIXELS = 50_000_000
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
}
# A stored name's extension -> its type (a checked file is stored with its content's).
UPLOAD_TYPES = {extension: content_type for content_type, extension in EXTENSIONS.items()}


def upload_path(folder: str, filename: str) -> str:
    """`folder/<random>.ext`: the name a person gave the file is never a path on the store."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"{folder}/{uuid.uuid4().hex}{suffix}"


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str


def attachment_check(file: UploadedFile) -> CheckedFile:
    """The file's real type, or ValidationError; the name and the browser's claim are ignored."""
    if file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."), code="too_large")
    file.seek(0)
    head = file.read(5)
    file.seek(0)
    if head == b"%PDF-":
        return CheckedFile("application/pdf", ".pdf")
    try:
        kind = _image_decode(file)
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise ValidationError(
            _("Attach a PDF or an image (JPEG, PNG, GIF or WebP)."), code="file_type"
        ) from error
    finally:
        file.seek(0)
    if kind not in IMAGE_TYPES:
        raise ValidationError(
            _("Attach a PDF or an image (JPEG, PNG, GIF or WebP)."), code="file_type"
        )
    content_type = IMAGE_TYPES[kind]
    return CheckedFile(content_type, EXTENSIONS[content_type])


def _image_decode(file) -> str:
    """The image's format, once its pixels have been decoded.

    A header alone proves nothing (a PNG signature before HTML or a truncated body
    passes `verify()`), so the pixels are decoded; dimensions are checked first, so
    a small file that would expand into gigabytes (a decompression bomb) is refused
    before anything is decoded.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(file) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise Image.DecompressionBombError(f"{width}x{height} pixels")
            # JPEG decodes at an eighth of its size: every block is still read.
            image.draft("RGB", (max(width // 8, 1), max(height // 8, 1)))
            image.load()
            return image.format


def attachment_store(
    *, obj, file: UploadedFile, checked: CheckedFile, stem: str = "upload", fallback: str = "file"
) -> None:
    """Put a checked upload on `obj` (a row with `file`, `original_name`, `content_type` and
    `size`); the caller saves the row.

    The stored name takes the extension of the content, never the one the uploader
    chose: S3 serves an object with the type its name suggests.
    """
    obj.original_name = (file.name or fallback)[-200:]
    obj.content_type = checked.content_type
    obj.size = file.size
    obj.file.save(f"{stem}{checked.extension}", file, save=False)


def attachment_response(
    *, file, content_type: str, filename: str, download: bool | None = None
) -> FileResponse:
    """A checked file served to someone already let in: never kept by a shared cache.

    PDFs download and images show in the page, unless `download` says otherwise.
    Messages, support requests, House Guides and identity documents serve their files this way.
    """
    if download is None:
        download = content_type == "application/pdf"
    response = FileResponse(
        file.open("rb"), content_type=content_type, as_attachment=download, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    return response


def request_body_cap(request: HttpRequest) -> int:
    """The largest body the view `request` resolved to takes, in bytes.

    `REQUEST_BODY_MAX_BYTES` names a view by its URL name (`namespace:name`) or a
    whole namespace (`admin`); anything else takes the size Django itself reads
    into memory, since it has no files.
    """
    caps = settings.REQUEST_BODY_MAX_BYTES
    match = request.resolver_match
    if match is not None:
        for name in (match.view_name, match.namespace):
            if name in caps:
                return caps[name]
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def request_too_large(request: HttpRequest) -> HttpResponse:
    """The 413 page."""
    response = render(request, "413.html", {"back": referer_on_site(request)}, status=413)
    response["Cache-Control"] = "private, no-store"
    return response


class BodySizeMiddleware:
    """413 for a request whose Content-Length is above its view's cap, before any body
    is read (CSRF reads the form right after this, in its own process_view).

    A body sent without Content-Length (chunked) is left to the proxy in front, which
    buffers it and sets one (README, "Production").
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None  # Django reads it as empty
        cap = request_body_cap(request)
        if length > cap:
            return request_too_large(request)
        return None


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """handler400: a body Django refused to read is 413 with the same page; the rest as
    Django answers them."""
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request)
    return defaults.bad_request(request, exception)
