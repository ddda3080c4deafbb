"""The search page's filters, rendered once per language with holes for a visitor's values.

The panel is the same for every search but for what was typed and ticked, so it is
rendered from its template once per language and template version, with a marker
where each value goes, and every search fills the markers in: the values escaped,
"checked", "selected" and "open" where they apply. The rendered parts derive from
the code alone (the template and the catalogs), like a compiled template, so each
process keeps them; they hold nothing of any visitor.
"""

import functools

from django.http import QueryDict
from django.template.loader import get_template
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString

from kaguaruoo.holes import hole, holes_fill, holes_split
from listings.forms import SearchForm

PANEL_TEMPLATE = "listings/partials/search_filters.html"
TEXT_FIELDS = (
    "q", "station", "walk", "prefecture", "city", "rent_min", "rent_max",
    "built_within", "area_min", "area_max", "move_in", "months", "occupants",
)  # fmt: skip
CHOICE_FIELDS = ("layout", "items")


@functools.lru_cache(maxsize=8)
def _parts(language: str, source: str) -> tuple[str, ...]:
    """The panel in `language`, split at its holes: HTML, a hole's name, HTML, ...

    `source`, the template's text, is part of the key so that an edited template
    (in development) is rendered again.
    """
    form = SearchForm()
    with translation.override(language):
        context = {
            "form": form,
            "values": {name: hole(f"value:{name}") for name in TEXT_FIELDS},
            "layout_choices": [
                (value, label, hole(f"layout:{value}"))
                for value, label in form.fields["layout"].choices
            ],
            "item_choices": [
                (value, label, hole(f"items:{value}"))
                for value, label in form.fields["items"].choices
            ],
            "sort_choices": [
                (value, label, hole(f"sort:{value}"))
                for value, label in form.fields["sort"].choices
            ],
            "layouts_open": hole("open:layout"),
            "items_open": hole("open:items"),
            "viewing_checked": hole("viewing"),
        }
        html = get_template(PANEL_TEMPLATE).render(context)
    return holes_split(html)


def filters_panel(data: QueryDict) -> SafeString:
    """The filters with the values of the query string `data` (the last of each name)."""
    values = {f"value:{name}": escape(data.get(name, "")) for name in TEXT_FIELDS}
    for field in CHOICE_FIELDS:
        chosen = data.getlist(field)
        values[f"open:{field}"] = " open" if chosen else ""
        values.update({f"{field}:{value}": " checked" for value in chosen})
    values["viewing"] = " checked" if data.get("viewing") else ""
    values[f"sort:{data.get('sort', '')}"] = " selected"
    parts = _parts(translation.get_language(), get_template(PANEL_TEMPLATE).template.source)
    return holes_fill(parts, values)
