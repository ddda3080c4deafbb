"""Listing photos: what an upload must be, how it is cleaned and resized, and the
services that add, order and remove photos.

An upload is trusted for nothing: its name, its declared type and its header can all
lie, so the file is decoded in full before anything is stored, and what is stored is a
fresh encoding of the pixels without any of the camera's metadata.
"""

import datetime
import logging
import random
import uuid
from collections.abc import Iterable
from functools import partial
from io import BytesIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageDraw, ImageFont, ImageOps

from accounts.models import User
from listings import tasks
from listings.models import Listing, ListingPhoto
from listings.search_cache import search_cache_invalidate

logger = logging.getLogger(__name__)

MAX_PHOTOS = 20
MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000
LARGE_BOX = (1600, 1200)
THUMBNAIL_SIZE = (480, 360)

# Pillow's own guard only warns between its limit and twice its limit. The site's
# limit is checked explicitly below, before any pixel is decoded; lowering Pillow's
# limit to the same figure makes every other Pillow call in the process (Django's
# image dimensions, the admin) refuse outright what is more than twice as large.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# Pillow format -> how the cleaned original is written. MPO is the JPEG variant that
# phones write when they add a depth map or a second picture.
_ORIGINAL_FORMATS = {
    "JPEG": ("JPEG", "jpg", {"quality": 92, "optimize": True}),
    "MPO": ("JPEG", "jpg", {"quality": 92, "optimize": True}),
    "PNG": ("PNG", "png", {"optimize": True}),
    "WEBP": ("WEBP", "webp", {"quality": 90}),
}
_OPENED_AS = ["JPEG", "PNG", "WEBP"]  # MPO files are opened by the JPEG plugin
_RENDITION_FORMAT = ("WEBP", "webp", {"quality": 82})

# What Pillow raises for a file that is not a readable image of an accepted kind.
_UNREADABLE = (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError)

EMPTY_MESSAGE = _("The file is empty. Choose a photo to upload.")
TOO_LARGE_MESSAGE = _("The file is larger than %(limit)s MB. Upload a smaller photo.")
NOT_AN_IMAGE_MESSAGE = _(
    "This file is not a JPEG, PNG or WebP photo, whatever its name says. "
    "Upload a photo in one of those formats."
)
TOO_MANY_PIXELS_MESSAGE = _(
    "The photo is larger than %(limit)s megapixels. Reduce its size and upload it again."
)
DAMAGED_MESSAGE = _(
    "The photo is damaged or incomplete and cannot be read. "
    "Save or export it again, then upload it."
)
TOO_MANY_PHOTOS_MESSAGE = _("A listing can have at most %(limit)s photos. Delete one first.")
NOT_HOST_MESSAGE = _("Only the listing's host can change its photos.")


# --- Validation --------------------------------------------------------------------


def photo_validate(upload: File) -> None:
    """Raise ValidationError unless the upload is a readable JPEG, PNG or WebP photo
    within the size limits. Usable as a form field's clean step."""
    _photo_decode(upload).close()


def _photo_decode(upload: File) -> Image.Image:
    """The upload's fully decoded first frame, or ValidationError saying what is wrong.

    Pillow works on a copy in memory: closing an image closes its file, and the
    caller's upload must stay usable (a form validates it, then a service stores it).
    """
    if (getattr(upload, "size", None) or 0) > MAX_BYTES:
        raise _too_large()
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    upload.seek(0)
    if not data:
        raise ValidationError(EMPTY_MESSAGE, code="empty")
    if len(data) > MAX_BYTES:
        raise _too_large()
    try:
        image = Image.open(BytesIO(data), formats=_OPENED_AS)
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except _UNREADABLE:
        raise ValidationError(NOT_AN_IMAGE_MESSAGE, code="invalid_image") from None
    try:
        # The header gives the size; nothing has been decoded yet.
        if image.width * image.height > MAX_PIXELS:
            raise _too_many_pixels()
        # verify() only walks the chunks; decoding every pixel is what finds a
        # truncated or corrupt file.
        image.load()
    except ValidationError:
        image.close()
        raise
    except _UNREADABLE:
        image.close()
        raise ValidationError(DAMAGED_MESSAGE, code="damaged_image") from None
    return image


