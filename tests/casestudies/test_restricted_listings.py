"""Members-only case studies and Exchanges stay out of every public listing (the restriction is
tested inside each listing's query, home.visibility)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from casestudies.factories import CaseStudyPageFactory, ThemeFactory
from casestudies.models import CaseStudyPage
from events.factories import ExchangeIndexPageFactory, ExchangePageFactory


@pytest.mark.django_db
def test_restricted_pages_are_left_out_of_listings_search_and_related(client, case_study_index):
    theme = ThemeFactory(name="Housing")
    shown = CaseStudyPageFactory(
        parent=case_study_index,
        title="Open housing case",
        themes=[theme],
        published_on=date(2024, 1, 1),
    )
    hidden = CaseStudyPageFactory(
        parent=case_study_index,
        title="Private housing case",
        themes=[theme],
        published_on=date(2025, 1, 1),  # newer: it would lead every list
    )
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    CaseStudyPage.related_case_studies.through.objects.create(
        from_casestudypage=shown, to_casestudypage=hidden
    )
    exchanges = ExchangeIndexPageFactory(parent=case_study_index.get_parent())
    ExchangePageFactory(
        parent=exchanges, title="Open Exchange", starts_at=timezone.now() + timedelta(days=9)
    )
    members_only = ExchangePageFactory(
        parent=exchanges, title="Members Exchange", starts_at=timezone.now() + timedelta(days=3)
    )
    PageViewRestriction.objects.create(
        page=members_only, restriction_type=PageViewRestriction.LOGIN
    )

    pages = {
        "home": client.get("/"),
        "library": client.get(case_study_index.url),
        "search": client.get(case_study_index.url, {"q": "housing"}),
        "filtered": client.get(case_study_index.url, {"theme": theme.slug}),
        "year": client.get(case_study_index.url, {"year": "2025"}),
        "programme": client.get(exchanges.url),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        body = response.content.decode()
        assert "Private housing case" not in body, name
        assert "Members Exchange" not in body, name
    assert "Open housing case" in pages["library"].content.decode()
    assert "Open housing case" in pages["search"].content.decode()
    assert "Open Exchange" in pages["programme"].content.decode()
    # The year only the restricted case study has is not offered.
    assert "We do not have the year shared “2025”" in pages["year"].content.decode()
    detail = client.get(shown.url).content.decode()
    assert "Private housing case" not in detail  # an editor's pick, but members only
