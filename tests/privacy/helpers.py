"""Signing in as a person does, so that allauth records how they authenticated."""

import base64
import hashlib
import hmac
import io
import struct
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from privacy.staff_access import privacy_officer_add
from tests.accounts.factories import PASSWORD, UserFactory

OFFICER_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def sign_in(client, user, password=PASSWORD):
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302, response.text
    return response


def reauthenticate(client, password=PASSWORD):
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.text
    return response


def totp_code(secret: str, at: float | None = None) -> str:
    """RFC 6238 code (30 s, 6 digits, SHA-1), as an authenticator app shows it."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def totp_code_fresh(secret: str) -> str:
    """A code with time left: one read in the last instant of its period may arrive expired."""
    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.1)
    return totp_code(secret)


def staff_with_authenticator(**fields):
    """A staff member with an authenticator app, as the staff site requires."""
    user = UserFactory(is_staff=True, **fields)
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(OFFICER_TOTP_SECRET)}
    )
    return user


def officer_create(**fields):
    """A staff member in the privacy officers group, with an authenticator app."""
    user = staff_with_authenticator(**fields)
    privacy_officer_add(user=user)
    return user


def staff_signed_in(client, **fields):
    """A staff member with a second factor who is not in the privacy officers group."""
    staff = staff_with_authenticator(**fields)
    sign_in_with_second_factor(client, staff)
    return staff


def sign_in_with_second_factor(client, user, secret=OFFICER_TOTP_SECRET, password=PASSWORD):
    response = sign_in(client, user, password=password)
    assert response["Location"] == reverse("mfa_authenticate"), response["Location"]
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code_fresh(secret)})
    assert response.status_code == 302, response.text
    return response


def identity_png(name: str = "passport.png") -> SimpleUploadedFile:
    """A small real PNG: identity documents are decoded before they are stored."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 60, 90)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
