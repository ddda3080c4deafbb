from privacy.selectors import policy_needs_acknowledgement


def privacy_notices(request):
    """The policy version a signed-in user still has to acknowledge, for the site-wide notice."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"policy_to_acknowledge": policy_needs_acknowledgement(user=user)}
