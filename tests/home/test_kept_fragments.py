"""What pages keep between edits (cards and facets as HTML, a case study's facts, an Exchange's
speakers) follows every edit at once, a preview never sees it, and what changes without an edit
(an Exchange filling up) stays live."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casestudies.factories import CaseStudyPageFactory, ThemeFactory
from casestudies.models import CaseStudyPage
from casestudies.selectors import case_study_detail_context
from club.factories import CouncilFactory
from events.factories import ExchangePageFactory, RegistrationFactory, SpeakerFactory
from home import content_cache

pytestmark = pytest.mark.django_db


def _body(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_case_study_card_follows_edits_on_every_page_that_shows_it(
    client, home_page, case_study_index
):
    housing = ThemeFactory(name="Housing")
    council = CouncilFactory(name="Clackmannanshire Council")
    card = CaseStudyPageFactory(
        parent=case_study_index,
        title="Be the Future",
        themes=[housing],
        councils=[council],
        published_on=date(2024, 5, 1),
    )
    other = CaseStudyPageFactory(
        parent=case_study_index, themes=[housing], published_on=date(2020, 1, 1)
    )
    pages = ["/", case_study_index.url, other.url]
    for url in pages:
        body = _body(client, url)
        assert "Be the Future" in body and "Clackmannanshire Council" in body, url

    card.title = "Be the Future: year two"
    card.save_revision().publish()
    council.name = "Clackmannanshire"
    council.save()
    for url in pages:
        body = _body(client, url)
        assert "Be the Future: year two" in body, url
        assert "Clackmannanshire Council" not in body and "Clackmannanshire" in body, url

    card.refresh_from_db()
    card.unpublish()
    for url in pages:
        assert "Be the Future" not in _body(client, url), url


def test_a_library_page_reads_no_cards_once_they_are_kept(client, case_study_index):
    CaseStudyPageFactory(parent=case_study_index, councils=[CouncilFactory()])
    url = case_study_index.url

    def council_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _body(client, url)
        return sum('FROM "club_council"' in q["sql"] for q in captured.captured_queries)

    assert council_queries() == 1  # the first visit renders the card, with its councils
    assert council_queries() == 0  # later ones show it as kept


def test_the_library_facets_follow_publishing(client, case_study_index):
    housing = ThemeFactory(name="Housing")
    CaseStudyPageFactory(parent=case_study_index, themes=[housing])
    url = case_study_index.url
    assert "Housing <span" in _body(client, url)
    assert '<span class="visually-hidden">, </span>1<' in _body(client, url)

    CaseStudyPageFactory(parent=case_study_index, themes=[housing])
    assert '<span class="visually-hidden">, </span>2<' in _body(client, url)
    # With search words the facets count the matches: never the kept ones.
    body = _body(client, url, q="nothing-matches-this")
    assert "0 case studies" in body and "Housing <span" not in body


def test_an_exchange_card_keeps_its_text_but_not_its_status(client, home_page, exchange_index):
    exchange = ExchangePageFactory(parent=exchange_index, title="Housing futures", capacity=1)
    for url in ["/", exchange_index.url]:
        body = _body(client, url)
        assert "Housing futures" in body and "Open for registration" in body, url

    # A registration is not an edit: the kept card stays, and its status follows at once.
    RegistrationFactory(exchange=exchange)
    for url in ["/", exchange_index.url]:
        body = _body(client, url)
        assert "Full: waiting list" in body and "Open for registration" not in body, url

    exchange.title = "Homes of the future"
    exchange.save_revision().publish()
    for url in ["/", exchange_index.url]:
        body = _body(client, url)
        assert "Homes of the future" in body and "Housing futures" not in body, url


def test_an_exchange_moves_to_the_past_when_it_ends_without_an_edit(
    client, home_page, exchange_index, monkeypatch
):
    soon = ExchangePageFactory(
        parent=exchange_index,
        title="Ends soon",
        starts_at=timezone.now() + timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=2),
        registration_closes_at=timezone.now() + timedelta(minutes=30),
    )
    ExchangePageFactory(parent=exchange_index, title="Next month")
    body = _body(client, exchange_index.url)
    assert "Ends soon" in body and "Next month" in body
    assert "Past Exchanges and their outputs" not in body  # both upcoming
    assert "Ends soon" in _body(client, "/")

    later = soon.ends_at + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)  # three hours on, nothing edited
    body = _body(client, exchange_index.url)
    past_section = body.index("Past Exchanges and their outputs")
    assert body.index("Next month") < past_section < body.index("Ends soon")
    assert "Ends soon" not in _body(client, "/")


def test_a_past_exchange_card_shows_the_case_studies_presented_there(
    client, exchange_index, case_study_index
):
    starts_at = timezone.now() - timedelta(days=60)
    past = ExchangePageFactory(
        parent=exchange_index,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=6),
        registration_opens_at=starts_at - timedelta(days=30),
    )
    assert "Outputs to follow." in _body(client, exchange_index.url)

    presented = CaseStudyPageFactory(parent=case_study_index, title="Be the Future")
    presented.exchanges.set([past])
    presented.save_revision().publish()
    body = _body(client, exchange_index.url)
    assert "case study" in body and ">Be the Future</a>" in body


def test_a_case_study_page_follows_edits_to_what_it_keeps(client, case_study_index, exchange_index):
    housing, care = ThemeFactory(name="Housing"), ThemeFactory(name="Care")
    council = CouncilFactory(name="Clackmannanshire Council")
    page = CaseStudyPageFactory(parent=case_study_index, themes=[housing], councils=[council])
    body = _body(client, page.url)
    assert "Clackmannanshire Council" in body and "Housing" in body

    council.name = "Clackmannanshire"
    council.save()
    exchange = ExchangePageFactory(parent=exchange_index, title="Housing futures")
    page.themes.set([care])
    page.exchanges.set([exchange])
    page.save_revision().publish()
    body = _body(client, page.url)
    assert "Clackmannanshire Council" not in body and "Clackmannanshire" in body
    assert "<dd>Care</dd>" in body and ">Housing futures</a>" in body


def test_a_preview_never_sees_the_live_pages_kept_facts(case_study_index):
    housing, care = ThemeFactory(name="Housing"), ThemeFactory(name="Care")
    page = CaseStudyPageFactory(parent=case_study_index, themes=[housing])
    request = RequestFactory().get(page.url)
    with content_cache.serving(request):
        live = case_study_detail_context(page=page, viewer=AnonymousUser())
    assert [t.name for t in live["themes"]] == ["Housing"]

    page.themes.set([care])
    draft = page.save_revision().as_object()  # an editor's unpublished change
    with content_cache.serving(request):
        previewed = case_study_detail_context(page=draft, viewer=AnonymousUser())
        served = case_study_detail_context(
            page=CaseStudyPage.objects.get(pk=page.pk), viewer=AnonymousUser()
        )
    assert [t.name for t in previewed["themes"]] == ["Care"]
    # Saving a draft is not publishing: the live page's facts are still the live ones.
    assert [t.name for t in served["themes"]] == ["Housing"]


def test_an_exchange_page_shows_a_speakers_change_at_once(client, exchange_index):
    speaker = SpeakerFactory(name="Priya Shah")
    session = {"starts_at": "10:00:00", "ends_at": "11:00:00", "title": "Opening"}
    exchange = ExchangePageFactory(
        parent=exchange_index,
        agenda=[{"type": "session", "value": {**session, "speakers": [speaker.pk]}}],
    )
    assert _body(client, exchange.url).count("Priya Shah") == 2  # the session, the speakers

    speaker.name = "Priya Shah-Bell"
    speaker.save()
    assert _body(client, exchange.url).count("Priya Shah-Bell") == 2


def test_kept_fragments_are_bounded_and_rendered_once(home_page, monkeypatch):
    monkeypatch.setattr(content_cache, "MAX_FRAGMENTS", 3)
    rendered: list[str] = []

    def render(keys: list[str]) -> dict[str, str]:
        rendered.extend(keys)
        return {key: f"<p>{key}</p>" for key in keys if key != "gone"}

    with content_cache.serving(RequestFactory().get("/")):
        first = content_cache.kept_fragments("kind", ["a", "b", "gone"], render)
        assert first == {"a": "<p>a</p>", "b": "<p>b</p>"}
        content_cache.kept_fragments("kind", ["a", "c"], render)  # "a" kept, "c" rendered
        content_cache.kept_fragments("kind", ["d"], render)  # "b" least recently used: dropped
        content_cache.kept_fragments("kind", ["b", "a"], render)
    # "gone" has nothing to show, so it is asked for again each time it is wanted.
    assert rendered == ["a", "b", "gone", "c", "d", "b"]


def test_outside_serving_nothing_is_kept(home_page):
    calls: list[list[str]] = []

    def render(keys: list[str]) -> dict[str, str]:
        calls.append(keys)
        return {key: key for key in keys}

    content_cache.kept_fragments("kind", ["a", "a", "b"], render)
    content_cache.kept_fragments("kind", ["a"], render)
    assert calls == [["a", "b"], ["a"]]


def _session(title: str, speaker=None) -> dict:
    value = {"starts_at": "10:00:00", "ends_at": "11:00:00", "title": title}
    return {"type": "session", "value": {**value, "speakers": [speaker.pk] if speaker else []}}


def test_an_exchange_page_renders_its_agenda_once_and_follows_publishing(client, exchange_index):
    speaker = SpeakerFactory(name="Priya Shah")
    exchange = ExchangePageFactory(parent=exchange_index, agenda=[_session("Opening", speaker)])

    def speaker_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            body = _body(client, exchange.url)
        assert "Opening" in body
        return sum('FROM "events_speaker"' in q["sql"] for q in captured.captured_queries)

    assert speaker_queries() >= 1  # the first visit renders the agenda, reading its speakers
    assert speaker_queries() == 0  # later ones show it as kept

    exchange.agenda = [_session("Welcome and introductions")]
    exchange.save_revision().publish()
    body = _body(client, exchange.url)
    assert "Welcome and introductions" in body and "Opening" not in body
    assert "Priya Shah" not in body  # nor in the speakers, kept beside the agenda


def test_a_kept_exchange_page_reads_nothing_for_its_kept_parts(client, exchange_index):
    exchange = ExchangePageFactory(parent=exchange_index, agenda=[_session("Opening")])
    _body(client, exchange.url)  # renders and keeps the write-up, agenda and outputs
    with CaptureQueriesContext(connection) as captured:
        _body(client, exchange.url)
    tables = " ".join(q["sql"] for q in captured.captured_queries)
    # Who speaks, the case studies presented and the theme come with the kept parts.
    for table in ("events_speaker", "casestudies_casestudypage", "casestudies_theme"):
        assert f'"{table}"' not in tables


def test_places_left_stay_live_beside_the_kept_agenda(client, exchange_index):
    exchange = ExchangePageFactory(parent=exchange_index, capacity=10, agenda=[_session("Opening")])
    assert "10 of 10 left" in _body(client, exchange.url)
    RegistrationFactory(exchange=exchange)
    assert "9 of 10 left" in _body(client, exchange.url)


def test_a_preview_renders_the_draft_not_the_kept_write_up(client, case_study_index):
    page = CaseStudyPageFactory(parent=case_study_index, lessons_learned="<p>Start small.</p>")
    page.lessons_learned = "<p>Start with the people who use the service.</p>"
    draft = page.save_revision().as_object()  # a draft: the live page keeps its text
    assert "Start small." in _body(client, page.url)  # and keeps it, rendered, from now on
    kept = content_cache._snapshots["default"].fragments
    assert any(kind[0] == ("kept", "case-study-body") and key == page.pk for kind, key in kept)

    preview = draft.make_preview_request()
    assert preview.status_code == 200
    assert "Start with the people who use the service." in preview.content.decode()
    assert "Start small." not in preview.content.decode()
    assert "Start small." in _body(client, page.url)


def test_a_document_renamed_shows_at_once_in_an_exchanges_outputs(client, exchange_index):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(
        title="Slides", file=ContentFile(b"%PDF-1.4", name="slides.pdf")
    )
    exchange = ExchangePageFactory(
        parent=exchange_index,
        outputs=[{"type": "document", "value": {"document": document.pk, "kind": "slides"}}],
    )
    assert ">Slides<" in _body(client, exchange.url)
    document.title = "Slides from the morning"
    document.save()
    assert ">Slides from the morning<" in _body(client, exchange.url)


def test_kept_tag_names_its_arguments_when_misused():
    from django.template import Template, TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError, match="takes a kind and a key"):
        Template('{% load kept %}{% kept "body" %}x{% endkept %}')
