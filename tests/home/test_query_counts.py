"""Content pages and site search stay within the query budget, and the menu (read once a request
with the routing) still leaves out drafts and members-only pages."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from home.factories import ContentPageFactory

QUERY_BUDGET = 12  # every public page, whatever the data (issue 9)


def _page_queries(captured: CaptureQueriesContext) -> int:
    """Queries the page itself runs: without the database cache's (Redis in production)."""
    table = settings.CACHES["default"].get("LOCATION", "")
    return sum(1 for q in captured.captured_queries if f'"{table}"' not in q["sql"])


def _queries(client, url: str) -> tuple[int, str]:
    client.get(url)  # warm caches (site root paths, content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return _page_queries(captured), response.content.decode()


@pytest.mark.django_db
def test_content_pages_and_search_stay_within_the_budget(client, home_page):
    about = ContentPageFactory(
        parent=home_page, title="About the club", slug="about-the-club", show_in_menus=True
    )
    nested = ContentPageFactory(parent=about, title="Our history", slug="history")
    members = ContentPageFactory(parent=home_page, title="Members area", show_in_menus=True)
    PageViewRestriction.objects.create(page=members, restriction_type=PageViewRestriction.LOGIN)
    ContentPageFactory(parent=home_page, title="Draft page", show_in_menus=True, live=False)

    for url in (about.url, nested.url, "/", "/search/?q=club"):
        count, body = _queries(client, url)
        assert count <= QUERY_BUDGET, (url, count)
        assert 'class="site-nav__link" href="/about-the-club/"' in body
        assert "Members area</a>" not in body
        assert "Draft page</a>" not in body

    count, body = _queries(client, nested.url)
    assert "Our history" in body
    assert client.get(members.url).status_code == 302  # restricted pages still ask to sign in
    assert client.get("/no-such-page/").status_code == 404
