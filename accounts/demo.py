"""Demo accounts (see README): every one verified, all sharing one password."""

from allauth.account.models import EmailAddress

from accounts.models import User

DEMO_PASSWORD = "kagu-demo-2026"  # noqa: S105 - published demo password, DEBUG only

DEMO_USERS = [
    {
        "email": "hana.host@example.com",
        "account_type": User.AccountType.PERSONAL,
        "first_name": "Hana",
        "last_name": "Sato",
        "is_host": True,
        "role": "host, personal account",
    },
    {
        "email": "sakura.host@example.com",
        "account_type": User.AccountType.CORPORATE,
        "corporation_name": "Sakura Residence Co., Ltd.",
        "is_host": True,
        "role": "host, corporate account",
    },
    {
        "email": "ken.host@example.com",
        "account_type": User.AccountType.PERSONAL,
        "first_name": "Ken",
        "last_name": "Watanabe",
        "is_host": True,
        "role": "host, personal account",
    },
    {
        "email": "alex.tenant@example.com",
        "account_type": User.AccountType.PERSONAL,
        "first_name": "Alex",
        "last_name": "Morgan",
        "role": "tenant",
    },
    {
        "email": "mei.tenant@example.com",
        "account_type": User.AccountType.PERSONAL,
        "first_name": "Mei",
        "last_name": "Chen",
        "role": "tenant",
    },
    {
        "email": "sam.tenant@example.com",
        "account_type": User.AccountType.PERSONAL,
        "first_name": "Sam",
        "last_name": "Lee",
        "role": "tenant",
    },
    {
        "email": "staff@example.com",
        "account_type": User.AccountType.PERSONAL,
        "first_name": "Staff",
        "last_name": "KaguAruoo",
        "is_staff": True,
        "is_superuser": True,
        "role": "staff, privacy officer, Django admin",
    },
]


def load() -> list[tuple[str, str]]:
    """Create or reset the demo accounts; returns (email, role) for the printout."""
    logins = []
    for spec in DEMO_USERS:
        fields = {k: v for k, v in spec.items() if k not in {"email", "role"}}
        user, _ = User.objects.update_or_create(email=spec["email"], defaults=fields)
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        logins.append((spec["email"], spec["role"]))
    return logins
