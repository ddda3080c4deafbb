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
    """A campaign mail's: names its delivery (the statistics count the unsubscribe)."""
    return _UNSUBSCRIBE.sign(str(delivery_id))


def person_unsubscribe_token(*, user_id: int, purpose: str) -> str:
    """Another mail's (a stay questionnaire's invitation): names the person and purpose."""
    return _UNSUBSCRIBE.sign(f"p{user_id}.{purpose}")


def unsubscribe_token_read(token: str) -> int | tuple[int, str] | None:
    """A delivery id, or (user id, purpose); None for a token that was changed."""
    try:
        value = _UNSUBSCRIBE.unsign(token)
        if value.startswith("p"):
            user_id, purpose = value[1:].split(".", 1)
            return int(user_id), purpose
        return int(value)
    except (signing.BadSignature, ValueError):
        return None
