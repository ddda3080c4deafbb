"""The app's admin classes live in its sub-packages; Django finds them through here."""

from campaigns.core import admin as core_admin  # noqa: F401
