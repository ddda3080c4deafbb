from django import template

register = template.Library()


@register.filter
def required_for(bound_field) -> str:
    """The account type a conditionally required field belongs to, or ''."""
    return bound_field.field.widget.attrs.get("data-required-for", "")


@register.filter
def pick(form, names: str) -> list:
    """The bound fields named in a space-separated list, in that order."""
    return [form[name] for name in names.split()]
