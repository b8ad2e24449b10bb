"""The benchmark harness works: tiny seeding, one measurement, the report. No timing asserted.

Speed targets live in `make bench` (see docs/performance.md), not in tests. Seeding lays out the
demo tree first, so each test seeds once and checks several things.
"""

import pytest
from django.db import connection
from wagtail.models import Page

from bench.pages import measure_pages, measure_search
from bench.report import render_markdown, targets_check
from bench.seed import TINY, seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.ROOT_URLCONF = "bench.urls"
    return seed(scale=TINY)


def test_seeding_a_measurement_and_the_report(seeded, client):
    from casestudies.models import CaseStudyIndexPage, CaseStudyPage
    from club.models import Council, Membership
    from events.models import ExchangePage, Registration

    # The scale asked for is the scale written.
    assert seeded["rows"] == {
        "councils": TINY.councils,
        "people": TINY.people,
        "exchanges": TINY.exchanges,
        "registrations": TINY.registrations,
        "case_studies": TINY.case_studies,
    }
    assert Council.objects.filter(slug__startswith="bench-council-").count() == TINY.councils
    people = Membership.objects.filter(person__email__endswith=".bench.example", status="approved")
    assert people.count() == TINY.people
    exchanges = ExchangePage.objects.live().filter(slug__startswith="bench-exchange-")
    assert exchanges.count() == TINY.exchanges
    assert Registration.objects.filter(exchange__in=exchanges).count() == TINY.registrations

    # Pages written in bulk make the tree add_child would: paths, depths, child counts, URLs.
    problems = Page.find_problems()
    assert all(not found for found in problems), problems
    index = CaseStudyIndexPage.objects.get()
    assert index.numchild == index.get_children().count()
    page = CaseStudyPage.objects.get(slug="bench-case-study-3")
    assert page.get_parent().pk == index.pk
    assert page.url_path == f"{index.url_path}bench-case-study-3/"
    assert page.councils.count() >= 1
    assert client.get(page.url).status_code == 200

    # One measurement: every page type beside the bare view, then the report from it.
    result = measure_pages(iterations=2, with_cache=False)
    assert result["bare"]["n"] == 16  # 4 x 2 before the pages and as many after
    home = result["pages"]["HomePage"]
    assert home["n"] == 2
    # Counted as visitors meet the pages, not on the rebuild after an edit (10 to 20 queries).
    assert max(row["queries"] for row in result["pages"].values()) <= 9
    assert home["status"] == 200
    assert home["queries"] > 0
    assert home["ratio"] > 0
    assert "CaseStudyPage" in result["pages"]
    results = {
        "command": "pytest",
        "date": "today",
        "seconds": 1,
        "machine": {"cpus": 2},
        "sections": {"pages_pg_1x": result, "seed_pg_1x": seeded},
    }
    results["targets"] = targets_check(results)
    verdicts = {check["target"]: check["verdict"] for check in results["targets"]}
    assert verdicts["race 50/150/0 and p95 ≤ 200 ms"] == "not measured"
    assert verdicts["every public page ≤ 12 SQL queries"] in {"met", "MISSED"}
    markdown = render_markdown(results)
    assert "| HomePage |" in markdown
    assert "bare view (floor)" in markdown


@pytest.mark.postgres_only
def test_search_index_rows_match_wagtails_and_search_is_measured(seeded):
    """bench.seed writes the index in bulk; each row must equal what Wagtail's add_items writes."""
    from wagtail.search.backends import get_search_backend

    from casestudies.models import CaseStudyPage

    page = CaseStudyPage.objects.get(slug="bench-case-study-5")
    columns = "title::text, autocomplete::text, body::text, title_text, body_text"
    sql = f"SELECT {columns} FROM wagtailsearch_indexentry WHERE object_id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(page.pk)])
        ours = cursor.fetchone()
        cursor.execute("DELETE FROM wagtailsearch_indexentry WHERE object_id = %s", [str(page.pk)])
        get_search_backend().add_bulk(CaseStudyPage, [page])
        cursor.execute(sql, [str(page.pk)])
        wagtails = cursor.fetchone()
    assert ours is not None
    assert ours == wagtails

    result = measure_search(count=6)
    assert result["queries"] == 6
    assert result["case_studies"] >= TINY.case_studies
    assert set(result["statuses"]) == {200}
    assert result["raw_sql"]["p95_ms"] > 0
