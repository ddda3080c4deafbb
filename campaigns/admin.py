"""The app's admin classes live in its sub-packages; importing them registers them."""

from campaigns.core import admin as core_admin  # noqa: F401
from campaigns.gifts import admin as gifts_admin  # noqa: F401
from campaigns.questionnaires import admin as questionnaires_admin  # noqa: F401
