"""The app's admin classes live in its sub-packages; importing them registers them."""

import campaigns.gifts.admin  # noqa: F401
