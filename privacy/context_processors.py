from privacy.analytics import analytics_choice
from privacy.selectors import policy_needs_acknowledgement


def privacy_notices(request):
    """The site-wide notices: a policy revision to acknowledge, and the cookie choice."""
    user = getattr(request, "user", None)
    choice = analytics_choice(request)
    context = {"cookie_choice_needed": choice is None, "analytics_allowed": choice == "accepted"}
    if user is not None and user.is_authenticated:
        context["policy_to_acknowledge"] = policy_needs_acknowledgement(user=user)
    return context
