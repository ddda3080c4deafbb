"""What other apps add to a thread, without messaging importing them.

Imports point one way (messaging <- contracts), yet the thread page shows the
contract and the House Guide, and contact details unmask once a contract is
signed. The contracts app registers its functions here from its AppConfig.ready,
as apps register admin classes.

- ``thread_section_register(func)``: ``func(*, thread, user, request) -> str``
  returns safe HTML shown above the messages (a card), or "". It fills the
  ``"thread"`` slot (kaguaruoo/slots.py), which the thread page shows with
  ``{% slot "thread" thread=thread user=request.user %}``.
- ``contact_unmask_register(func)``: ``func(*, thread) -> bool``; contact details
  in messages show unmasked when any registered function says so.
"""

from collections.abc import Callable

from kaguaruoo.slots import slot_register

THREAD_SLOT = "thread"

_contact_unmaskers: list[Callable] = []


def thread_section_register(func: Callable) -> Callable:
    return slot_register(THREAD_SLOT)(func)


def contact_unmask_register(func: Callable) -> Callable:
    if func not in _contact_unmaskers:
        _contact_unmaskers.append(func)
    return func


def contact_unmasked(*, thread) -> bool:
    return any(func(thread=thread) for func in _contact_unmaskers)
