"""Parts of case-study pages that are the same for every visitor, kept as HTML.

The library, the home page and a case study's related ones show the same card, and a card
shows only what an editor wrote (title, councils, date, summary, themes), so each process keeps
each card's HTML until the content changes (home.content_cache.kept_fragments). A page of the
library then needs its cards' ids only: no query for the pages, their councils and themes, and
no template work, once a card has been shown. The library's facets, for a choice of filters
without search words, are kept the same way.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.http import HttpRequest
from django.template.loader import render_to_string

from club.models import Council
from home.content_cache import kept_fragments

from .models import CaseStudyPage

if TYPE_CHECKING:
    from .selectors import Library

CARD_TEMPLATE = "components/case_study_card.html"
FACETS_TEMPLATE = "casestudies/includes/library_facets.html"


def card_prefetches() -> tuple[Prefetch, str]:
    """What a card shows beyond the page row: its councils and themes (one query each)."""
    councils = Council.objects.only("id", "name", "nation", "council_type", "region")
    return (Prefetch("councils", queryset=councils), "themes")


def case_study_cards(ids: Sequence[int], *, request: HttpRequest | None) -> list[str]:
    """The cards of these case studies, in this order (an id with no case study is left out)."""

    def render(missing: list[int]) -> dict[int, str]:
        pages = CaseStudyPage.objects.prefetch_related(*card_prefetches()).in_bulk(missing)
        return {
            # The request in the context for `pageurl` only: no context processors run per card.
            pk: render_to_string(CARD_TEMPLATE, {"case_study": page, "request": request})
            for pk, page in pages.items()
        }

    cards = kept_fragments("case-study-card", ids, render, request=request)
    return [cards[pk] for pk in ids if pk in cards]


def library_facets(library: "Library", *, request: HttpRequest | None) -> str:
    """The library's filter choices with their counts, kept when `library.facets_key` names them."""

    def render(keys: list) -> dict:
        return {key: render_to_string(FACETS_TEMPLATE, {"library": library}) for key in keys}

    if library.facets_key is None:  # counted over search words' matches: this request's only
        return render([None])[None]
    key = library.facets_key
    return kept_fragments("library-facets", [key], render, request=request)[key]
