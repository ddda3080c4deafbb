"""How the site writes an amount of yen."""

from kaguaruoo.formats import site_format


def yen(amount, *, empty: str = "", language: str | None = None) -> str:
    """¥205,000 in English, 205,000円 in Japanese; `empty` for None (or "").

    In the active language unless `language` names one (a contract's text is
    written once, in its own language).
    """
    if amount is None or amount == "":
        return empty
    amount = int(amount)
    written = site_format("YEN_FORMAT", language=language).format(amount=f"{abs(amount):,}")
    return f"-{written}" if amount < 0 else written
