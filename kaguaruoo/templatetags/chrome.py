"""The parts of every page that are the same for most visitors: header, footer, cookie notice.

`{% chrome "partials/site_header.html" %}` renders such a part once per process for
each language and the few facts that change it (whether the visitor is signed in;
the cookie notice's two states, passed as keywords), with holes for what differs
between requests: the CSRF field, the page's own address (the forms come back to
it) and the unread-message badge (kaguaruoo/holes.py). The parts derive from the
code alone (templates, catalogs, URLs, static file names), like a compiled
template; they hold nothing of any visitor.
"""

import functools
from types import SimpleNamespace

from django import template
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.html import escape, format_html

from kaguaruoo.holes import hole, holes_fill, holes_split

register = template.Library()


@functools.lru_cache(maxsize=64)
def _parts(name: str, source: str, language: str, facts: tuple) -> tuple[str, ...]:
    facts = dict(facts)
    context = {
        "csrf_input": hole("csrf"),
        "next_path": hole("next"),
        "unread_badge": hole("unread"),
        "user": SimpleNamespace(is_authenticated=facts.pop("signed_in")),
        **facts,
    }
    with translation.override(language):
        return holes_split(get_template(name).render(context))


@register.simple_tag(takes_context=True)
def chrome(context, name: str, **facts):
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    key = tuple(sorted({**{k: bool(v) for k, v in facts.items()}, "signed_in": signed_in}.items()))
    source = get_template(name).template.source
    parts = _parts(name, source, translation.get_language(), key)
    values = {}
    if request is not None:
        if "csrf" in parts:
            token = get_token(request)
            values["csrf"] = format_html(
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
            )
        values["next"] = escape(request.get_full_path())
    if signed_in and "unread" in parts and (count := context.get("unread_message_count")):
        values["unread"] = render_to_string("partials/unread_badge.html", {"count": count})
    return holes_fill(parts, values)
