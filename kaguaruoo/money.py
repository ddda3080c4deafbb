"""How the site writes an amount of yen."""


def yen(amount, *, empty: str = "") -> str:
    """¥205,000; `empty` for None (or "").

    The same in every language, so the text of a signed contract never changes.
    """
    if amount is None or amount == "":
        return empty
    return f"¥{int(amount):,}"
