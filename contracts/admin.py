"""Staff admin of the contracts app; each area keeps its admin classes in its own sub-package."""

from contracts.payments import admin as payments_admin  # noqa: F401
from contracts.support import admin as support_admin  # noqa: F401
