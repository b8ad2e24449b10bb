"""Reads about case studies: cards, the detail page's related content, and the faceted library."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from wagtail.models import Page, WorkflowState

from club.models import Council, CouncilType, Nation, User
from club.selectors import person_is_approved_member
from events.models import ExchangePage

from .filters import FACETS, MANDATE_FIELDS, CaseStudyFilterSet
from .models import CaseStudyIndexPage, CaseStudyPage
from .taxonomy import ChangeLevel, DeliveryModel, MandateLevel, Theme

RELATED_LIMIT = 3


def _councils_prefetch() -> Prefetch:
    return Prefetch(
        "councils",
        queryset=Council.objects.only("id", "name", "nation", "council_type", "region"),
    )


def _case_study_cards() -> QuerySet[CaseStudyPage]:
    """Live, public case studies with what a card shows, fetched in a fixed number of queries."""
    return (
        CaseStudyPage.objects.live()
        .public()
        .prefetch_related(_councils_prefetch(), "themes")
        .order_by("-published_on", "-pk")
    )


def case_studies_latest(*, limit: int = 3) -> list[CaseStudyPage]:
    return list(_case_study_cards()[:limit])


def case_studies_related(
    *, page: CaseStudyPage, theme_ids: list[int], limit: int = RELATED_LIMIT
) -> list[CaseStudyPage]:
    """The case studies an editor chose, topped up with the ones sharing most themes."""
    # Read through .all() so a preview of unsaved changes shows what the editor chose.
    chosen_ids = [p.pk for p in page.related_case_studies.all()]
    chosen = list(_case_study_cards().filter(pk__in=chosen_ids).exclude(pk=page.pk)[:limit])
    if len(chosen) >= limit or not theme_ids:
        return chosen
    top_up = (
        _case_study_cards()
        .filter(themes__in=theme_ids)
        .exclude(pk__in=[page.pk, *(c.pk for c in chosen)])
        .annotate(shared_themes=Count("themes"))
        .order_by("-shared_themes", "-published_on", "-pk")[: limit - len(chosen)]
    )
    return chosen + list(top_up)


def case_study_detail_context(*, page: CaseStudyPage, viewer: User | AnonymousUser) -> dict:
    """What the case-study page shows beyond its own fields, in a fixed number of queries."""
    councils = list(page.councils.all())
    themes = list(page.themes.all())
    exchange_ids = [e.pk for e in page.exchanges.all()]
    is_member = person_is_approved_member(person=viewer)
    contact = None
    if is_member and page.contact_id:
        contact = User.objects.filter(pk=page.contact_id, is_active=True).first()
    return {
        "councils": councils,
        "nations": sorted({c.get_nation_display() for c in councils}),
        "regions": sorted({c.region for c in councils if c.region}),
        "council_types": sorted({c.get_council_type_display() for c in councils}),
        "themes": themes,
        "delivery_models": list(page.delivery_models.all()),
        "exchanges": list(
            ExchangePage.objects.live().public().filter(pk__in=exchange_ids).order_by("starts_at")
        ),
        "related_case_studies": case_studies_related(page=page, theme_ids=[t.pk for t in themes]),
        "viewer_is_member": is_member,
        "contact": contact,
    }


# --- The library: faceted browse with full-text search ------------------------------------------

PER_PAGE = 12
SEARCH_MAX_CHARS = 200
SORTS = {"newest": "Newest first", "relevance": "Best match first"}


@dataclass(frozen=True)
class FacetChoice:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    choices: list[FacetChoice]

    @property
    def selected_count(self) -> int:
        return sum(1 for c in self.choices if c.selected)


@dataclass
class Library:
    query: str
    sort: str
    page: DjangoPage
    facets: list[Facet]
    selected: dict[str, list[str]]
    notes: list[str] = field(default_factory=list)
    # (what is applied, the query string without it), for "remove this filter" links.
    active: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def page_range(self) -> list:
        return list(self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2))

    @property
    def is_narrowed(self) -> bool:
        return bool(self.query) or any(self.selected.values())


def _facet_choices(base: QuerySet[CaseStudyPage]) -> dict[str, list[tuple[str, str]]]:
    years = [d.year for d in base.dates("published_on", "year", order="DESC")]
    return {
        "theme": list(Theme.objects.order_by("name").values_list("slug", "name")),
        "model": list(DeliveryModel.objects.order_by("name").values_list("slug", "name")),
        "change": list(ChangeLevel.choices),
        "mandate": [(level.value, level.label.split(":")[0]) for level in MandateLevel],
        "nation": list(Nation.choices),
        "type": list(CouncilType.choices),
        "year": [(str(y), str(y)) for y in years],
    }


def _clean_selection(
    params: QueryDict, choices: dict[str, list[tuple[str, str]]]
) -> tuple[dict[str, list[str]], list[str]]:
    """The known values of each facet in the address; a note for each facet with unknown ones."""
    selected: dict[str, list[str]] = {}
    notes = []
    for name, label in FACETS.items():
        allowed = {value for value, _ in choices[name]}
        raw = [v.strip() for v in params.getlist(name) if v.strip()]
        selected[name] = [v for v in dict.fromkeys(raw) if v in allowed]
        unknown = [v for v in dict.fromkeys(raw) if v not in allowed]
        if unknown:
            shown = ", ".join(f"“{v[:40]}”" for v in unknown[:3])
            more = f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
            notes.append(
                f"We do not have the {label.lower()} {shown}{more}, so we left it out. "
                "The other filters still apply."
            )
    return selected, notes


def _clean_query(raw: str, notes: list[str]) -> str:
    query = " ".join(raw.split())
    if len(query) > SEARCH_MAX_CHARS:
        query = query[:SEARCH_MAX_CHARS].rsplit(" ", 1)[0]
        notes.append(
            f"Your search was very long, so we used its first {SEARCH_MAX_CHARS} characters."
        )
    return query


def _search_ranked_pks(base: QuerySet[CaseStudyPage], query: str) -> list[int]:
    """Ids of the case studies matching every word, best match first (one query).

    The database search backend hands back a Django queryset, so only the ids are fetched; the
    filters and facet counts then work on plain querysets restricted to these ids.
    """
    results = base.search(query, operator="and", order_by_relevance=True)
    return list(results.get_queryset().values_list("pk", flat=True))


def _facet_counts(name: str, ids: QuerySet) -> dict[str, int]:
    """For one facet: how many of the case studies with these ids have each choice."""
    if name in ("theme", "model"):
        relation = CaseStudyPage.themes if name == "theme" else CaseStudyPage.delivery_models
        through = relation.through
        target = "theme" if name == "theme" else "deliverymodel"
        rows = (
            through.objects.filter(casestudypage_id__in=ids)
            .values_list(f"{target}__slug")
            .annotate(n=Count("casestudypage_id", distinct=True))
            .order_by()
        )
    elif name in ("nation", "type"):
        column = "nation" if name == "nation" else "council_type"
        rows = (
            Council.objects.filter(case_studies__in=ids)
            .values_list(column)
            .annotate(n=Count("case_studies", distinct=True))
            .order_by()
        )
    elif name == "change":
        rows = (
            CaseStudyPage.objects.filter(pk__in=ids)
            .values_list("change_level")
            .annotate(n=Count("pk"))
            .order_by()
        )
    elif name == "year":
        rows = (
            CaseStudyPage.objects.filter(pk__in=ids)
            .annotate(year=ExtractYear("published_on"))
            .values_list("year")
            .annotate(n=Count("pk"))
            .order_by()
        )
    else:  # mandate: three flags, counted in one query
        totals = CaseStudyPage.objects.filter(pk__in=ids).aggregate(
            **{
                level: Count("pk", filter=Q(**{flag: True}))
                for level, flag in MANDATE_FIELDS.items()
            }
        )
        return {level: n for level, n in totals.items() if n}
    return {str(value): n for value, n in rows}


def _page_number(raw: str | None, num_pages: int, notes: list[str]) -> int:
    if raw in (None, ""):
        return 1
    try:
        number = int(raw)
    except (TypeError, ValueError):
        notes.append("That page number was not a number, so here is the first page.")
        return 1
    if number < 1:
        notes.append("Page numbers start at 1, so here is the first page.")
        return 1
    if number > num_pages:
        notes.append(
            "There is only one page of results, so here it is."
            if num_pages == 1
            else f"There are only {num_pages} pages of results, so here is the last one."
        )
        return num_pages
    return number


def case_study_library(*, index_page: CaseStudyIndexPage, params: QueryDict) -> Library:
    """The library as the address asks for it: search, facets with counts, sort and one page.

    The number of queries is fixed, whatever the number of case studies: the choices (3), the
    search (1), one count per facet (7), and the page of results with its councils and themes.
    """
    base = CaseStudyPage.objects.live().public().child_of(index_page)
    choices = _facet_choices(base)
    selected, notes = _clean_selection(params, choices)
    query = _clean_query(params.get("q", ""), notes)
    ranked = _search_ranked_pks(base, query) if query else None

    def narrowed(*, leaving_out: str | None = None) -> QuerySet[CaseStudyPage]:
        data = MultiValueDict({k: v for k, v in selected.items() if k != leaving_out and v})
        qs = CaseStudyFilterSet(data=data, queryset=base, choices=choices).qs
        return qs if ranked is None else qs.filter(pk__in=ranked)

    facets = []
    for name, label in FACETS.items():
        counts = _facet_counts(name, narrowed(leaving_out=name).values("pk"))
        facets.append(
            Facet(
                name=name,
                label=label,
                choices=[
                    FacetChoice(value, text, counts.get(value, 0), value in selected[name])
                    for value, text in choices[name]
                    if counts.get(value) or value in selected[name]
                ],
            )
        )

    sort = params.get("sort", "")
    if sort not in SORTS or (sort == "relevance" and not query):
        sort = "relevance" if query else "newest"
    results = narrowed()
    if sort == "relevance":
        # Keep the search's order: rank the matching ids in Python, then fetch one page of them.
        matching = set(results.values_list("pk", flat=True))
        paginator = Paginator([pk for pk in ranked if pk in matching], PER_PAGE)
    else:
        paginator = Paginator(
            results.order_by("-published_on", "-pk").values_list("pk", flat=True), PER_PAGE
        )
    page = paginator.page(_page_number(params.get("page"), paginator.num_pages, notes))
    cards = _case_study_cards().in_bulk(list(page.object_list))
    page.object_list = [cards[pk] for pk in page.object_list if pk in cards]
    return Library(
        query=query,
        sort=sort,
        page=page,
        facets=facets,
        selected=selected,
        notes=notes,
        active=_active_filters(query, selected, choices),
    )


def _active_filters(
    query: str, selected: dict[str, list[str]], choices: dict[str, list[tuple[str, str]]]
) -> list[tuple[str, str]]:
    """Each search or filter applied, with the query string that removes just that one."""

    def without(name: str, value: str) -> str:
        params = QueryDict(mutable=True)
        if query and name != "q":
            params["q"] = query
        for facet, values in selected.items():
            params.setlist(facet, [v for v in values if (facet, v) != (name, value)])
        return params.urlencode()

    active = []
    if query:
        active.append((f"Search: {query}", without("q", query)))
    for name, values in selected.items():
        labels = dict(choices[name])
        active += [(f"{FACETS[name]}: {labels[v]}", without(name, v)) for v in values]
    return active


def case_studies_for_feed(*, theme: Theme | None, limit: int = 20) -> list[CaseStudyPage]:
    case_studies = _case_study_cards()
    if theme is not None:
        case_studies = case_studies.filter(themes=theme)
    return list(case_studies[:limit])


def case_study_library_url(*, request: HttpRequest | None = None) -> str:
    """The address of the live library page, or the home page's if there is none."""
    index = CaseStudyIndexPage.objects.live().public().first()
    return (index.get_url(request=request) if index else None) or "/"


