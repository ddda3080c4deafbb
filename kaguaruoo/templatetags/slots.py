from django import template

from kaguaruoo.slots import slot_render

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name, **kwargs):
    """`{% slot "name" key=value %}`: what the apps registered here (kaguaruoo/slots.py)."""
    return slot_render(name, request=context.get("request"), **kwargs)
