"""Template helpers of the scan pages."""

from django import template

from scans.formatting import number_text, signed_text

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` or None: the answer form looks up each item's value and errors."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def signed(value):
    """A change such as +0,8 or -0,3 (see ``scans.formatting``)."""
    return "" if value is None else signed_text(value)


@register.filter
def number(value, places=1):
    """A mean or spread rounded half up, in the active language (see ``scans.formatting``)."""
    return "" if value is None else number_text(value, int(places))
