"""What happens when a contract is signed, registered by the sub-packages it concerns.

Booking books the nights on the listing, payments creates the payment rows; each
registers its function in `ContractsConfig.ready`, in the order they run, so
booking never imports payments. A hook is ``func(*, contract) -> object``; it
runs inside the signing transaction, so its failure undoes the signature.
"""

from collections.abc import Callable

_signed: list[Callable] = []


def contract_signed_register(func: Callable) -> Callable:
    if func not in _signed:
        _signed.append(func)
    return func


def contract_signed_run(contract) -> None:
    for func in _signed:
        func(contract=contract)