def _too_large() -> ValidationError:
    return ValidationError(
        TOO_LARGE_MESSAGE, code="file_too_large", params={"limit": MAX_BYTES // 2**20}
    )


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        TOO_MANY_PIXELS_MESSAGE, code="too_many_pixels", params={"limit": MAX_PIXELS // 10**6}
    )


# --- Image work --------------------------------------------------------------------


def _clean_original(image: Image.Image) -> tuple[ContentFile, tuple[int, int]]:
    """The picture re-encoded upright, in sRGB, in its own format, with no metadata;
    and its size once upright.

    Re-encoding is what drops EXIF (GPS, camera serial numbers), XMP, IPTC, comments
    and text chunks: only the pixels are carried over.
    """
    pillow_format, extension, options = _ORIGINAL_FORMATS[image.format]
    upright = _pixels_only(image)
    buffer = BytesIO()
    upright.save(buffer, pillow_format, **options)
    content = ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")
    return content, upright.size


def _pixels_only(image: Image.Image) -> Image.Image:
    """The image upright, in sRGB, as 8-bit L, RGB or RGBA, with an empty `info`.

    Changes `image` in place where it can: a 50-megapixel photo takes 150 MB per copy.
    """
    ImageOps.exif_transpose(image, in_place=True)
    image = _to_8_bit(_to_srgb(image))
    target = "RGB"
    if image.has_transparency_data:
        target = "RGBA"
    elif image.mode == "L":
        target = "L"
    if image.mode != target:
        image = image.convert(target)
    # Some encoders fall back on `info` (a JPEG comment, a PNG profile) when not
    # told otherwise; with it empty nothing but pixels can be written.
    image.info = {}
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Colours converted from an embedded profile (Display P3 on phones, Adobe RGB on
    cameras), so that they stay right once the profile is dropped."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        return ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(BytesIO(profile)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken profile is not worth refusing the photo for.
        return image


def _to_8_bit(image: Image.Image) -> Image.Image:
    if image.mode.startswith("I;16") or image.mode in ("I", "F"):
        return image.convert("I").point(lambda value: value / 256).convert("L")
    return image


def _renditions(data: bytes) -> tuple[ContentFile, ContentFile]:
    """The large picture and the card thumbnail, made from a stored original."""
    with Image.open(BytesIO(data), formats=_OPENED_AS) as source:
        if source.width * source.height > MAX_PIXELS:
            raise Image.DecompressionBombError("stored original over the pixel limit")
        # A JPEG can be decoded at 1/2, 1/4 or 1/8 scale directly, much faster than
        # decoding in full and then shrinking.
        source.draft("RGB", LARGE_BOX)
        source.load()
        image = _pixels_only(source)
    large = image.copy()
    large.thumbnail(LARGE_BOX, Image.Resampling.LANCZOS)
    thumbnail = ImageOps.fit(image, _card_size(image.size), Image.Resampling.LANCZOS)
    return _encode(large, "large"), _encode(thumbnail, "thumbnail")


def _card_size(size: tuple[int, int]) -> tuple[int, int]:
    """4:3 like the result cards, at most 480 x 360, never enlarged past the original."""
    width, height = THUMBNAIL_SIZE
    scale = min(1.0, size[0] / width, size[1] / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _encode(image: Image.Image, suffix: str) -> ContentFile:
    pillow_format, extension, options = _RENDITION_FORMAT
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    buffer = BytesIO()
    image.save(buffer, pillow_format, **options)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}-{suffix}.{extension}")


# --- Storage -----------------------------------------------------------------------


def _store(field_file: FieldFile, content: ContentFile) -> str:
    """Save through the field's storage (local disk or S3) and return the stored name.

    FieldFile.save() would read the stored file back to measure it; the size is
    already known here, and on S3 that read is a download.
    """
    name = field_file.field.generate_filename(field_file.instance, content.name)
    return field_file.storage.save(name, content, max_length=field_file.field.max_length)


def _delete_files(files: Iterable[tuple[Storage, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except Exception:
            # The row is gone or points elsewhere already; a stray file costs storage,
            # not data, so it must not undo the change that made it stray.
            logger.exception("Could not delete photo file %s", name)


def _files_of(photo: ListingPhoto) -> list[tuple[Storage, str]]:
    return [(f.storage, f.name) for f in (photo.image, photo.large, photo.thumbnail) if f.name]


# --- Services ----------------------------------------------------------------------


def photo_add(*, listing: Listing, upload: File, caption: str = "", by: User) -> ListingPhoto:
    """Store a cleaned copy of the upload as the listing's last photo and queue its
    resizing. The first photo of a listing becomes its cover."""
    _require_host(listing=listing, by=by)
    caption = ListingPhoto._meta.get_field("caption").clean(caption.strip(), None)
    _require_room(listing_id=listing.pk)
    with _photo_decode(upload) as image:
        original, (width, height) = _clean_original(image)
    photo = ListingPhoto(listing=listing, caption=caption, width=width, height=height)
    photo.image.name = _store(photo.image, original)
    try:
        with transaction.atomic():
            _listing_locked(listing_id=listing.pk)
            _require_room(listing_id=listing.pk)
            siblings = ListingPhoto.objects.filter(listing_id=listing.pk)
            last = siblings.aggregate(last=Max("position"))["last"]
            photo.position = 0 if last is None else last + 1
            photo.is_cover = not siblings.filter(is_cover=True).exists()
            photo.state = ListingPhoto.State.PROCESSING
            photo.save()
    except BaseException:
        _delete_files(_files_of(photo))
        raise
    # robust: the photo is saved either way; a broker hiccup must not turn that into
    # an error page. The photo then stays "processing" until it is queued again.
    transaction.on_commit(partial(tasks.photo_process.delay, photo.pk), robust=True)
    return photo


def photo_process(*, photo_id: int) -> None:
    """Make the large picture and the thumbnail of a stored photo, replacing any made
    before, and mark the photo ready; mark it failed if that cannot be done.

    A file that cannot be decoded fails for good. Any other error (storage, network)
    is raised again after marking the photo failed, so that the task retries.
    """
    photo = ListingPhoto.objects.filter(pk=photo_id).first()
    if photo is None:
        return
    try:
        with photo.image.storage.open(photo.image.name, "rb") as stored:
            data = stored.read()
    except FileNotFoundError:
        logger.warning("Photo %s has no stored original", photo_id)
        _mark_failed(photo_id=photo_id)
        return
    except BaseException:
        _mark_failed(photo_id=photo_id)
        raise
    # Decoding apart from reading: an OSError here is a bad file, not a bad disk.
    try:
        large, thumbnail = _renditions(data)
    except _UNREADABLE:
        logger.warning("Photo %s could not be decoded", photo_id, exc_info=True)
        _mark_failed(photo_id=photo_id)
        return
    except BaseException:
        _mark_failed(photo_id=photo_id)
        raise
    _attach_renditions(photo=photo, large=large, thumbnail=thumbnail)


def _attach_renditions(*, photo: ListingPhoto, large: ContentFile, thumbnail: ContentFile) -> None:
    new_files: list[tuple[Storage, str]] = []
    try:
        new_files.append((photo.large.storage, _store(photo.large, large)))
        new_files.append((photo.thumbnail.storage, _store(photo.thumbnail, thumbnail)))
        with transaction.atomic():
            current = ListingPhoto.objects.select_for_update().filter(pk=photo.pk).first()
            if current is None:
                # Deleted while it was being resized.
                stale = new_files
            else:
                stale = [(f.storage, f.name) for f in (current.large, current.thumbnail) if f.name]
                current.large.name = new_files[0][1]
                current.thumbnail.name = new_files[1][1]
                current.state = ListingPhoto.State.READY
                current.save(update_fields=["large", "thumbnail", "state"])
                Listing.objects.filter(pk=current.listing_id).update(updated_at=timezone.now())
                transaction.on_commit(search_cache_invalidate)
            transaction.on_commit(partial(_delete_files, stale), robust=True)
    except BaseException:
        _delete_files(new_files)
        _mark_failed(photo_id=photo.pk)
        raise


def _mark_failed(*, photo_id: int) -> None:
    ListingPhoto.objects.filter(pk=photo_id).update(state=ListingPhoto.State.FAILED)


def photo_set_cover(*, photo: ListingPhoto, by: User) -> None:
    with transaction.atomic():
        listing = _listing_locked(listing_id=photo.listing_id)
        _require_host(listing=listing, by=by)
        siblings = ListingPhoto.objects.filter(listing_id=listing.pk)
        if not siblings.filter(pk=photo.pk).exists():
            return
        # Clear first, then set: at no moment are there two covers, so the unique
        # "one cover per listing" constraint holds after each statement.
        siblings.filter(is_cover=True).exclude(pk=photo.pk).update(is_cover=False)
        siblings.filter(pk=photo.pk).update(is_cover=True)
    photo.is_cover = True


def photo_move(*, photo: ListingPhoto, position: int, by: User) -> None:
    """Put the photo at `position` (0 is first; past the end means last) and number the
    others 0..n-1 around it."""
    with transaction.atomic():
        listing = _listing_locked(listing_id=photo.listing_id)
        _require_host(listing=listing, by=by)
        ordered = _in_order(listing_id=listing.pk)
        moved = next((p for p in ordered if p.pk == photo.pk), None)
        if moved is None:
            return
        ordered.remove(moved)
        position = min(max(position, 0), len(ordered))
        ordered.insert(position, moved)
        _renumber(ordered)
    photo.position = position


def photo_delete(*, photo: ListingPhoto, by: User) -> None:
    """Delete the photo and its files; the first remaining photo becomes the cover if
    this one was."""
    with transaction.atomic():
        listing = _listing_locked(listing_id=photo.listing_id)
        _require_host(listing=listing, by=by)
        current = ListingPhoto.objects.select_for_update().filter(pk=photo.pk).first()
        if current is None:
            return
        files = _files_of(current)
        current.delete()
        remaining = _in_order(listing_id=listing.pk)
        _renumber(remaining)
        if current.is_cover and remaining:
            ListingPhoto.objects.filter(pk=remaining[0].pk).update(is_cover=True)
        # Files go only once the deletion is committed, so a rollback loses nothing.
        transaction.on_commit(partial(_delete_files, files), robust=True)


def _in_order(*, listing_id: int) -> list[ListingPhoto]:
    return list(
        ListingPhoto.objects.filter(listing_id=listing_id)
        .order_by("position", "id")
        .only("pk", "position")
    )


def _renumber(photos: list[ListingPhoto]) -> None:
    changed = []
    for index, photo in enumerate(photos):
        if photo.position != index:
            photo.position = index
            changed.append(photo)
    ListingPhoto.objects.bulk_update(changed, ["position"])


def _listing_locked(*, listing_id: int) -> Listing:
    """The listing row, locked: every change to a listing's photos takes this lock, so
    that counts, positions and the cover are decided one change at a time. Search
    result cards show the cover, so cached result pages are retired at commit, and the
    listing's `updated_at` moves, which retires its cached cards (listings/cards.py)."""
    transaction.on_commit(search_cache_invalidate)
    listing = Listing.objects.select_for_update().get(pk=listing_id)
    listing.updated_at = timezone.now()
    Listing.objects.filter(pk=listing_id).update(updated_at=listing.updated_at)
    return listing


def _require_host(*, listing: Listing, by: User) -> None:
    if by.pk != listing.host_id:
        raise PermissionDenied(NOT_HOST_MESSAGE)


def _require_room(*, listing_id: int) -> None:
    if ListingPhoto.objects.filter(listing_id=listing_id).count() >= MAX_PHOTOS:
        raise ValidationError(
            TOO_MANY_PHOTOS_MESSAGE, code="too_many_photos", params={"limit": MAX_PHOTOS}
        )


# --- Demo pictures -----------------------------------------------------------------

_DEMO_PALETTES = [
    # wall, floor, sofa, accent
    ((236, 228, 214), (176, 132, 92), (92, 112, 128), (214, 120, 82)),
    ((226, 232, 228), (196, 162, 120), (150, 96, 80), (86, 140, 110)),
    ((240, 236, 226), (140, 104, 76), (70, 86, 110), (226, 180, 80)),
    ((228, 224, 232), (188, 150, 112), (120, 130, 96), (190, 90, 110)),
    ((244, 240, 232), (160, 122, 90), (180, 160, 130), (60, 120, 150)),
]


def demo_photo(*, seed: int, label: str) -> ContentFile:
    """A 1200 x 900 JPEG of a simple furnished room, the same for the same seed."""
    rng = random.Random(seed)
    wall, floor, sofa, accent = rng.choice(_DEMO_PALETTES)
    width, height = 1200, 900
    image = ImageOps.colorize(
        Image.linear_gradient("L").resize((width, height)),
        black=_shade(wall, 1.04),
        white=_shade(wall, 0.86),
    )
    draw = ImageDraw.Draw(image)
    back = (250, 150, 950, 600)
    draw.polygon([(0, 0), (back[0], back[1]), (back[0], back[3]), (0, height)], _shade(wall, 0.9))
    draw.polygon(
        [(width, 0), (back[2], back[1]), (back[2], back[3]), (width, height)], _shade(wall, 0.94)
    )
    draw.polygon([(0, 0), (width, 0), (back[2], back[1]), (back[0], back[1])], _shade(wall, 1.06))
    draw.polygon([(0, height), (back[0], back[3]), (back[2], back[3]), (width, height)], floor)
    for step in range(1, 8):
        x = back[0] + (back[2] - back[0]) * step / 8
        draw.line([(x, back[3]), (width * step / 8, height)], _shade(floor, 0.85), width=2)

    window_x = rng.randrange(300, 620)
    draw.rectangle((window_x, 210, window_x + 260, 420), (250, 250, 246))
    draw.rectangle((window_x + 12, 222, window_x + 248, 408), (170, 208, 232))
    draw.line([(window_x + 130, 222), (window_x + 130, 408)], (250, 250, 246), width=8)

    sofa_x = rng.randrange(280, 520)
    draw.rounded_rectangle((sofa_x, 470, sofa_x + 360, 600), 24, _shade(sofa, 0.85))
    draw.rounded_rectangle((sofa_x - 20, 530, sofa_x + 380, 640), 20, sofa)
    draw.rounded_rectangle((sofa_x + 30, 500, sofa_x + 110, 560), 14, accent)

    table_x = rng.randrange(380, 640)
    draw.rectangle((table_x + 110, 710, table_x + 130, 790), _shade(floor, 0.5))
    draw.ellipse((table_x, 680, table_x + 240, 740), _shade(floor, 0.6))

    draw.rectangle((880, 560, 940, 640), _shade(accent, 0.7))
    for dx, dy, r in ((910, 520, 48), (880, 480, 36), (945, 490, 38)):
        draw.ellipse((dx - r, dy - r, dx + r, dy + r), (86, 140, 96))

    draw.line([(300, 180), (300, 455)], (70, 70, 70), width=4)
    draw.polygon([(260, 180), (340, 180), (320, 130), (280, 130)], _shade(accent, 1.1))

    font = ImageFont.load_default(size=44)
    draw.rectangle((0, height - 96, width, height), (30, 34, 40))
    draw.text((36, height - 48), label, fill=(250, 250, 246), font=font, anchor="lm")

    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name=f"demo-{seed}.jpg")


def _shade(color: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(min(255, round(channel * factor)) for channel in color)


STALE_AFTER = datetime.timedelta(minutes=10)


def photos_requeue_stale(*, now: datetime.datetime | None = None) -> int:
    """Queue the resizing again for photos still processing after ten minutes.

    A photo is saved before its resizing is queued; if the broker was out of reach
    at that moment the task never ran, and the photo would stay "processing".
    """
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = list(
        ListingPhoto.objects.filter(
            state=ListingPhoto.State.PROCESSING, created_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for photo_id in stale:
        tasks.photo_process.delay(photo_id)
    return len(stale)
