from django.http import HttpRequest
from wagtail.models import Site

from .content_cache import prepare
from .navigation import menu_pages


def site_navigation(request: HttpRequest) -> dict:
    """The home page's menu children, with the one the visitor is in marked as current."""
    prepare(request)  # pages already have; other views read the site and menu from it here
    site = Site.find_for_request(request)
    if site is None:
        return {"nav_items": []}
    items = []
    for page in menu_pages(request, site.root_page):
        url = page.get_url(request)
        items.append({"title": page.title, "url": url, "current": request.path.startswith(url)})
    return {"nav_items": items}
