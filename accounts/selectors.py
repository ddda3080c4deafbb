from django.db.models import QuerySet

from accounts.models import PROFILE_FIELDS_WITH_VISIBILITY, User


def user_get_public() -> QuerySet[User]:
    """Members whose public profile can be shown: active, and not staff accounts."""
    return User.objects.filter(is_active=True, is_staff=False)


def profile_public_fields(*, member: User) -> list[tuple[str, str]]:
    """(label, value) of the profile fields the member opened to all users, non-empty only.

    A corporate account's names belong to the corporation, whose name is always public.
    """
    hidden_for_corporate = {"first_name", "last_name"}
    shown = []
    for name in PROFILE_FIELDS_WITH_VISIBILITY:
        if member.is_corporate and name in hidden_for_corporate:
            continue
        value = getattr(member, name)
        if value and member.is_visible_to_all(name):
            shown.append((User._meta.get_field(name).verbose_name, value))
    return shown
