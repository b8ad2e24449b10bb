"""A case study's related cards: the editor's choices first, then those sharing most themes,
newest first among equals, from the newest case studies that share a theme."""

from datetime import date

import pytest

from casestudies import selectors
from casestudies.factories import CaseStudyPageFactory, ThemeFactory
from casestudies.models import CaseStudyPage
from casestudies.selectors import case_studies_related

pytestmark = pytest.mark.django_db


def _titles(ids: list[int]) -> list[str]:
    titles = dict(CaseStudyPage.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [titles[pk] for pk in ids]


def test_chosen_first_then_most_shared_themes_then_newest(case_study_index):
    housing, care, climate, arts = (
        ThemeFactory(name=n) for n in ("Housing", "Care", "Climate", "Arts")
    )

    def study(title: str, themes: list, year: int):
        return CaseStudyPageFactory(
            parent=case_study_index, title=title, themes=themes, published_on=date(year, 1, 1)
        )

    page = study("This one", [housing, care, climate], 2024)
    study("Shares one, newest", [housing], 2025)
    study("Shares two, older", [housing, care], 2019)
    study("Shares two, newer", [care, climate], 2021)
    study("Shares nothing", [arts], 2026)
    chosen = study("Chosen by the editor", [arts], 2010)
    page.related_case_studies.set([chosen])
    page.save()

    assert _titles(case_studies_related(page=page)) == [
        "Chosen by the editor",
        "Shares two, newer",
        "Shares two, older",
    ]
    assert _titles(case_studies_related(page=page, limit=5)) == [
        "Chosen by the editor",
        "Shares two, newer",
        "Shares two, older",
        "Shares one, newest",
    ]


def test_the_top_up_ranks_only_the_newest_candidates(case_study_index, monkeypatch):
    housing, care = ThemeFactory(name="Housing"), ThemeFactory(name="Care")
    page = CaseStudyPageFactory(parent=case_study_index, themes=[housing, care])
    CaseStudyPageFactory(
        parent=case_study_index,
        title="Old, shares both",
        themes=[housing, care],
        published_on=date(2001, 1, 1),
    )
    for n in range(3):
        CaseStudyPageFactory(
            parent=case_study_index,
            title=f"Recent {n}",
            themes=[housing],
            published_on=date(2024, 1 + n, 1),
        )
    # With every candidate ranked the old one sharing both themes comes first; with only the
    # three newest ranked it is not among them.
    assert _titles(case_studies_related(page=page))[0] == "Old, shares both"
    monkeypatch.setattr(selectors, "RELATED_CANDIDATES", 3)
    assert _titles(case_studies_related(page=page)) == ["Recent 2", "Recent 1", "Recent 0"]
