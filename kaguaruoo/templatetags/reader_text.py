from django import template
from django.utils.translation import pgettext

from kaguaruoo.i18n import in_reader_language

register = template.Library()


@register.filter
def reader_text(texts, fallback=""):
    """`{{ notice.texts|reader_text:notice.body }}`: the text in the reader's language."""
    return in_reader_language(texts, fallback)


@register.filter
def listed(items):
    """`{{ names|listed }}`: the items joined as the reader's language lists them (A, B / A、B)."""
    return pgettext("list separator", ", ").join(str(item) for item in items)
