from django import template

from ..models import LEVEL_CHANGE, LEVEL_SHORT, Level

register = template.Library()


@register.filter
def level_name(level: int | None) -> str:
    """1 → "Better", 2 → "Differently", 3 → "New"; nothing for no level."""
    if level is None:
        return ""
    return LEVEL_SHORT[Level(level)]


@register.filter
def change_name(level: int | None) -> str:
    """1 → "transactional", 2 → "transitional", 3 → "transformational"."""
    if level is None:
        return ""
    return LEVEL_CHANGE[Level(level)].label.lower()


@register.filter
def signed(value) -> str:
    """A gap with its sign, so "members higher" and "officers higher" read apart."""
    if value is None:
        return ""
    return f"+{value}" if value > 0 else str(value)