@dataclass(frozen=True)
class Submission:
    page: CaseStudyPage
    status: str
    label: str
    comment: str

    @classmethod
    def from_page(cls, page: CaseStudyPage, state: WorkflowState | None) -> "Submission":
        comment = ""
        if page.live:
            status, label = "published", "Published"
        elif state is None:
            status, label = "draft", "Draft: not yet sent to the editors"
        elif state.status == WorkflowState.STATUS_IN_PROGRESS:
            status, label = "in-review", "With the editors for review"
        elif state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            status, label = "changes-requested", "Changes requested by the editors"
            comment = state.current_task_state.comment if state.current_task_state else ""
        elif state.status == WorkflowState.STATUS_APPROVED:
            status, label = "approved", "Approved: waiting for its publication date"
        else:
            status, label = "withdrawn", "Review stopped by the editors"
        return cls(page=page, status=status, label=label, comment=comment or "")


def case_study_submissions(*, person: User) -> list[Submission]:
    """A member's submitted case studies, newest first, each with where it stands (two queries)."""
    pages = list(
        CaseStudyPage.objects.filter(submitted_by=person)
        .prefetch_related("councils")
        .order_by("-pk")
    )
    states: dict[str, WorkflowState] = {}
    if pages:
        for state in (
            WorkflowState.objects.filter(
                base_content_type=ContentType.objects.get_for_model(Page),
                object_id__in=[str(p.pk) for p in pages],
            )
            .select_related("current_task_state")
            .order_by("created_at")
        ):
            states[state.object_id] = state  # the latest run wins
    return [Submission.from_page(page, states.get(str(page.pk))) for page in pages]
