"""How the site writes an amount of yen."""

from django.contrib.humanize.templatetags.humanize import intcomma


def yen(amount, *, empty: str = "") -> str:
    """¥205,000; `empty` for None (or "")."""
    if amount is None or amount == "":
        return empty
    return f"¥{intcomma(int(amount))}"
