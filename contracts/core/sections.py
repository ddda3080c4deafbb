"""The sections of a contract's page, each owned by a sub-package of the app.

A sub-package renders its section in its `views.py` and registers it here with
`contract_section_register(order=...)`; `ContractsConfig.ready` imports those
modules. The contract page shows the sections in order, so no module of the
app needs to know the others' sections.

A section is ``func(*, contract, user, request) -> str``: HTML rendered with the
request (its forms carry the CSRF token), or "" when it has nothing to show.
"""

from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

_sections: dict[Callable, int] = {}


def contract_section_register(*, order: int) -> Callable[[Callable], Callable]:
    def register(func: Callable) -> Callable:
        _sections[func] = order
        return func

    return register


def contract_sections(*, contract, user, request=None) -> list[SafeString]:
    ordered = sorted(_sections, key=_sections.get)
    parts = (func(contract=contract, user=user, request=request) for func in ordered)
    return [mark_safe(part) for part in parts if part]  # noqa: S308 - rendered templates
