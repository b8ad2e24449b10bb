"""Site search: every live, public page, best match first (titles and summaries weigh most)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from wagtail.models import Page

PER_PAGE = 10
QUERY_MAX_CHARS = 200


@require_GET
def site_search(request: HttpRequest) -> HttpResponse:
    notes: list[str] = []
    query = " ".join(request.GET.get("q", "").split())
    if len(query) > QUERY_MAX_CHARS:
        query = query[:QUERY_MAX_CHARS].rsplit(" ", 1)[0]
        notes.append(
            f"Your search was very long, so we used its first {QUERY_MAX_CHARS} characters."
        )
    page = None
    if query:
        # Boosts on each page type's search_fields (title, summary) put those matches first.
        results = Page.objects.live().public().filter(depth__gt=1).search(query)
        paginator = Paginator(results, PER_PAGE)
        number = _page_number(request.GET.get("page"), paginator.num_pages, notes)
        page = paginator.page(number)
        # One query for the specific pages of this page of results, so each shows its summary.
        ids = [result.pk for result in page.object_list]
        specific = Page.objects.filter(pk__in=ids).specific().in_bulk()
        page.object_list = [specific[pk] for pk in ids if pk in specific]
    return render(
        request,
        "home/search_results.html",
        {"query": query, "results": page, "notes": notes},
    )


def _page_number(raw: str | None, num_pages: int, notes: list[str]) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        notes.append("That page number was not a number, so here is the first page.")
        return 1
    if number < 1:
        return 1
    if number > num_pages:
        notes.append(
            "There is only one page of results, so here it is."
            if num_pages == 1
            else f"There are only {num_pages} pages of results, so here is the last one."
        )
        return num_pages
    return number
