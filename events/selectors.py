"""Reads about Exchanges: which to list, what state each is in, and who is coming.

Every selector that feeds a page runs a fixed number of queries, whatever the number of
Exchanges or registrations (tests assert it at 5 and at 500).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from casestudies.taxonomy import Theme
from club.models import Council, Membership, Role
from club.selectors import person_admin_councils, person_is_approved_member
from home.content_cache import is_serving, kept_for
from home.visibility import public

from .models import (
    ExchangeFormat,
    ExchangeIndexPage,
    ExchangePage,
    Registration,
    RegistrationStatus,
)
from .rules import is_events_editor, own_membership, registration_window_refusal

if TYPE_CHECKING:
    from club.models import User

PROGRAMME_PAGE_SIZE = 12


class ExchangeStatus(StrEnum):
    OPENING_SOON = "Opening soon"
    OPEN = "Open for registration"
    FULL = "Full: waiting list"
    CLOSED = "Registration closed"
    PAST = "Past"
    CANCELLED = "Cancelled"


def exchange_confirmed_count(*, exchange: ExchangePage) -> int:
    """Confirmed places; uses the `confirmed_count` annotation when the list selectors added it."""
    annotated = getattr(exchange, "confirmed_count", None)
    if annotated is not None:
        return annotated
    return exchange.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def exchange_status(*, exchange: ExchangePage, now: datetime | None = None) -> ExchangeStatus:
    """Derive the status from the dates, then from the numbers while registration is open."""
    now = now or timezone.now()
    if exchange.is_cancelled:
        return ExchangeStatus.CANCELLED
    if exchange.ends_at <= now:
        return ExchangeStatus.PAST
    if exchange.registration_opens_at and now < exchange.registration_opens_at:
        return ExchangeStatus.OPENING_SOON
    if now >= registration_closes_at(exchange=exchange):
        return ExchangeStatus.CLOSED
    if exchange.pk and exchange_confirmed_count(exchange=exchange) >= exchange.capacity:
        return ExchangeStatus.FULL
    return ExchangeStatus.OPEN


def registration_closes_at(*, exchange: ExchangePage) -> datetime:
    """Registration closes at the editor's date, or when the Exchange starts."""
    return exchange.registration_closes_at or exchange.starts_at


def _with_confirmed_count(pages: QuerySet[ExchangePage]) -> QuerySet[ExchangePage]:
    """Each Exchange's confirmed places, counted per listed row.

    A correlated subquery (read from the (exchange, status, created_at) index) rather than a
    join and `Count`: the join made the database count every registration of every Exchange
    before sorting and keeping the few on the page, so the list grew slower with registrations.
    """
    confirmed = (
        Registration.objects.filter(exchange=OuterRef("pk"), status=RegistrationStatus.CONFIRMED)
        .order_by()
        .values("exchange")
        .annotate(n=Count("*"))  # COUNT(*) can be answered from the index alone
        .values("n")
    )
    return pages.annotate(
        confirmed_count=Coalesce(Subquery(confirmed, output_field=IntegerField()), 0)
    )


def _live_exchanges() -> QuerySet[ExchangePage]:
    return _with_confirmed_count(public(ExchangePage.objects.live()).select_related("theme"))


# What `exchange_status` reads. A listing reads only these (and the confirmed count) for each
# Exchange, and shows the rest from the Exchange's kept card (events.cards).
STATUS_FIELDS = (
    "is_cancelled",
    "starts_at",
    "ends_at",
    "registration_opens_at",
    "registration_closes_at",
    "capacity",
)


def _listed_exchanges(index_page: ExchangeIndexPage | None) -> QuerySet[ExchangePage]:
    pages = public(ExchangePage.objects.live())
    if index_page is not None:
        pages = pages.child_of(index_page)
    return pages


@dataclass(frozen=True)
class ProgrammeOrder:
    """Listed Exchanges' ids, upcoming ones (soonest first) and then past ones (latest first)."""

    ids: array
    upcoming: int  # how many of the ids, from the start, are upcoming
    changes_at: datetime | None  # when the soonest upcoming one ends: the order changes then

    def still_holds(self) -> bool:
        return self.changes_at is None or timezone.now() < self.changes_at


