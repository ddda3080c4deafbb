from django.conf import settings

from accounts.models import PROFILE_FIELDS_WITH_VISIBILITY, User


def user_identity_update(
    *,
    user: User,
    account_type: str,
    first_name: str = "",
    last_name: str = "",
    corporation_name: str = "",
    phone: str = "",
    introduction: str = "",
    visibility: dict[str, str] | None = None,
) -> User:
    """Set who the user is and who sees what.

    A corporate account keeps no personal names, and the reverse. `visibility` maps a
    field of PROFILE_FIELDS_WITH_VISIBILITY to a Visibility; fields not named keep theirs.
    """
    corporate = account_type == User.AccountType.CORPORATE
    user.account_type = account_type
    user.corporation_name = corporation_name.strip() if corporate else ""
    user.first_name = "" if corporate else first_name.strip()
    user.last_name = "" if corporate else last_name.strip()
    user.phone = phone.strip()
    user.introduction = introduction.strip()
    for name, value in (visibility or {}).items():
        if name not in PROFILE_FIELDS_WITH_VISIBILITY:
            raise ValueError(f"{name} has no visibility setting.")
        setattr(user, f"{name}_visibility", value)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_fields_revise(*, user: User, changes: dict[str, str]) -> list[str]:
    """Correct profile values on a revision request; returns the names that really changed."""
    changed = []
    for name, value in changes.items():
        if name not in REVISABLE_FIELDS:
            raise ValueError(f"{name} cannot be revised.")
        if getattr(user, name) != value.strip():
            setattr(user, name, value.strip())
            changed.append(name)
    if changed:
        user.full_clean(exclude=["password"])
        user.save(update_fields=changed)
    return changed


REVISABLE_FIELDS = ("first_name", "last_name", "corporation_name", "phone", "introduction")


def user_language_set(*, user: User, language: str) -> User:
    """Remember the language a person reads the site and their mail in."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"{language!r} is not one of the site's languages.")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
