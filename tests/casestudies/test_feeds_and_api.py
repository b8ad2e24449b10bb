"""Feeds parse as a feed reader sees them; the API shows structured fields of public pages only."""

from datetime import date

import feedparser
import pytest
from wagtail.models import PageViewRestriction

from casestudies.factories import CaseStudyPageFactory, DeliveryModelFactory, ThemeFactory
from club.factories import CouncilFactory, UserFactory
from club.models import CouncilType, Nation
from events.factories import ExchangePageFactory


@pytest.fixture
def published(case_study_index, exchange_index):
    growth = ThemeFactory(name="Inclusive growth")
    care = ThemeFactory(name="Adult care")
    clacks = CouncilFactory(
        name="Clackmannanshire Council",
        nation=Nation.SCOTLAND,
        council_type=CouncilType.SCOTTISH_COUNCIL,
        region="Central Scotland",
    )
    exchange = ExchangePageFactory(
        parent=exchange_index, title="Driving Accelerated Transformation"
    )
    draft_exchange = ExchangePageFactory(parent=exchange_index, title="Unannounced", live=False)
    clacks_page = CaseStudyPageFactory(
        parent=case_study_index,
        title="Be the Future",
        published_on=date(2021, 1, 15),
        change_level="transformational",
        mandate_differently=True,
        mandate_new=True,
        councils=[clacks],
        themes=[growth],
        delivery_models=[DeliveryModelFactory(name="Co-production")],
        contact=UserFactory(email="contact@clacks.example"),
    )
    clacks_page.exchanges.set([exchange, draft_exchange])
    clacks_page.save_revision().publish()
    care_page = CaseStudyPageFactory(
        parent=case_study_index, title="Care for outcomes", themes=[care], councils=[clacks]
    )
    draft = CaseStudyPageFactory(parent=case_study_index, title="Draft", live=False)
    private = CaseStudyPageFactory(parent=case_study_index, title="Members only", councils=[clacks])
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    return {
        "growth": growth,
        "clacks": clacks_page,
        "care": care_page,
        "draft": draft,
        "private": private,
        "exchange": exchange,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/feeds/case-studies.rss", "/feeds/case-studies.atom"])
def test_feeds_parse_and_list_public_case_studies(client, published, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    titles = [entry.title for entry in feed.entries]
    assert set(titles) == {"Be the Future", "Care for outcomes"}
    entry = next(e for e in feed.entries if e.title == "Be the Future")
    assert entry.link.endswith("/case-studies/be-the-future/")
    assert [t.term for t in entry.tags] == ["Inclusive growth"]


@pytest.mark.django_db
def test_a_feed_can_be_limited_to_one_theme(client, published):
    feed = feedparser.parse(client.get("/feeds/case-studies.rss?theme=inclusive-growth").content)
    assert [e.title for e in feed.entries] == ["Be the Future"]
    assert "Inclusive growth" in feed.feed.title
    assert client.get("/feeds/case-studies.atom?theme=no-such-theme").status_code == 404


@pytest.mark.django_db
def test_the_api_returns_structured_fields(client, published):
    page = published["clacks"]
    response = client.get(f"/api/v2/pages/{page.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["meta"]["type"] == "casestudies.CaseStudyPage"
    assert data["councils"] == [
        {
            "name": "Clackmannanshire Council",
            "slug": "clackmannanshire-council",
            "nation": "scotland",
            "nation_label": "Scotland",
            "council_type": "scottish-council",
            "council_type_label": "Scottish council",
            "region": "Central Scotland",
        }
    ]
    assert data["themes"] == [{"name": "Inclusive growth", "slug": "inclusive-growth"}]
    assert data["delivery_models"] == [{"name": "Co-production", "slug": "co-production"}]
    assert data["change_level"] == "transformational"
    assert data["mandate_levels"] == ["Differently", "New"]
    assert data["published_on"] == "2021-01-15"
    # Only the published Exchange; never the contact, who is for members' eyes.
    assert [e["title"] for e in data["exchanges"]] == ["Driving Accelerated Transformation"]
    assert "contact" not in data
    assert "contact@clacks.example" not in response.content.decode()


@pytest.mark.django_db
def test_the_api_lists_case_studies_and_exchanges_but_no_private_or_draft_page(client, published):
    response = client.get("/api/v2/pages/", {"limit": 20})
    assert response.status_code == 200
    titles = {item["title"] for item in response.json()["items"]}
    assert titles == {"Be the Future", "Care for outcomes", "Driving Accelerated Transformation"}
    for hidden in ("draft", "private"):
        assert client.get(f"/api/v2/pages/{published[hidden].pk}/").status_code == 404
    listing = client.get(
        "/api/v2/pages/", {"type": "casestudies.CaseStudyPage", "fields": "councils,themes"}
    ).json()
    assert {item["title"] for item in listing["items"]} == {"Be the Future", "Care for outcomes"}
    assert all(item["councils"][0]["nation"] == "scotland" for item in listing["items"])


@pytest.mark.django_db
def test_the_api_is_read_only(client, published):
    response = client.post("/api/v2/pages/", {"title": "x"})
    assert response.status_code == 405


@pytest.mark.django_db
def test_the_api_gives_an_exchanges_structured_fields_but_not_its_joining_details(
    client, published
):
    exchange = published["exchange"]
    exchange.online_joining_details = "Meeting link for confirmed attendees only"
    exchange.save()
    data = client.get(f"/api/v2/pages/{exchange.pk}/").json()
    assert data["summary"] == exchange.summary
    assert data["format"] == exchange.format
    assert data["capacity"] == exchange.capacity
    assert data["starts_at"].startswith(str(exchange.starts_at.year))
    assert "Meeting link" not in str(data)
