"""The campaigns app's part of `manage.py load_demo`: a sent campaign with its
statistics, a questionnaire with answers, and gift shipments in each state."""

from campaigns.core import demo as core_demo
from campaigns.gifts.demo import gifts_demo
from campaigns.questionnaires.demo import questionnaires_demo


def load() -> int:
    """Returns how many campaigns exist."""
    from campaigns.core.models import Campaign

    core_demo.load()
    questionnaires_demo()
    gifts_demo()
    return Campaign.objects.count()
