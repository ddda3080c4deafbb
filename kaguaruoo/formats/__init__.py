"""Per-language formats: Django's dates, and the site's own yen, walk time and name order.

`<language>/formats.py` holds, beside Django's DATE_FORMAT and friends (found through
FORMAT_MODULE_PATH), the few forms the site writes itself:

- YEN_FORMAT: "¥{amount}" or "{amount}円"
- WALK_FORMAT: "{minutes} min walk" or "徒歩{minutes}分"
- FAMILY_NAME_FIRST: whether a full name is written "山田 太郎" rather than "Taro Yamada"
- ADDRESS_LARGEST_FIRST: 〒, prefecture, city … room (Japanese) rather than room … prefecture

They are forms of writing, like a date, not sentences, so they live here rather than in
the message catalogs: a page in Japanese writes 徒歩4分 however far its translation has got.
A language without a module of its own writes them as English does.
"""

from django.utils import formats, translation

from kaguaruoo.formats.en import formats as english


def site_format(name: str, *, language: str | None = None):
    """The value of `name` for `language` (the active one if None)."""
    language = language or translation.get_language() or "en"
    for module in formats.get_format_modules(language):
        if hasattr(module, name):
            return getattr(module, name)
    return getattr(english, name)
