"""The parts of a contract's page that other modules of the app own.

Each returns rendered HTML for the contract and the party looking at it, or "".
"""

from contracts import changes, guides, payments, reviews, support


def contract_sections(*, contract, user, request=None) -> list[str]:
    """Each part is rendered with the request, so that its forms carry the CSRF token."""
    parts = (
        payments.contract_section(contract=contract, user=user, request=request),
        guides.contract_section(contract=contract, user=user, request=request),
        changes.contract_section(contract=contract, user=user, request=request),
        reviews.contract_section(contract=contract, user=user, request=request),
        support.contract_section(contract=contract, user=user, request=request),
    )
    # Rendered templates: already safe strings.
    return [part for part in parts if part]
