from privacy.models import PolicyVersion


def policy_current() -> PolicyVersion | None:
    return PolicyVersion.objects.order_by("-version").first()
