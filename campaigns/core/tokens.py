"""Signed tokens in campaign mail: a tracked link, the open beacon, the unsubscribe page.

A token names a delivery (and a link's position, or "o" for the beacon) and carries
an HMAC of it (django.core.signing with the site's SECRET_KEY); a changed character
makes it worthless, and the views answer 404.
"""

from django.core import signing

_TRACK = signing.Signer(salt="campaigns.track")
_UNSUBSCRIBE = signing.Signer(salt="campaigns.unsubscribe")
OPEN = "o"


def track_token(*, delivery_id: int, position) -> str:
    return _TRACK.sign(f"{delivery_id}.{position}")


def track_token_read(token: str) -> tuple[int, str] | None:
    try:
        delivery, position = _TRACK.unsign(token).split(".", 1)
        return int(delivery), position
    except (signing.BadSignature, ValueError):
        return None


def unsubscribe_token(*, delivery_id: int) -> str:
    return _UNSUBSCRIBE.sign(str(delivery_id))


def unsubscribe_token_read(token: str) -> int | None:
    try:
        return int(_UNSUBSCRIBE.unsign(token))
    except (signing.BadSignature, ValueError):
        return None
