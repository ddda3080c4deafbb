"""Staff admin of the contracts app; each area keeps its admin classes in its own module."""

from contracts import payments_admin, support_admin  # noqa: F401
