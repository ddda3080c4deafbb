"""Demo identity checks: the demo hosts and tenants count as verified by staff."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from privacy.models import IdentityVerification

VERIFIED_DEMO_USERS = [
    "hana.host@example.com",
    "sakura.host@example.com",
    "ken.host@example.com",
    "alex.tenant@example.com",
    "mei.tenant@example.com",
]


def load() -> None:
    User = get_user_model()
    staff = User.objects.get(email="staff@example.com")
    now = timezone.now()
    for user in User.objects.filter(email__in=VERIFIED_DEMO_USERS):
        IdentityVerification.objects.get_or_create(
            user=user,
            status=IdentityVerification.Status.APPROVED,
            defaults={
                "document_type": IdentityVerification.DocumentType.PASSPORT,
                "submitted_at": now,
                "decided_at": now,
                "decided_by": staff,
                "reason": "Demo account.",
                "document_deleted_at": now,
            },
        )
