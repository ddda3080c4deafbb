"""Where the identity check blocks something (signing, publishing), the page says its state.

`{% load identity %}{% identity_notice "sign" %}` or `"publish"`: nothing once the
person is verified; otherwise what to do next, with the link, or why staff refused.
"""

from django import template

from privacy.models import IdentityVerification
from privacy.selectors import identity_verification_latest

register = template.Library()


@register.inclusion_tag("privacy/partials/identity_notice.html", takes_context=True)
def identity_notice(context, purpose: str):
    user = context["request"].user
    latest = identity_verification_latest(user=user) if user.is_authenticated else None
    return {
        "purpose": purpose,
        "latest": latest,
        "verified": latest is not None and latest.status == IdentityVerification.Status.APPROVED,
    }
