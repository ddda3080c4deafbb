from django.utils.functional import SimpleLazyObject

from messaging.selectors import unread_message_count


def unread_messages(request):
    """The navigation's unread badge; counted only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_message_count": SimpleLazyObject(lambda: unread_message_count(user=user))}
