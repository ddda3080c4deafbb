"""What the accounts app holds about a person (see privacy/registry.py).

The sign-in records of django-allauth (e-mail addresses, second factors) are
declared here too, since accounts owns signing in.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password
from django.db.models import Count
from django.db.models.functions import TruncMonth

from accounts.models import User
from accounts.services import REVISABLE_FIELDS, user_fields_revise
from privacy.anonymised import Aggregate, register_aggregate
from privacy.registry import Erase, PersonalData, register

register(
    PersonalData(
        model=User,
        person_field=None,
        export_fields=(
            "email",
            "account_type",
            "first_name",
            "last_name",
            "corporation_name",
            "phone",
            "introduction",
            "first_name_visibility",
            "last_name_visibility",
            "phone_visibility",
            "introduction_visibility",
            "is_host",
            "date_joined",
            "last_login",
        ),
        erase=Erase.ANONYMISE,
        anonymise={
            "email": lambda user: f"deleted-{user.pk}@deleted.invalid",
            "first_name": "",
            "last_name": "",
            # A corporate account must keep a name (a database constraint): a neutral one.
            "corporation_name": lambda user: "Deleted account" if user.is_corporate else "",
            "phone": "",
            "introduction": "",
            "password": lambda user: make_password(None),
            "is_active": False,
            "is_staff": False,
            "is_superuser": False,
        },
        revisable_fields={
            name: User._meta.get_field(name).verbose_name for name in REVISABLE_FIELDS
        },
        revise=lambda user, changes: user_fields_revise(user=user, changes=changes),
    )
)

register(
    PersonalData(
        model=EmailAddress,
        person_field="user",
        export_fields=("email", "verified", "primary"),
        erase=Erase.DELETE,
    )
)

register(
    PersonalData(
        model=Authenticator,
        person_field="user",
        export=lambda a: {"type": a.type, "created_at": a.created_at.isoformat()},
        erase=Erase.DELETE,
    )
)


def _signups_by_account_type_and_month():
    rows = (
        User.objects.filter(is_staff=False)
        .annotate(month=TruncMonth("date_joined"))
        .values("account_type", "month")
        .annotate(people=Count("pk"))
        .order_by("month", "account_type")
    )
    return [
        ({"account_type": row["account_type"], "month": f"{row['month']:%Y-%m}"}, row["people"])
        for row in rows
    ]


register_aggregate(
    Aggregate(
        name="signups_by_account_type_and_month",
        description="Members who signed up, by account type and month",
        items=("account type", "month of sign-up", "number of members"),
        groups=_signups_by_account_type_and_month,
    )
)
