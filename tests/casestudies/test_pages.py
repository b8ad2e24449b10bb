"""The case-study page and the library answer every address sensibly."""

import pytest

from casestudies.factories import CaseStudyPageFactory, ThemeFactory
from club.factories import CouncilFactory, MembershipFactory, UserFactory
from club.models import CouncilType, Nation
from events.factories import ExchangePageFactory


@pytest.fixture
def case_study(case_study_index, exchange_index):
    theme = ThemeFactory(name="Health and wellbeing")
    council = CouncilFactory(
        name="Clackmannanshire Council",
        nation=Nation.SCOTLAND,
        council_type=CouncilType.SCOTTISH_COUNCIL,
        region="Central Scotland",
    )
    page = CaseStudyPageFactory(
        parent=case_study_index,
        title="Be the Future",
        summary="A whole-council programme.",
        councils=[council],
        themes=[theme],
        contact=UserFactory(first_name="Morag", last_name="Reid", email="morag@clacks.example"),
        outcomes=[
            ("key_figure", {"figure": "3", "label": "transformation themes"}),
            ("quote", {"quote": "We stopped salami slicing.", "attribution": "A councillor"}),
        ],
    )
    chosen = CaseStudyPageFactory(parent=case_study_index, title="Chosen by the editor")
    sharing = CaseStudyPageFactory(parent=case_study_index, title="Shares a theme", themes=[theme])
    CaseStudyPageFactory(parent=case_study_index, title="Nothing in common")
    page.related_case_studies.set([chosen])
    page.exchanges.set([ExchangePageFactory(parent=exchange_index, title="Reinventing services")])
    page.save_revision().publish()
    return page, council, sharing


@pytest.mark.django_db
def test_the_page_shows_council_facts_blocks_related_and_exchanges(client, case_study):
    page, _, _ = case_study
    html = client.get(page.url).content.decode()
    for text in (
        "Scotland",
        "Central Scotland",
        "Scottish council",
        "transformation themes",
        "We stopped salami slicing.",
        "Reinventing services",
        "Chosen by the editor",
        "Shares a theme",
        '<meta property="og:title" content="Be the Future">',
        '<meta name="description" content="A whole-council programme.">',
    ):
        assert text in html, text
    assert "Nothing in common" not in html


@pytest.mark.django_db
def test_the_contact_is_shown_to_members_only(client, case_study):
    page, council, _ = case_study
    assert "morag@clacks.example" not in client.get(page.url).content.decode()
    client.force_login(UserFactory())  # signed in, but not an approved member
    assert "morag@clacks.example" not in client.get(page.url).content.decode()
    client.force_login(MembershipFactory(council=CouncilFactory()).person)
    assert "morag@clacks.example" in client.get(page.url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"theme": "no-such-theme"}, "We do not have the theme “no-such-theme”"),
        ({"nation": "atlantis", "year": "1066"}, "We do not have the nation “atlantis”"),
        ({"page": str(10**9)}, "There is only one page of results"),
        ({"page": "abc"}, "That page number was not a number"),
        ({"page": "-3"}, "Page numbers start at 1"),
        ({"q": "tapestry " * 450}, "Your search was very long"),
        ({"sort": "sideways"}, "4 case studies"),
        ({"theme": ["x"] * 500}, "We do not have the theme “x”"),
    ],
)
def test_odd_addresses_get_a_helpful_page_not_an_error(client, case_study, params, message):
    page, _, _ = case_study
    response = client.get(page.get_parent().url, params)
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params", [{"q": "x" * 4000}, {"q": "care", "page": str(10**9)}, {"page": "abc", "q": "a"}]
)
def test_odd_site_searches_get_a_helpful_page(client, case_study, params):
    response = client.get("/search/", params)
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_library_links_each_filter_for_removal_and_keeps_the_rest(client, case_study):
    page, _, _ = case_study
    response = client.get(
        page.get_parent().url, {"nation": "scotland", "theme": "health-and-wellbeing"}
    )
    html = response.content.decode()
    assert "Nation: Scotland" in html
    assert 'href="?theme=health-and-wellbeing"' in html  # removes the nation, keeps the theme
