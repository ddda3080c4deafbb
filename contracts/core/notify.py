"""Kept as an import path: contract mail lives in contracts.core.services."""

from contracts.core.services import contract_mail_send

__all__ = ["contract_mail_send"]
