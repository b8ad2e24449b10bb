"""Section 1 (pages) and section 5 (search): in-process measurements with Django's test client."""

from __future__ import annotations

import contextlib
import random
import statistics
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from wagtail.models import Page

from home.content_cache import content_changed

BARE_URL = "/__bench__/bare"
SEARCH_TERMS = [
    "housing", "adult social care", "co-production", "waste recycling", "libraries",
    "community wealth", "digital platform", "carbon retrofit", "homelessness",
    "apprenticeships", "dementia", "commercial trading company", "early help",
    "neighbourhood hub", "procurement social value", "transport buses", "telecare sensors",
    "regeneration", "youth services", "leadership mindset",
]  # fmt: skip


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summarise_ms(samples: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(samples) * 1000, 3),
        "p95_ms": round(percentile(samples, 95) * 1000, 3),
        "n": len(samples),
    }


def page_targets() -> list[tuple[str, str]]:
    """One URL per public page type (the middle page of each), plus the filtered listings."""
    targets: list[tuple[str, str]] = []
    live = Page.objects.live().public().filter(depth__gt=1)
    for content_type_id in sorted(set(live.values_list("content_type_id", flat=True))):
        pages = live.filter(content_type_id=content_type_id).order_by("path")
        count = pages.count()
        page = pages[count // 2].specific
        label = type(page).__name__
        if label == "ExchangePage":
            # An upcoming Exchange: registration state is shown, the costlier case.
            from django.utils import timezone

            upcoming = (
                type(page)
                .objects.live()
                .filter(starts_at__gt=timezone.now())
                .order_by("starts_at")
                .first()
            )
            page = upcoming or page
        targets.append((label, page.url))
    try:
        from casestudies.models import CaseStudyIndexPage, Theme

        index = CaseStudyIndexPage.objects.live().first()
        theme = Theme.objects.order_by("pk").first()
        if index and theme:
            targets.append(
                ("CaseStudyIndexPage filtered", f"{index.url}?theme={theme.slug}&nation=scotland")
            )
            targets.append(
                ("CaseStudyIndexPage search", f"{index.url}?q=housing&change=transitional")
            )
    except ImportError:
        pass
    with contextlib.suppress(NoReverseMatch):
        targets.append(("site search", reverse("search") + "?q=housing"))
    return targets


def _time(client: Client, url: str, iterations: int) -> tuple[list[float], int]:
    samples = []
    status = 0
    for _ in range(iterations):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        status = response.status_code
    return samples, status


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def _after_an_edit(client: Client, url: str, iterations: int) -> dict[str, Any]:
    """The first request after an editor's change, when the process builds again what it keeps
    of the page tree and the library (home.content_cache): its median, and its queries."""
    samples = []
    for _ in range(iterations):
        content_changed()
        started = time.perf_counter()
        client.get(url)
        samples.append(time.perf_counter() - started)
    content_changed()
    return {"median_ms": summarise_ms(samples)["median_ms"], "queries": _count_queries(client, url)}


def _rounds(client: Client, urls: list[str], iterations: int) -> dict[str, list[float]]:
    """`iterations` rounds, each requesting every URL once, in turn.

    Measured page by page, whatever else the machine did for a while (PostgreSQL writing out
    the seed, say) landed on the page measured then; in rounds it spreads over every page.
    """
    samples: dict[str, list[float]] = {url: [] for url in urls}
    for _ in range(iterations):
        for url in urls:
            started = time.perf_counter()
            client.get(url)
            samples[url].append(time.perf_counter() - started)
    return samples


def measure_pages(*, iterations: int, with_cache: bool) -> dict[str, Any]:
    """Median and p95 per page type beside the bare view, each measured in this process: the
    pages in turn (`_rounds`), the floor on its own before and after them. (Between pages the
    floor would pay for their garbage collection and their evictions from the processor's
    caches: three times slower, which would flatter every ratio.)"""
    middleware = settings.PAGE_CACHE_MIDDLEWARE if with_cache else settings.MIDDLEWARE
    results: dict[str, Any] = {"with_cache": with_cache, "pages": {}}
    with override_settings(MIDDLEWARE=middleware):
        cache.clear()
        client = Client(raise_request_exception=False)
        targets = []
        # The floor first, in a process that has served nothing else yet, as it always was.
        _time(client, BARE_URL, 20)  # warm the URLconf, middleware and connection
        bare_before, _ = _time(client, BARE_URL, iterations * 4)
        for label, url in page_targets():
            warm, status = _time(client, url, 3)
            if status != 200:
                results["pages"][label] = {"url": url, "status": status}
            else:
                targets.append((label, url))
        timed = _rounds(client, [url for _, url in targets], iterations)
        bare_after, _ = _time(client, BARE_URL, iterations * 4)
        for label, url in targets:
            results["pages"][label] = {
                "url": url,
                "status": 200,
                "queries": _count_queries(client, url),
                **summarise_ms(timed[url]),
            }
        if not with_cache:  # last: each renews the content token
            for label, url in targets:
                after = _after_an_edit(client, url, max(5, iterations // 4))
                results["pages"][label]["after_edit"] = after
    bare = summarise_ms(bare_before + bare_after)
    bare["queries"] = 0
    results["bare"] = bare
    for row in results["pages"].values():
        if "median_ms" in row:
            row["ratio"] = round(row["median_ms"] / bare["median_ms"], 1)
    return results


# --- Search -----------------------------------------------------------------------------------


def search_queries(count: int = 100, seed: int = 5) -> list[dict[str, str]]:
    """Representative searches: a term, often with one or two facets as the browse page sends."""
    from casestudies.models import DeliveryModel, Theme

    rng = random.Random(seed)  # noqa: S311 - repeatable queries, not secrets
    themes = list(Theme.objects.values_list("slug", flat=True))
    models = list(DeliveryModel.objects.values_list("slug", flat=True))
    queries = []
    for n in range(count):
        params = {"q": SEARCH_TERMS[n % len(SEARCH_TERMS)]}
        if n % 2 and themes:
            params["theme"] = rng.choice(themes)
        if n % 3 == 0:
            params["change"] = rng.choice(["transactional", "transitional", "transformational"])
        if n % 5 == 0 and models:
            params["model"] = rng.choice(models)
        queries.append(params)
    return queries


def _raw_search(params: dict[str, str], limit: int = 20) -> list[int]:
    """The same tsquery over Wagtail's index table, joined to the facets, in hand-written SQL."""
    from modelsearch.utils import get_content_type_pk

    from casestudies.models import CaseStudyPage

    sql = [
        "SELECT p.page_ptr_id FROM wagtailsearch_indexentry e",
        f"JOIN {CaseStudyPage._meta.db_table} p ON p.page_ptr_id = e.object_id::bigint",
        "JOIN wagtailcore_page w ON w.id = p.page_ptr_id",
        "WHERE e.content_type_id = %(ct)s AND w.live",
        "AND (e.title || e.body) @@ websearch_to_tsquery(%(q)s)",
    ]
    args: dict[str, Any] = {"ct": get_content_type_pk(CaseStudyPage), "q": params["q"]}
    if "change" in params:
        sql.append("AND p.change_level = %(change)s")
        args["change"] = params["change"]
    if "theme" in params:
        through = CaseStudyPage._meta.get_field("themes").remote_field.through._meta.db_table
        sql.append(
            f"AND EXISTS (SELECT 1 FROM {through} t JOIN casestudies_theme th ON th.id = t.theme_id"  # noqa: S608
            " WHERE t.casestudypage_id = p.page_ptr_id AND th.slug = %(theme)s)"
        )
        args["theme"] = params["theme"]
    if "model" in params:
        through = CaseStudyPage._meta.get_field("delivery_models").remote_field.through
        sql.append(
            f"AND EXISTS (SELECT 1 FROM {through._meta.db_table} t"  # noqa: S608
            " JOIN casestudies_deliverymodel d ON d.id = t.deliverymodel_id"
            " WHERE t.casestudypage_id = p.page_ptr_id AND d.slug = %(model)s)"
        )
        args["model"] = params["model"]
    sql.append(
        "ORDER BY ts_rank(e.title || e.body, websearch_to_tsquery(%(q)s)) DESC LIMIT %(limit)s"
    )
    args["limit"] = limit
    with connection.cursor() as cursor:
        cursor.execute(" ".join(sql), args)  # noqa: S608 - table names from model meta
        return [row[0] for row in cursor.fetchall()]


def _count_matching(term: str) -> int:
    from modelsearch.utils import get_content_type_pk

    from casestudies.models import CaseStudyPage

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM wagtailsearch_indexentry e WHERE e.content_type_id = %s"
            " AND (e.title || e.body) @@ websearch_to_tsquery(%s)",
            [get_content_type_pk(CaseStudyPage), term],
        )
        return cursor.fetchone()[0]


def measure_search(*, count: int = 100, budget: float = 0) -> dict[str, Any]:
    """p50/p95 of the case-study browse page with a search and facets, beside raw SQL.

    With a `budget` (seconds), stops starting new queries once it is spent and says how many ran:
    at 50,000 case studies on a busy machine 100 page loads can take longer than the whole run.
    """
    from urllib.parse import urlencode

    from django.http import QueryDict

    from casestudies.models import CaseStudyIndexPage, CaseStudyPage

    try:  # the library's own selector: search, facet counts and one page, without rendering
        from casestudies.selectors import case_study_library
    except ImportError:
        case_study_library = None

    index = CaseStudyIndexPage.objects.live().first()
    queries = search_queries(count)
    client = Client(raise_request_exception=False)
    page_samples, selector_samples, raw_samples, statuses, hits = [], [], [], {}, 0
    for params in queries[:5]:  # warm caches and plans
        client.get(f"{index.url}?{urlencode(params)}")
        _raw_search(params)
    deadline = time.monotonic() + budget if budget else None
    ran = 0
    for params in queries:
        if deadline is not None and time.monotonic() > deadline:
            break
        ran += 1
        url = f"{index.url}?{urlencode(params)}"
        started = time.perf_counter()
        response = client.get(url)
        page_samples.append(time.perf_counter() - started)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if case_study_library is not None:
            started = time.perf_counter()
            case_study_library(index_page=index, params=QueryDict(urlencode(params)))
            selector_samples.append(time.perf_counter() - started)
        started = time.perf_counter()
        hits += bool(_raw_search(params))
        raw_samples.append(time.perf_counter() - started)
    page, raw = summarise_ms(page_samples), summarise_ms(raw_samples)
    selector = summarise_ms(selector_samples) if selector_samples else None
    total = CaseStudyPage.objects.live().count()
    return {
        "case_studies": total,
        # How much of the library each search term matches (before facets): a term matching
        # most of it has every match ranked, however few results a page shows.
        "share_matched_by_term": {
            term: round(_count_matching(term) / total, 3) if total else None
            for term in SEARCH_TERMS
        },
        "queries": ran,
        "queries_planned": count,
        "queries_with_hits": hits,
        "statuses": statuses,
        "page": {"p50_ms": page["median_ms"], "p95_ms": page["p95_ms"]},
        "selector": (
            {"p50_ms": selector["median_ms"], "p95_ms": selector["p95_ms"]} if selector else None
        ),
        "raw_sql": {"p50_ms": raw["median_ms"], "p95_ms": raw["p95_ms"]},
        "p95_ratio": round(page["p95_ms"] / raw["p95_ms"], 1) if raw["p95_ms"] else None,
    }
