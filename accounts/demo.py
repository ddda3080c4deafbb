"""Demo accounts (see README): every one verified, all sharing one password."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt, encrypt

from accounts.models import User
from privacy.models import Consent
from privacy.services import signup_consents_record
from privacy.staff_access import privacy_officer_add

DEMO_PASSWORD = "kagu-demo-2026"  # noqa: S105 - published demo password, DEBUG only
# The staff site asks for a second factor: the demo staff account's authenticator secret
# is fixed and printed, so that a person can add it to an authenticator app.
DEMO_STAFF_TOTP_SECRET = "KAGUARUOODEMOSTAFFSECONDFACTORAB"  # noqa: S105 - DEBUG only

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
        "role": "tenant: a signed contract with Hana, House Guide in the thread",
    },
    {
        "email": "mei.tenant@example.com",
        "account_type": User.AccountType.PERSONAL,
        "first_name": "Mei",
        "last_name": "Chen",
        "role": "tenant: a contract waiting for her Agree, an open reservation request",
    },
    {
        "email": "sam.tenant@example.com",
        "account_type": User.AccountType.PERSONAL,
        "first_name": "Sam",
        "last_name": "Lee",
        "role": "tenant: no contract yet",
    },
    {
        "email": "staff@example.com",
        "account_type": User.AccountType.PERSONAL,
        "first_name": "Staff",
        "last_name": "KaguAruoo",
        "is_staff": True,
        "is_superuser": True,
        "privacy_officer": True,
        "role": "staff, privacy officer, Django admin",
    },
]


def load() -> list[tuple[str, str]]:
    """Create or repair the demo accounts; returns (email, role) for the printout.

    Whatever a person did with a demo account, its printed login works again: the
    password is set back, a deactivated account is active again, and an address that
    no account holds any more (the email was changed, or the account deleted on a
    privacy request) gets a new account; the old one keeps its new address and data.
    """
    logins = []
    for spec in DEMO_USERS:
        fields = {k: v for k, v in spec.items() if k not in {"email", "role", "privacy_officer"}}
        user, _ = User.objects.update_or_create(
            email=spec["email"], defaults={**fields, "is_active": True}
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        _address_repair(user)
        if not Consent.objects.filter(user=user, purpose=Consent.Purpose.POLICY).exists():
            # As at sign-up: the policy accepted, no marketing mail (later choices stay).
            signup_consents_record(user=user, marketing=False, ip=None)
        if spec.get("privacy_officer"):
            privacy_officer_add(user=user)
            _staff_totp_set(user)
        logins.append((spec["email"], spec["role"]))
    return logins


def _address_repair(user: User) -> None:
    """The account's email is its only sign-in address: verified and primary."""
    EmailAddress.objects.filter(email__iexact=user.email).exclude(user=user).delete()
    EmailAddress.objects.filter(user=user, primary=True).exclude(email=user.email).update(
        primary=False
    )
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def _staff_totp_set(user: User) -> None:
    """The fixed authenticator secret for the demo staff account (see load_demo's printout)."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator and decrypt(authenticator.data["secret"]) == DEMO_STAFF_TOTP_SECRET:
        return
    Authenticator.objects.update_or_create(
        user=user,
        type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": encrypt(DEMO_STAFF_TOTP_SECRET)}},
    )