def _programme_order(pages: QuerySet[ExchangePage]) -> ProgrammeOrder:
    now = timezone.now()
    rows = list(pages.order_by().values_list("pk", "starts_at", "ends_at"))
    upcoming = sorted((row for row in rows if row[2] > now), key=lambda row: (row[1], row[0]))
    past = sorted(
        (row for row in rows if row[2] <= now), key=lambda row: (-row[1].timestamp(), row[0])
    )
    return ProgrammeOrder(
        ids=array("q", [row[0] for row in [*upcoming, *past]]),
        upcoming=len(upcoming),
        changes_at=min((row[2] for row in upcoming), default=None),
    )


def _kept_programme_order(
    index_page: ExchangeIndexPage | None, theme: Theme | None = None, format: str = ""
) -> ProgrammeOrder:
    """The programme's order for a choice of filters, kept until the content changes or an
    upcoming Exchange ends (home.content_cache): a request then reads only the Exchanges shown,
    where sorting the whole programme grew with it."""
    pages = _listed_exchanges(index_page)
    if theme is not None:
        pages = pages.filter(theme=theme)
    if format:
        pages = pages.filter(format=format)
    key = ("programme-order", index_page.pk if index_page else None, theme and theme.pk, format)
    return kept_for(key, lambda: _programme_order(pages), still_good=ProgrammeOrder.still_holds)


def _shown_exchanges(ids: Sequence[int]) -> list[ExchangePage]:
    """These Exchanges, in this order, with their status fields and confirmed places only (the
    rest of each card is kept: events.cards). One query, its counts read for these rows only."""
    rows = _with_confirmed_count(ExchangePage.objects.filter(pk__in=list(ids)).only(*STATUS_FIELDS))
    by_pk = {row.pk: row for row in rows}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def exchanges_upcoming(
    *, index_page: ExchangeIndexPage | None = None, limit: int | None = None
) -> list[ExchangePage]:
    """Exchanges that have not yet ended, soonest first: their status fields (for events.cards)."""
    order = _kept_programme_order(index_page)
    shown = order.upcoming if limit is None else min(limit, order.upcoming)
    return _shown_exchanges(order.ids[:shown])


# --- The programme page ----------------------------------------------------------------------


def case_studies_prefetch() -> Prefetch | None:
    """Case studies presented at each Exchange (the case-study app owns the link)."""
    if not any(rel.name == "case_studies" for rel in ExchangePage._meta.related_objects):
        return None
    from casestudies.models import CaseStudyPage

    return Prefetch(
        "case_studies",
        queryset=public(CaseStudyPage.objects.live()).order_by("title"),
        to_attr="presented_case_studies",
    )


@dataclass
class ProgrammeFilters:
    theme: Theme | None = None
    theme_slug: str = ""
    format: str = ""
    themes: list[Theme] = field(default_factory=list)
    formats: list[tuple[str, str]] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.theme_slug or self.format)


def programme_context(
    *, index_page: ExchangeIndexPage, params: Any, per_page: int = PROGRAMME_PAGE_SIZE
) -> dict[str, Any]:
    """The programme page: filters, one page of Exchanges, split into upcoming and past.

    The Exchanges come with their status fields only; events.cards shows them.
    """
    # The themes in use and the order of the Exchanges each filter leaves are the same for every
    # visitor until the content changes: kept (home.content_cache), so a request reads only the
    # Exchanges on its page.
    themes = kept_for(
        ("programme-themes",),
        lambda: list(Theme.objects.filter(exchanges__isnull=False).distinct().order_by("name")),
    )
    filters = ProgrammeFilters(themes=themes, formats=list(ExchangeFormat.choices))
    theme_slug = params.get("theme", "")
    if theme_slug:
        filters.theme_slug = theme_slug
        filters.theme = next((t for t in themes if t.slug == theme_slug), None)
    if params.get("format", "") in ExchangeFormat.values:
        filters.format = params["format"]
    if theme_slug and filters.theme is None:  # no such theme: nothing matches
        order = ProgrammeOrder(ids=array("q"), upcoming=0, changes_at=None)
    else:
        order = _kept_programme_order(index_page, filters.theme, filters.format)

    now = timezone.now()
    page_obj: PaginatorPage = Paginator(order.ids, per_page).get_page(params.get("page"))
    items = _shown_exchanges(page_obj.object_list)
    query = {k: v for k, v in (("theme", theme_slug), ("format", filters.format)) if v}
    return {
        "filters": filters,
        "page_obj": page_obj,
        "upcoming_exchanges": [p for p in items if p.ends_at > now],
        "past_exchanges": [p for p in items if p.ends_at <= now],
        "filter_query": urlencode(query),
    }


