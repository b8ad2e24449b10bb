"""The home page's children: routed through, linked from the menu, read once a request."""

from django.http import HttpRequest
from wagtail.models import Page

from .visibility import restricted


def home_children(request: HttpRequest, parent: Page) -> list[Page]:
    """The children of the site's root page, in tree order, each with `is_restricted`.

    Wagtail's routing, the menu and the home page's links all need them; one query serves the
    three (kept on the request), where each used to run its own.
    """
    cached = getattr(request, "_home_children", None)
    if cached is not None and cached[0] == parent.pk:
        return cached[1]
    children = list(parent.get_children().annotate(is_restricted=restricted()))
    request._home_children = (parent.pk, children)
    return children


def menu_pages(request: HttpRequest, parent: Page) -> list[Page]:
    """Live, public children shown in menus: what `.live().public().in_menu()` gives."""
    return [
        page
        for page in home_children(request, parent)
        if page.live and page.show_in_menus and not page.is_restricted
    ]


def child_url(request: HttpRequest, parent: Page, slug: str) -> str | None:
    """The address of the live, public child with this slug, if there is one."""
    for page in home_children(request, parent):
        if page.slug == slug and page.live and not page.is_restricted:
            return page.get_url(request)
    return None
