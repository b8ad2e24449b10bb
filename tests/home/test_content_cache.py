"""What each process keeps of the page tree and the library follows every change at once: pages
published, unpublished and moved, view restrictions, case studies and their taxonomy."""

import contextlib
import re
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from casestudies.factories import CaseStudyPageFactory, ThemeFactory
from club.factories import CouncilFactory
from club.models import Nation
from events.factories import ExchangePageFactory
from home.content_cache import content_changed, current_token
from home.factories import ContentPageFactory
from home.models import ContentVersion

pytestmark = pytest.mark.django_db


def _status(client, url: str) -> int:
    return client.get(url).status_code


def test_a_content_page_is_served_with_one_query_once_the_tree_is_kept(client, home_page):
    ContentPageFactory(parent=home_page, slug="about", show_in_menus=True)
    client.get("/about/")
    with CaptureQueriesContext(connection) as captured:
        assert _status(client, "/about/") == 200
    # The token; the site, the home page, its children and the restrictions are kept.
    assert [q["sql"] for q in captured.captured_queries] == [
        "SELECT token FROM home_contentversion WHERE id = 1"
    ]


def test_publishing_and_unpublishing_show_at_once(client, home_page):
    ContentPageFactory(parent=home_page, slug="about", show_in_menus=True)
    join = ContentPageFactory(
        parent=home_page, title="How to join", slug="how-to-join", show_in_menus=True, live=False
    )
    client.get("/about/")  # the process keeps the tree as it is now
    assert _status(client, "/how-to-join/") == 404

    join.save_revision().publish()
    assert _status(client, "/how-to-join/") == 200
    assert 'href="/how-to-join/"' in client.get("/about/").content.decode()

    join.refresh_from_db()
    join.unpublish()
    assert _status(client, "/how-to-join/") == 404
    assert 'href="/how-to-join/"' not in client.get("/about/").content.decode()


def test_a_view_restriction_applies_at_once_and_lifts_at_once(client, home_page):
    plans = ContentPageFactory(parent=home_page, slug="plans")
    ContentPageFactory(parent=plans, slug="detail")
    assert _status(client, "/plans/detail/") == 200

    restriction = PageViewRestriction.objects.create(
        page=plans, restriction_type=PageViewRestriction.LOGIN
    )
    assert _status(client, "/plans/detail/") == 302  # to sign in
    assert _status(client, "/plans/") == 302

    restriction.delete()
    assert _status(client, "/plans/detail/") == 200


def test_a_moved_page_answers_at_its_new_address(client, home_page):
    about = ContentPageFactory(parent=home_page, slug="about")
    history = ContentPageFactory(parent=home_page, slug="history")
    assert _status(client, "/history/") == 200

    history.move(about, pos="last-child")
    assert _status(client, "/about/history/") == 200
    assert _status(client, "/history/") != 200  # gone (or redirected), not served from memory


def test_the_token_written_by_another_process_is_what_counts(client, home_page):
    page = ContentPageFactory(parent=home_page, slug="news")
    assert _status(client, "/news/") == 200
    # Another process unpublishes the page: its rows change, and so does the token, in one
    # transaction; this process sends no signal of its own.
    Page.objects.filter(pk=page.pk).update(live=False)
    assert _status(client, "/news/") == 200  # kept: only the token says the tree changed
    ContentVersion.objects.filter(pk=1).update(token="written-by-another-process")
    assert _status(client, "/news/") == 404


def test_a_rolled_back_change_cannot_pass_for_a_later_one(home_page):
    before = current_token()
    with contextlib.suppress(RuntimeError), transaction.atomic():
        content_changed()
        inside = current_token()
        raise RuntimeError("the editor's save failed")
    assert current_token() == before
    content_changed()
    assert current_token() not in (before, inside)


def _library(client, url: str) -> tuple[str, dict[str, str]]:
    """The results summary and each theme or nation choice's label with its count."""
    body = client.get(url).content.decode()
    summary = re.search(r'<p class="results-summary"[^>]*>([^<]*)</p>', body).group(1)
    choices = dict(
        re.findall(
            r'<label for="facet-[a-z]+-\d+">([^<]+?) <span class="facet__count">'
            r'<span class="visually-hidden">, </span>(\d+)<',
            body,
        )
    )
    return summary, choices