# --- One Exchange ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    confirmed: int
    waiting: int
    capacity: int

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.confirmed, 0)


def exchange_counts(*, exchange: ExchangePage) -> Counts:
    """Confirmed and waiting numbers in one query."""
    numbers = exchange.registrations.aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
    )
    return Counts(numbers["confirmed"], numbers["waiting"], exchange.capacity)


def council_confirmed_count(*, exchange: ExchangePage, council: Council | None) -> int:
    if council is None:
        return 0
    return exchange.registrations.filter(
        council=council, status=RegistrationStatus.CONFIRMED
    ).count()


def registration_active_for(*, exchange: ExchangePage, person: User) -> Registration | None:
    """The person's confirmed or waiting registration, if any."""
    if not getattr(person, "is_authenticated", False):
        return None
    return (
        exchange.registrations.filter(person=person)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )


def waiting_position(*, registration: Registration) -> int | None:
    """1 for the first in the queue; None when the registration is not waiting."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = Registration.objects.filter(
        exchange_id=registration.exchange_id, status=RegistrationStatus.WAITING
    ).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def colleagues_for_registration(*, admin: User) -> list[Membership]:
    """Approved colleagues a council admin may register (their own councils only)."""
    councils = person_admin_councils(person=admin)
    return list(
        Membership.objects.filter(council__in=councils, status=Membership.Status.APPROVED)
        .select_related("person", "council")
        .order_by("council__name", "person__last_name", "person__first_name", "person__email")
    )


def registration_queue(*, exchange: ExchangePage) -> QuerySet[Registration]:
    """Active registrations in the order they joined: confirmed and waiting alike."""
    return (
        Registration.objects.filter(exchange=exchange)
        .exclude(status=RegistrationStatus.CANCELLED)
        .order_by("created_at", "pk")
    )


def attendees_for_admin(*, exchange: ExchangePage) -> dict[str, list[Registration]]:
    """Confirmed, waiting (in order) and cancelled registrations, with person and council."""
    rows = (
        Registration.objects.filter(exchange=exchange)
        .select_related("person", "council")
        .order_by("created_at", "pk")
    )
    grouped: dict[str, list[Registration]] = {s.value: [] for s in RegistrationStatus}
    for row in rows:
        grouped[row.status].append(row)
    return grouped


def counts_by_council_and_role(
    *, exchange: ExchangePage
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Confirmed and waiting numbers per council and per role, for the editors' summary."""
    active = Registration.objects.filter(exchange=exchange).exclude(
        status=RegistrationStatus.CANCELLED
    )
    numbers = {
        "confirmed": Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        "waiting": Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
        "attended": Count("pk", filter=Q(attended_at__isnull=False)),
    }
    by_council = list(active.values("council__name").annotate(**numbers).order_by("council__name"))
    roles = dict(Role.choices)
    by_role = list(active.values("role").annotate(**numbers).order_by("role"))
    for row in by_role:
        row["role_label"] = roles.get(row["role"], row["role"] or "Not given")
    return by_council, by_role


def registrations_for_export(*, exchange: ExchangePage) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(exchange=exchange)
        .select_related("person", "council")
        .order_by("status", "created_at", "pk")
    )


