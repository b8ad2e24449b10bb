"""The library, a case-study page and the home page run the same number of queries at 10 and
1,000 case studies, and a visitor's page stays within the budget of 12 (docs/performance.md)."""

from datetime import date

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models.sql import InsertQuery
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page

from casestudies.factories import CaseStudyPageFactory, DeliveryModelFactory, ThemeFactory
from casestudies.models import CaseStudyPage
from club.factories import CouncilFactory, MembershipFactory
from club.models import CouncilType, Nation
from home.content_cache import content_changed

QUERY_BUDGET = 12  # every public page, whatever the data (issue 9)


def _bulk_case_studies(index: Page, count: int, *, themes, councils) -> None:
    """Add `count` published case studies under the index quickly: rows in bulk, no signals.

    Django cannot bulk-create a multi-table model, so the page rows go in with bulk_create (with
    tree paths worked out here) and the case-study rows with one insert query per batch.
    """
    index.refresh_from_db()
    content_type = ContentType.objects.get_for_model(CaseStudyPage)
    locale = Locale.get_default()
    start = index.numchild + 1
    pages = [
        Page(
            title=f"Bulk case study {n}",
            draft_title=f"Bulk case study {n}",
            slug=f"bulk-{n}",
            path=Page._get_path(index.path, index.depth + 1, start + n),
            depth=index.depth + 1,
            numchild=0,
            url_path=f"{index.url_path}bulk-{n}/",
            content_type=content_type,
            locale=locale,
            live=True,
        )
        for n in range(count)
    ]
    Page.objects.bulk_create(pages, batch_size=200)
    created = Page.objects.filter(slug__startswith="bulk-", depth=index.depth + 1)
    rows = [
        CaseStudyPage(
            page_ptr_id=pk,
            summary="Bulk.",
            published_on=date(2015 + pk % 10, 1 + pk % 12, 1),
            challenge="<p>c</p>",
            approach="<p>a</p>",
            outcomes=[],
            change_level=["transactional", "transitional", "transformational"][pk % 3],
            mandate_better=pk % 2 == 0,
            mandate_new=pk % 3 == 0,
        )
        for pk in created.values_list("pk", flat=True)
    ]
    fields = CaseStudyPage._meta.local_concrete_fields
    for batch in range(0, len(rows), 100):
        query = InsertQuery(CaseStudyPage)
        query.insert_values(fields, rows[batch : batch + 100])
        query.get_compiler(connection=connection).execute_sql()
    CaseStudyPage.themes.through.objects.bulk_create(
        [
            CaseStudyPage.themes.through(casestudypage_id=row.pk, theme=themes[row.pk % 2])
            for row in rows
        ],
        batch_size=500,
    )
    CaseStudyPage.councils.through.objects.bulk_create(
        [
            CaseStudyPage.councils.through(casestudypage_id=row.pk, council=councils[row.pk % 2])
            for row in rows
        ],
        batch_size=500,
    )
    Page.objects.filter(pk=index.pk).update(numchild=index.numchild + count)
    content_changed()  # bulk writes send no signals: say so, as any bulk loader must


def _page_queries(captured: CaptureQueriesContext) -> int:
    """Queries the page itself runs: without the database cache's (Redis in production)."""
    table = settings.CACHES["default"].get("LOCATION", "")
    return sum(1 for q in captured.captured_queries if f'"{table}"' not in q["sql"])


def _queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return _page_queries(captured)


def scenarios_labels(scenarios: list) -> list[str]:
    return [f"{url} {params or ''}" for url, params in scenarios]


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_number_of_case_studies(client, case_study_index):
    themes = [ThemeFactory(name="Adult care"), ThemeFactory(name="Housing")]
    DeliveryModelFactory(name="Co-production")
    councils = [
        CouncilFactory(nation=Nation.SCOTLAND, council_type=CouncilType.SCOTTISH_COUNCIL),
        CouncilFactory(nation=Nation.WALES, council_type=CouncilType.WELSH_PRINCIPAL),
    ]
    detail = CaseStudyPageFactory(parent=case_study_index, themes=themes, councils=councils)
    for _ in range(9):
        CaseStudyPageFactory(parent=case_study_index, themes=themes[:1], councils=councils[:1])
    chosen = CaseStudyPage.objects.exclude(pk=detail.pk).first()  # an editor's pick, and top-ups
    CaseStudyPage.related_case_studies.through.objects.create(
        from_casestudypage=detail, to_casestudypage=chosen
    )
    visitor = Client()
    client.force_login(MembershipFactory(council=councils[0]).person)
    index_url = case_study_index.url
    filtered = {"theme": "adult-care", "nation": ["scotland", "wales"], "sort": "newest"}
    searched = {"q": "case study", "change": "transitional", "page": "2"}
    relevance = {"q": "case study", "theme": "housing", "sort": "relevance"}
    scenarios = [
        (index_url, None),
        (index_url, filtered),
        (index_url, searched),
        (index_url, relevance),
        (detail.url, None),
        ("/", None),  # the home page's latest case studies
    ]
    for url, params in scenarios:  # warm the caches (site root paths, content types)
        _queries(client, url, params)
        _queries(visitor, url, params)
    at_ten = [_queries(client, url, params) for url, params in scenarios]
    visitor_at_ten = [_queries(visitor, url, params) for url, params in scenarios]

    _bulk_case_studies(case_study_index, 990, themes=themes, councils=councils)
    assert CaseStudyPage.objects.live().count() == 1000
    for url, params in scenarios:  # the content changed: each process builds what it keeps again
        _queries(client, url, params)
    at_thousand = [_queries(client, url, params) for url, params in scenarios]
    visitor_at_thousand = [_queries(visitor, url, params) for url, params in scenarios]

    assert at_thousand == at_ten
    assert visitor_at_thousand == visitor_at_ten
    assert max(visitor_at_ten) <= QUERY_BUDGET, dict(
        zip(scenarios_labels(scenarios), visitor_at_ten, strict=True)
    )
    # And the library really does show the bulk pages.
    response = client.get(index_url, {"page": "2"})
    assert "1000 case studies" in response.content.decode()
