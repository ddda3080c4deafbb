"""The parts of a contract's page that other modules of the app own.

Each returns rendered HTML for the contract and the party looking at it, or "".
"""

from contracts import changes, guides, payments, reviews, support


def contract_sections(*, contract, user) -> list[str]:
    from django.utils.safestring import mark_safe

    parts = (
        payments.contract_section(contract=contract, user=user),
        guides.contract_section(contract=contract, user=user),
        changes.contract_section(contract=contract, user=user),
        reviews.contract_section(contract=contract, user=user),
        support.contract_section(contract=contract, user=user),
    )
    return [mark_safe(part) for part in parts if part]  # noqa: S308 - rendered templates
