"""The few fields a campaign's subject and body may use: `{{ name }}`, `{{ site_url }}`, …

Staff write campaigns as plain text with these fields; nothing else of a template
language is read, so a campaign cannot reach any other data. Another part of the
app adds a field with `campaign_field_register` (questionnaires add their link).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

FIELD = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    value: Callable[..., str]
    # The same for every recipient (the site's address): filled in before the links of
    # a text are found, so that a link built with it is tracked like any other.
    shared: bool = False


_fields: dict[str, Field] = {}


def campaign_field_register(name: str, label, *, shared: bool = False):
    """`fn(*, campaign, delivery, user) -> str` gives the field's value for one recipient
    (`shared`: the same for all, called with None for delivery and user)."""

    def decorator(fn):
        _fields[name] = Field(name=name, label=label, value=fn, shared=shared)
        return fn

    return decorator


def campaign_fields() -> list[Field]:
    return list(_fields.values())


def fields_unknown(text: str) -> list[str]:
    return sorted({name for name in FIELD.findall(text) if name not in _fields})


def fields_fill(text: str, *, campaign, delivery, user, shared_only: bool = False) -> str:
    used = set(FIELD.findall(text))
    values = {
        name: str(_fields[name].value(campaign=campaign, delivery=delivery, user=user))
        for name in used
        if name in _fields and (_fields[name].shared or not shared_only)
    }
    return FIELD.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def fields_fill_shared(text: str, *, campaign) -> str:
    """The text with the fields that are the same for everyone filled in."""
    return fields_fill(text, campaign=campaign, delivery=None, user=None, shared_only=True)


@campaign_field_register("name", _("the recipient's public name"))
def _name(*, campaign, delivery, user) -> str:
    return user.public_name


@campaign_field_register("site_url", _("the site's address"), shared=True)
def _site_url(*, campaign, delivery, user) -> str:
    return settings.SITE_URL
