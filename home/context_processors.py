from django.http import HttpRequest
from wagtail.models import Page, Site


def site_navigation(request: HttpRequest) -> dict:
    """The home page's menu children, with the one the visitor is in marked as current."""
    site = Site.find_for_request(request)
    if site is None:
        return {"nav_items": []}
    pages = Page.objects.child_of(site.root_page).live().public().in_menu()
    items = []
    for page in pages.only("id", "title", "url_path", "path", "depth"):
        url = page.get_url(request)
        items.append({"title": page.title, "url": url, "current": request.path.startswith(url)})
    return {"nav_items": items}
