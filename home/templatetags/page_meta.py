"""What the page's head says about it (description, Open Graph type), for any page type.

Each filter reads fields with `getattr` and a default. In a template, looking up a field that a
page type lacks (`page.summary` on an index page) fails, and Django then lists every attribute of
the page (`dir()`) to tell a missing field from a property that raised: about 0.3 ms a lookup on
a Wagtail page, on every page served.
"""

from django import template

register = template.Library()


@register.filter
def summary_text(page: object) -> str:
    """The page's own summary, or its introduction, or nothing."""
    return getattr(page, "summary", "") or getattr(page, "intro", "") or ""


@register.filter
def is_article(page: object) -> bool:
    """A dated piece of writing (a case study), not a section of the site."""
    return bool(getattr(page, "published_on", None))
