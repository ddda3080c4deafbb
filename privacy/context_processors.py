from django.utils.functional import SimpleLazyObject

from privacy.analytics import analytics_choice
from privacy.selectors import policy_needs_acknowledgement


def privacy_notices(request):
    """The site-wide notices: a policy revision to acknowledge, and the cookie choice.

    Lazy, so that fragments rendered with the request (cards, page sections) that
    never show the notices cost no queries.
    """
    user = getattr(request, "user", None)
    choice = SimpleLazyObject(lambda: analytics_choice(request) or "")
    context = {
        "cookie_choice_needed": SimpleLazyObject(lambda: choice == ""),
        "analytics_allowed": SimpleLazyObject(lambda: choice == "accepted"),
    }
    if user is not None and user.is_authenticated:
        context["policy_to_acknowledge"] = SimpleLazyObject(
            lambda: policy_needs_acknowledgement(user=user)
        )
    return context
