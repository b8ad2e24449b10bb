"""Site search: every live, public page, best match first (titles and summaries weigh most)."""

from functools import cache

from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from wagtail.models import Page, get_page_models

from .content_cache import serving
from .visibility import public

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
    # Served as a page is: the view restrictions come from what this process keeps.
    with serving(request):
        if query:
            # Boosts on each page type's search_fields (title, summary) put those matches first.
            pages = public(Page.objects.live().filter(depth__gt=1), searchable=True)
            paginator = Paginator(pages.search(query), PER_PAGE)
            number = _page_number(request.GET.get("page"), paginator.num_pages, notes)
            page = paginator.page(number)
            _add_snippets(list(page.object_list))
        return render(
            request,
            "home/search_results.html",
            {"query": query, "results": page, "notes": notes},
        )


# The text a result shows under its title, by page type: the first of these fields it has.
SNIPPET_FIELDS = ("summary", "intro")


@cache  # the page models are fixed once Django has loaded the apps
def _snippet_sources() -> tuple[tuple[type[Page], str], ...]:
    sources = []
    for model in get_page_models():
        own = {f.name for f in model._meta.get_fields() if f.concrete and f.model is model}
        field = next((name for name in SNIPPET_FIELDS if name in own), None)
        if field is not None:
            sources.append((model, field))
    return tuple(sources)


def _add_snippets(results: list[Page]) -> None:
    """Give each result its kind (``search_result_label``) and its summary, in one query.

    ``.specific()`` would load each page type's rows with one query per type among the results,
    so the number of queries would follow what happened to match. Here every page type with a
    summary answers in one ``UNION ALL``, whatever the results are.
    """
    ids = [result.pk for result in results]
    branches = [
        model.objects.filter(pk__in=ids)
        .order_by()
        .annotate(snippet=F(field))
        .values_list("pk", "snippet")
        for model, field in _snippet_sources()
    ]
    snippets: dict[int, str] = {}
    if ids and branches:
        snippets = dict(branches[0].union(*branches[1:], all=True))
    for result in results:
        result.snippet = snippets.get(result.pk, "")
        result.search_result_label = getattr(result.specific_class, "search_result_label", "Page")


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
