"""Placeholder: filled in by its own change."""


def contract_section(*, contract, user, request=None) -> str:
    return ""
