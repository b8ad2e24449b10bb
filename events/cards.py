"""Exchange cards on the programme and the home page: what an editor wrote, kept; the status, live.

An Exchange's title, date, format, theme and summary (and, once it is past, its outputs) are
the same for every visitor until the content changes, so each process keeps that part of each
card as HTML (home.content_cache.kept_fragments). Its status (open, full, closed) changes with
every registration and with the clock, so it is worked out on every request from the few
fields the listing reads (selectors.STATUS_FIELDS).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string

from home.content_cache import kept_fragments

from .models import ExchangePage
from .selectors import case_studies_prefetch

UPCOMING_TEMPLATE = "components/exchange_card_body.html"  # inside components/exchange_card.html
PAST_TEMPLATE = "components/exchange_past_card.html"


@dataclass(frozen=True)
class ExchangeCard:
    exchange: ExchangePage  # as listed: enough for its status, not for the card's text
    html: str


def exchange_cards(
    exchanges: Sequence[ExchangePage], *, request: HttpRequest | None, past: bool = False
) -> list[ExchangeCard]:
    """A card for each listed Exchange, in order; a past one shows its outputs, not a status."""
    template = PAST_TEMPLATE if past else UPCOMING_TEMPLATE

    def render(missing: list[int]) -> dict[int, str]:
        pages = ExchangePage.objects.select_related("theme")
        prefetch = case_studies_prefetch() if past else None
        if prefetch is not None:
            pages = pages.prefetch_related(prefetch)
        return {
            # The request in the context for `pageurl` only: no context processors run per card.
            pk: render_to_string(template, {"exchange": page, "request": request})
            for pk, page in pages.in_bulk(missing).items()
        }

    ids = [exchange.pk for exchange in exchanges]
    html = kept_fragments(("exchange-card", template), ids, render, request=request)
    return [ExchangeCard(e, html[e.pk]) for e in exchanges if e.pk in html]
