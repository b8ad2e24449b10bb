"""Reads about case studies."""

from django.db.models import Prefetch, QuerySet

from club.models import Council

from .models import CaseStudyIndexPage, CaseStudyPage


def _case_study_cards() -> QuerySet[CaseStudyPage]:
    """Live, public case studies with what a card shows, fetched in a fixed number of queries."""
    return (
        CaseStudyPage.objects.live()
        .public()
        .prefetch_related(
            Prefetch("councils", queryset=Council.objects.only("id", "name", "nation")),
            "themes",
        )
        .order_by("-published_on", "-pk")
    )


def case_studies_latest(*, limit: int = 3) -> list[CaseStudyPage]:
    return list(_case_study_cards()[:limit])


def case_studies_for_index(*, index_page: CaseStudyIndexPage) -> QuerySet[CaseStudyPage]:
    return _case_study_cards().child_of(index_page)
