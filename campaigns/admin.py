"""Staff admin of the campaigns app; each area keeps its admin classes in its own sub-package."""

from campaigns.questionnaires import admin as questionnaires_admin  # noqa: F401
