"""Celery finds the app's tasks here."""

from campaigns.core.tasks import campaigns_due

__all__ = ["campaigns_due"]
