"""Full-text search in the library and across the site, on PostgreSQL and on SQLite alike."""

import pytest
from django.http import QueryDict
from wagtail.rich_text import RichText

from casestudies.factories import CaseStudyPageFactory
from casestudies.selectors import case_study_library
from club.factories import CouncilFactory


@pytest.fixture
def searchable(case_study_index):
    fife = CouncilFactory(name="Fife Council")
    kent = CouncilFactory(name="Kent County Council")
    title_match = CaseStudyPageFactory(
        parent=case_study_index,
        title="Tapestry of neighbourhood services",
        summary="Local teams share one front door.",
        councils=[kent],
    )
    body_match = CaseStudyPageFactory(
        parent=case_study_index,
        title="Joined-up care at home",
        summary="Carers and nurses plan visits together.",
        approach="<p>The work drew on a tapestry of small local contracts.</p>",
        outcomes=[("paragraph", RichText("<p>Fewer missed visits; zeppelin-sized savings.</p>"))],
        councils=[fife],
    )
    unrelated = CaseStudyPageFactory(
        parent=case_study_index,
        title="Solar farms on council land",
        summary="Income from energy.",
        councils=[kent],
    )
    return title_match, body_match, unrelated


def _library(index, **params):
    query = QueryDict(mutable=True)
    query.update(params)
    return case_study_library(index_page=index, params=query)


@pytest.mark.django_db
def test_a_word_in_the_body_finds_its_page(case_study_index, searchable):
    _, body_match, _ = searchable
    library = _library(case_study_index, q="zeppelin")
    assert list(library.page.object_list) == [body_match.pk]


@pytest.mark.django_db
def test_a_title_match_ranks_before_a_body_match(case_study_index, searchable):
    title_match, body_match, _ = searchable
    library = _library(case_study_index, q="tapestry", sort="relevance")
    assert list(library.page.object_list) == [title_match.pk, body_match.pk]


@pytest.mark.django_db
def test_every_word_must_match(case_study_index, searchable):
    _, body_match, _ = searchable
    library = _library(case_study_index, q="tapestry zeppelin", sort="relevance")
    assert list(library.page.object_list) == [body_match.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ['"tapestry', 'tapestry"', '"tapestry"', '""tapestry'])
def test_quotes_typed_into_a_search_are_not_an_error(client, case_study_index, searchable, typed):
    title_match, body_match, _ = searchable
    library = _library(case_study_index, q=typed, sort="relevance")
    assert title_match.pk in list(library.page.object_list)
    assert client.get(case_study_index.url, {"q": typed}).status_code == 200


@pytest.mark.django_db
def test_the_council_name_is_searched(case_study_index, searchable):
    _, body_match, _ = searchable
    library = _library(case_study_index, q="Fife")
    assert list(library.page.object_list) == [body_match.pk]


@pytest.mark.django_db
def test_search_and_filters_combine(case_study_index, searchable):
    title_match, body_match, _ = searchable
    kent_only = _library(case_study_index, q="tapestry", nation="england")
    # Both councils are English by default: narrow by something only one has instead.
    assert set(kent_only.page.object_list) == {title_match.pk, body_match.pk}
    body_match.change_level = "transformational"
    body_match.save_revision().publish()
    narrowed = _library(case_study_index, q="tapestry", change="transformational")
    assert list(narrowed.page.object_list) == [body_match.pk]
    assert {c.value: c.count for c in narrowed.facets[2].choices} == {
        "transformational": 1,
        "transitional": 1,
    }


@pytest.mark.django_db
def test_site_search_ranks_titles_first_and_shows_summaries(client, searchable):
    title_match, body_match, unrelated = searchable
    response = client.get("/search/", {"q": "tapestry"})
    assert response.status_code == 200
    results = list(response.context["results"].object_list)
    assert [p.pk for p in results] == [title_match.pk, body_match.pk]
    html = response.content.decode()
    assert "Local teams share one front door." in html
    # Each result says what it is in visitors' words, not the page model's name.
    assert '<p class="card__meta">Case study</p>' in html
    assert "Case study page" not in html


@pytest.mark.django_db
def test_site_search_runs_the_same_queries_whatever_kinds_of_page_match(
    client, searchable, exchange_index
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from events.factories import ExchangePageFactory

    ExchangePageFactory(
        parent=exchange_index, title="Tapestry Exchange", summary="Leaders weave plans."
    )
    client.get("/search/", {"q": "tapestry"})  # fills the caches a first result fills (site roots)
    counts = {}
    for words in ("zeppelin", "tapestry"):  # one case study; then case studies and an Exchange
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/search/", {"q": words}).content.decode()
        counts[words] = len(queries)
    assert "Leaders weave plans." in html
    assert '<p class="card__meta">Exchange</p>' in html
    assert counts["zeppelin"] == counts["tapestry"]


@pytest.mark.django_db
def test_site_search_without_words_asks_for_some(client, home_page):
    response = client.get("/search/")
    assert response.status_code == 200
    assert response.context["results"] is None
    assert "Search the site" in response.content.decode()


@pytest.mark.django_db
def test_draft_changes_are_not_searchable_until_published(case_study_index, searchable):
    title_match, _, _ = searchable
    title_match.summary = "Now with a quokka in the summary."
    title_match.save_revision()  # a draft: the live page is unchanged
    assert list(_library(case_study_index, q="quokka").page.object_list) == []
    title_match.get_latest_revision().publish()
    assert list(_library(case_study_index, q="quokka").page.object_list) == [title_match.pk]
