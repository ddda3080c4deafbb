from accounts.models import User


def user_identity_update(
    *,
    user: User,
    account_type: str,
    first_name: str = "",
    last_name: str = "",
    corporation_name: str = "",
    phone: str = "",
) -> User:
    """Set who the user is. A corporate account keeps no personal names, and the reverse."""
    corporate = account_type == User.AccountType.CORPORATE
    user.account_type = account_type
    user.corporation_name = corporation_name.strip() if corporate else ""
    user.first_name = "" if corporate else first_name.strip()
    user.last_name = "" if corporate else last_name.strip()
    user.phone = phone.strip()
    user.full_clean(exclude=["password"])
    user.save()
    return user