def test_the_library_counts_follow_publishing_and_the_taxonomy(client, case_study_index):
    housing = ThemeFactory(name="Housing")
    council = CouncilFactory(nation=Nation.WALES)
    first = CaseStudyPageFactory(parent=case_study_index, themes=[housing], councils=[council])
    url = case_study_index.url
    summary, choices = _library(client, url)
    assert (summary, choices["Housing"], choices["Wales"], choices["2024"]) == (
        "1 case study",
        "1",
        "1",
        "1",
    )

    second = CaseStudyPageFactory(parent=case_study_index, themes=[housing], councils=[council])
    summary, choices = _library(client, url)
    assert (summary, choices["Housing"], choices["Wales"]) == ("2 case studies", "2", "2")

    housing.name = "Homes and housing"
    housing.save()
    council.nation = Nation.SCOTLAND
    council.save()
    summary, choices = _library(client, url)
    assert choices.get("Homes and housing") == "2" and "Housing" not in choices
    assert choices.get("Scotland") == "2" and "Wales" not in choices

    second.unpublish()
    first.refresh_from_db()
    PageViewRestriction.objects.create(page=first, restriction_type=PageViewRestriction.LOGIN)
    summary, choices = _library(client, url)
    assert summary == "0 case studies"
    assert "Homes and housing" not in choices


def test_the_programme_pages_and_theme_filter_follow_publishing(client, exchange_index):
    housing = ThemeFactory(name="Housing")
    exchanges = [ExchangePageFactory(parent=exchange_index) for _ in range(12)]
    url = exchange_index.url
    body = client.get(url).content.decode()
    assert "Page 1 of" not in body  # one page of twelve
    assert 'value="housing"' not in body  # no Exchange has the theme yet

    extra = ExchangePageFactory(parent=exchange_index, theme=housing)
    body = client.get(url).content.decode()
    assert "Page 1 of 2" in body
    assert 'value="housing"' in body
    assert "Page 1 of" not in client.get(url, {"theme": "housing"}).content.decode()

    extra.unpublish()
    exchanges[0].unpublish()
    body = client.get(url).content.decode()
    assert "Page 1 of" not in body


@pytest.mark.parametrize("kept_ids", [5_000, 0])  # the ids kept in order, or read each time
def test_filtered_library_counts_and_pages_follow_publishing(
    client, case_study_index, monkeypatch, kept_ids
):
    from casestudies import selectors

    monkeypatch.setattr(selectors, "KEPT_IDS", kept_ids)
    housing, care = ThemeFactory(name="Housing"), ThemeFactory(name="Care")
    for n in range(13):
        CaseStudyPageFactory(parent=case_study_index, title=f"Housing {n:02}", themes=[housing])
    CaseStudyPageFactory(parent=case_study_index, title="Care only", themes=[care])
    url = case_study_index.url
    summary, _ = _library(client, f"{url}?theme=housing")
    assert summary == "13 case studies"
    assert "Housing 00" in client.get(url, {"theme": "housing", "page": "2"}).content.decode()

    newest = CaseStudyPageFactory(
        parent=case_study_index,
        title="Housing newest",
        themes=[housing],
        published_on=date(2030, 1, 1),
    )
    summary, choices = _library(client, f"{url}?theme=housing")
    assert (summary, choices["Housing"], choices["Care"]) == ("14 case studies", "14", "1")
    first_page = client.get(url, {"theme": "housing"}).content.decode()
    assert "Housing newest" in first_page and "Care only" not in first_page

    newest.unpublish()
    summary, _ = _library(client, f"{url}?theme=housing")
    assert summary == "13 case studies"
    assert "Housing newest" not in client.get(url, {"theme": "housing"}).content.decode()


def test_kept_results_are_bounded(home_page, monkeypatch):
    from home import content_cache

    monkeypatch.setattr(content_cache, "MAX_KEPT", 3)
    calls = []
    for key in ["a", "b", "c", "a", "d", "b"]:
        content_cache.kept_for(("bounded", key), lambda key=key: calls.append(key) or key)
    # "a" was used again before "d" came, so "b" was the least recently used and was dropped.
    assert calls == ["a", "b", "c", "d", "b"]


def test_only_content_models_renew_the_token():
    """The receivers are per model: a catch-all would make Django delete every model's rows one
    by one (it deletes in bulk only where no delete signal listens), registrations and outbox
    rows included."""
    from django.db.models.signals import post_delete, post_save
    from django.dispatch.dispatcher import _make_id

    from events.models import Registration
    from home.signals import tree_changed

    for signal in (post_save, post_delete):
        assert tree_changed in signal._live_receivers(Page)[0]
        assert tree_changed not in signal._live_receivers(Registration)[0]
        catch_all = [key for key, *_ in signal.receivers if key[1] == _make_id(None)]
        assert catch_all == []
