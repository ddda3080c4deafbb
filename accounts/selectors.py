from django.db.models import QuerySet

from accounts.models import User


def user_get_public() -> QuerySet[User]:
    """Members whose public profile can be shown: active, and not staff accounts."""
    return User.objects.filter(is_active=True, is_staff=False)
