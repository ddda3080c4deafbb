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


@register.filter
def description_ids(bound_field) -> str:
    """The ids of the field's help text and error message, as aria-describedby names them."""
    if not bound_field.auto_id:
        return ""
    ids = []
    if bound_field.help_text:
        ids.append(f"{bound_field.auto_id}_helptext")
    if bound_field.errors:
        ids.append(f"{bound_field.auto_id}_error")
    return " ".join(ids)


@register.filter
def described(bound_field) -> str:
    """The field's widget, tied to its help text and error.

    Django ties them itself, except for the widgets it would put in a fieldset
    (a file input, a pair of inputs); those get the same aria-describedby here.
    """
    if not bound_field.field.widget.use_fieldset or not description_ids(bound_field):
        return str(bound_field)
    return bound_field.as_widget(attrs={"aria-describedby": description_ids(bound_field)})
