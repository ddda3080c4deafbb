from django import template

from kaguaruoo.i18n import in_reader_language

register = template.Library()


@register.filter
def reader_text(texts, fallback=""):
    """`{{ notice.texts|reader_text:notice.body }}`: the text in the reader's language."""
    return in_reader_language(texts, fallback)
