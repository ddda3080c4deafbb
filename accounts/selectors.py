from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import PROFILE_FIELDS_WITH_VISIBILITY, User


def users_public() -> QuerySet[User]:
    """Members whose public profile can be shown: active, and not staff accounts."""
    return User.objects.filter(is_active=True, is_staff=False)


def user_get_public(*, pk: int) -> User:
    """A member whose public profile can be shown; a 404 for staff and closed accounts."""
    return get_object_or_404(users_public(), pk=pk)


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
