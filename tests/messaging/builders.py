"""Threads built through the services, as tenants start them from a listing."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from messaging.services import Inquiry, thread_start
from tests.accounts.factories import UserFactory
from tests.listings.builders import (
    days,
    listing_near_station,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def start_thread(*, listing=None, tenant=None, body="Is the flat still free?", share=(), **kw):
    listing = listing or listing_near_station(communication_style=kw.pop("style", "standard"))
    tenant = tenant or UserFactory()
    return thread_start(
        tenant=tenant,
        listing=listing,
        inquiry=Inquiry(move_in=days(30), months=3, people=1, body=body),
        optional_fields=list(share),
        agreed=True,
        ip="203.0.113.7",
        **kw,
    )


def png_upload(name="room.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 120, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name="floor-plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")