def programme_council_report() -> list[dict[str, Any]]:
    """Per council: how many Exchanges it took part in, and its confirmed and attended places."""
    from club.models import Nation

    nations = dict(Nation.choices)
    rows = list(
        Registration.objects.filter(status=RegistrationStatus.CONFIRMED, council__isnull=False)
        .values("council__name", "council__nation")
        .annotate(
            exchanges=Count("exchange", distinct=True),
            places=Count("pk"),
            attended=Count("pk", filter=Q(attended_at__isnull=False)),
        )
        .order_by("council__name")
    )
    for row in rows:
        row["nation_label"] = nations.get(row["council__nation"], "")
    return rows


def council_registrations(*, admin: User) -> list[dict[str, Any]]:
    """For a council admin: each upcoming Exchange, their councils' registrations and seats left."""
    councils = list(person_admin_councils(person=admin))
    if not councils:
        return []
    exchanges = list(_live_exchanges().filter(ends_at__gt=timezone.now()).order_by("starts_at"))
    rows = (
        Registration.objects.filter(exchange__in=exchanges, council__in=councils)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("person", "council")
        .order_by("created_at", "pk")
    )
    by_exchange: dict[int, list[Registration]] = {}
    for row in rows:
        by_exchange.setdefault(row.exchange_id, []).append(row)
    result = []
    for exchange in exchanges:
        registrations = by_exchange.get(exchange.pk, [])
        per_council = []
        for council in councils:
            confirmed = sum(
                1
                for r in registrations
                if r.council_id == council.pk and r.status == RegistrationStatus.CONFIRMED
            )
            seats_left = (
                None
                if exchange.seats_per_council is None
                else max(exchange.seats_per_council - confirmed, 0)
            )
            per_council.append(
                {"council": council, "confirmed": confirmed, "seats_left": seats_left}
            )
        result.append(
            {
                "exchange": exchange,
                "registrations": registrations,
                "per_council": per_council,
                "places_left": max(exchange.capacity - exchange.confirmed_count, 0),
            }
        )
    return result


def person_registrations(*, person: User) -> list[Registration]:
    """A member's own registrations, upcoming first."""
    return list(
        Registration.objects.filter(person=person)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("exchange", "council")
        .order_by("-exchange__starts_at")
    )


def calendar_feed_exchanges(*, person: User) -> list[ExchangePage]:
    """The Exchanges a member holds a confirmed place at, for their private feed."""
    return list(
        ExchangePage.objects.live()
        .filter(
            registrations__person=person,
            registrations__status=RegistrationStatus.CONFIRMED,
        )
        .distinct()
        .order_by("starts_at")
    )


def exchange_speakers(*, exchange: ExchangePage) -> list[Any]:
    """Everyone speaking in the agenda, once each, in order of first appearance."""
    seen: dict[int, Any] = {}
    for block in exchange.agenda:
        if block.block_type != "session":
            continue
        for speaker in block.value.get("speakers") or []:
            if speaker is not None and speaker.pk not in seen:
                seen[speaker.pk] = speaker
    return list(seen.values())


def exchange_case_studies(*, exchange: ExchangePage) -> list[Any]:
    """Live case studies linked to the Exchange as presented there."""
    prefetch = case_studies_prefetch()
    if prefetch is None:
        return []
    return list(prefetch.queryset.filter(exchanges=exchange))


@dataclass
class RegistrationPanel:
    """What the Exchange page offers the person looking at it."""

    status: ExchangeStatus
    counts: Counts
    registration: Registration | None = None
    waiting_position: int | None = None
    can_register_self: bool = False
    refusal: str = ""
    colleagues: list[Membership] = field(default_factory=list)
    council_seats_left: int | None = None
    council_name: str = ""
    show_joining_details: bool = False
    sign_in_needed: bool = False
    is_council_admin: bool = False


NOT_A_MEMBER = (
    "Registration is for approved members of the club. If you have asked to join, "
    "your council's club contact or our editors will decide soon."
)


def _registration_refusal(*, window_refusal: str, member: bool) -> str:
    """Why a signed-in viewer may not register themselves ("" if they may)."""
    return window_refusal or ("" if member else NOT_A_MEMBER)


def exchange_page_context(*, exchange: ExchangePage, viewer: Any) -> dict[str, Any]:
    """The Exchange page: status and numbers, and what this viewer may do; speakers, case studies.

    A fixed number of queries: none of them grows with the number of registrations. The
    numbers and the viewer's own registration are read live on every request.
    """
    counts = exchange_counts(exchange=exchange)
    exchange.confirmed_count = counts.confirmed  # the status reads it instead of counting again
    status = exchange_status(exchange=exchange)
    panel = RegistrationPanel(status=status, counts=counts)
    window_refusal = registration_window_refusal(exchange=exchange)
    signed_in = bool(getattr(viewer, "is_authenticated", False))
    if not signed_in:
        panel.sign_in_needed = not window_refusal
        panel.refusal = window_refusal
    else:
        panel.registration = registration_active_for(exchange=exchange, person=viewer)
        if panel.registration is not None:
            panel.waiting_position = waiting_position(registration=panel.registration)
        editor = is_events_editor(user=viewer)
        confirmed = bool(
            panel.registration and panel.registration.status == RegistrationStatus.CONFIRMED
        )
        panel.show_joining_details = confirmed or editor
        member = person_is_approved_member(person=viewer)
        panel.refusal = _registration_refusal(window_refusal=window_refusal, member=member)
        panel.can_register_self = not panel.refusal and panel.registration is None
        panel.is_council_admin = person_admin_councils(person=viewer).exists()
        if not window_refusal and panel.is_council_admin:
            panel.colleagues = _colleagues_not_registered(exchange=exchange, admin=viewer)
        if member and exchange.seats_per_council is not None:
            membership = own_membership(person=viewer)
            if membership is not None:
                taken = council_confirmed_count(exchange=exchange, council=membership.council)
                panel.council_seats_left = max(exchange.seats_per_council - taken, 0)
                panel.council_name = membership.council.name

    # The theme changes only with the content: kept while the live page is served
    # (home.content_cache); a preview reads it afresh. Who speaks and which case studies were
    # presented appear only inside the page's kept parts (templates/events/exchange_page.html),
    # so they are read only when those are rendered, once a request at most.
    if is_serving():
        theme = kept_for(("exchange-theme", exchange.pk), lambda: exchange.theme)
    else:
        theme = exchange.theme
    return {
        "panel": panel,
        "theme": theme,
        "speakers": SimpleLazyObject(lambda: exchange_speakers(exchange=exchange)),
        "case_studies": SimpleLazyObject(lambda: exchange_case_studies(exchange=exchange)),
    }


@dataclass(frozen=True)
class RegistrationOptions:
    """Whom a signed-in viewer may register for an Exchange: what the registration form offers."""

    include_self: bool
    colleagues: list[Membership]
    refusal: str


def registration_options(*, exchange: ExchangePage, viewer: Any) -> RegistrationOptions:
    """The registration form's choices, as the Exchange page's panel works them out.

    Only what the form needs (three queries): not the numbers, speakers and case studies of the
    whole page, which a registration POST used to build just to read these.
    """
    window_refusal = registration_window_refusal(exchange=exchange)
    registration = registration_active_for(exchange=exchange, person=viewer)
    member = person_is_approved_member(person=viewer)
    refusal = _registration_refusal(window_refusal=window_refusal, member=member)
    return RegistrationOptions(
        # Someone already registered may still post (a second tab): the service says so.
        include_self=(not refusal and registration is None) or registration is not None,
        colleagues=(
            [] if window_refusal else _colleagues_not_registered(exchange=exchange, admin=viewer)
        ),
        refusal=refusal,
    )


def _colleagues_not_registered(*, exchange: ExchangePage, admin: Any) -> list[Membership]:
    """Colleagues a council admin could still register (without themselves)."""
    colleagues = [m for m in colleagues_for_registration(admin=admin) if m.person_id != admin.pk]
    if not colleagues:
        return []
    taken = set(
        registration_queue(exchange=exchange)
        .filter(person_id__in=[m.person_id for m in colleagues])
        .values_list("person_id", flat=True)
    )
    seen: set[int] = set()
    result = []
    for membership in colleagues:
        if membership.person_id not in taken and membership.person_id not in seen:
            seen.add(membership.person_id)
            result.append(membership)
    return result
