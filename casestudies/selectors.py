"""Reads about case studies: cards, the detail page's related content, and the faceted library."""

from array import array
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, ExtractYear, TruncYear
from django.http import HttpRequest, QueryDict
from wagtail.models import Page, WorkflowState

from club.models import CouncilType, Nation, User
from club.selectors import person_is_approved_member
from events.models import ExchangePage
from home.content_cache import is_serving, kept_for
from home.visibility import public

from .filters import FACETS, MANDATE_FIELDS
from .fragments import card_prefetches
from .models import CaseStudyIndexPage, CaseStudyPage
from .taxonomy import ChangeLevel, DeliveryModel, MandateLevel, Theme

RELATED_LIMIT = 3
RELATED_CANDIDATES = 100  # the newest case studies sharing a theme that the top-up ranks


def _live_case_studies() -> QuerySet[CaseStudyPage]:
    """Live, public case studies, newest first (read in that order from the published_on index)."""
    return public(CaseStudyPage.objects.live()).order_by("-published_on", "-pk")


def case_studies_latest(*, limit: int = 3) -> list[int]:
    """The newest case studies' ids, the same for every visitor: kept until the content changes."""
    return kept_for(
        ("latest-case-studies", limit),
        lambda: list(_live_case_studies().values_list("pk", flat=True)[:limit]),
    )


def _has_unsaved_relations(page: CaseStudyPage) -> bool:
    """True for a preview or a revision: its many-to-many choices live in memory (modelcluster).

    Such a page must be read through its relations' `.all()`; a saved page can be read with
    subqueries instead, which saves a query each.
    """
    return bool(getattr(page, "_cluster_related_objects", None))


def case_studies_related(*, page: CaseStudyPage, limit: int = RELATED_LIMIT) -> list[int]:
    """The case studies an editor chose (newest first), topped up with those sharing most themes.

    The top-up ranks the newest `RELATED_CANDIDATES` case studies sharing any theme with this
    one (read newest first from the published_on index) by the number of themes they share,
    then by date. Ranking every case study sharing a theme grew with the library: 36 ms at
    5,000 case studies and 360 ms at 50,000 (docs/performance.md). Their ids, for the cards
    (casestudies.fragments), in two or three small queries: the chosen ids, which of them are live
    (when there are any), and the top-up's candidates.
    """
    themes = CaseStudyPage.themes.through.objects
    if _has_unsaved_relations(page):
        chosen_ids = [p.pk for p in page.related_case_studies.all()]
        theme_ids: Any = [t.pk for t in page.themes.all()]
    else:
        chosen_ids = list(
            CaseStudyPage.related_case_studies.through.objects.filter(
                from_casestudypage_id=page.pk
            ).values_list("to_casestudypage_id", flat=True)
        )
        theme_ids = themes.filter(casestudypage_id=page.pk).values("theme_id")
    chosen = []
    if chosen_ids:  # live and public only, newest first
        live = _live_case_studies().filter(pk__in=chosen_ids).exclude(pk=page.pk)
        chosen = list(live.values_list("pk", flat=True)[:limit])
    if len(chosen) >= limit:
        return chosen
    shared = (
        themes.filter(casestudypage_id=OuterRef("pk"), theme_id__in=theme_ids)
        .order_by()
        .values("casestudypage_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # Ranked here: the candidates are few, and sorting them in SQL would mean reading them twice.
    candidates = (
        _live_case_studies()
        .exclude(pk__in=[page.pk, *chosen_ids])
        .filter(Exists(themes.filter(casestudypage_id=OuterRef("pk"), theme_id__in=theme_ids)))
        .annotate(shared=Subquery(shared, output_field=IntegerField()))
        .values_list("shared", "published_on", "pk")[:RELATED_CANDIDATES]
    )
    top_up = [pk for *_, pk in sorted(candidates, reverse=True)]
    return [*chosen, *top_up][:limit]


def _case_study_facts(page: CaseStudyPage) -> dict[str, Any]:
    """The page's councils, themes, delivery models and Exchanges, and its related case studies."""
    exchanges = public(ExchangePage.objects.live()).order_by("starts_at")
    if _has_unsaved_relations(page):
        exchanges = exchanges.filter(pk__in=[e.pk for e in page.exchanges.all()])
    else:
        exchanges = exchanges.filter(
            pk__in=CaseStudyPage.exchanges.through.objects.filter(casestudypage_id=page.pk).values(
                "exchangepage_id"
            )
        )
    councils = list(page.councils.all())
    return {
        "councils": councils,
        "nations": sorted({c.get_nation_display() for c in councils}),
        "regions": sorted({c.region for c in councils if c.region}),
        "council_types": sorted({c.get_council_type_display() for c in councils}),
        "themes": list(page.themes.all()),
        "delivery_models": list(page.delivery_models.all()),
        "exchanges": list(exchanges),
        "related_case_study_ids": case_studies_related(page=page),
    }


def case_study_detail_context(*, page: CaseStudyPage, viewer: User | AnonymousUser) -> dict:
    """What the case-study page shows beyond its own fields.

    The page's facts (its councils, themes, delivery models, Exchanges and related case
    studies' ids, which casestudies.fragments shows) change only with the content: while the
    live page is served they are kept (home.content_cache), so an anonymous visitor's request
    reads nothing more; a preview reads them afresh (seven or eight queries). A member also
    reads the contact.
    """
    if is_serving() and not _has_unsaved_relations(page):
        facts = dict(kept_for(("case-study-facts", page.pk), lambda: _case_study_facts(page)))
    else:
        facts = _case_study_facts(page)
    is_member = person_is_approved_member(person=viewer)
    contact = None
    if is_member and page.contact_id:
        contact = User.objects.filter(pk=page.contact_id, is_active=True).first()
    return {**facts, "viewer_is_member": is_member, "contact": contact}


# --- The library: faceted browse with full-text search ------------------------------------------

PER_PAGE = 12
SEARCH_MAX_CHARS = 200
# A choice of filters leaving at most this many keeps their ids in order (4 bytes each), and so
# does the whole library, the listing most visited, whatever its size.
KEPT_IDS = 5_000
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
    # Without search words the facets are the same for everyone choosing these filters, until
    # the content changes: this names them (casestudies.fragments keeps them), else None.
    facets_key: tuple | None = None

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
    """Every facet's choices; themes, delivery models and the years in use come in one query.

    The years are found newest first, one index lookup a year (a "loose index scan"): the
    newest case study, then the newest one before that one's year began, and so on. Reading
    every case study for its year cost 7 ms at 5,000 and 69 ms at 50,000 (docs/performance.md);
    this costs one short lookup per year in use, whatever the size of the library.
    """

    def tagged(queryset: QuerySet, facet: str) -> QuerySet:
        return queryset.order_by().annotate(facet=Value(facet, output_field=CharField()))

    themes = tagged(Theme.objects, "theme").values_list("facet", "slug", "name")
    models = tagged(DeliveryModel.objects, "model").values_list("facet", "slug", "name")
    newest_first = base.order_by("-published_on", "-pk").values("published_on")
    year_began = TruncYear(RawSQL("y.latest", [], output_field=DateField()))
    newest = newest_first[:1]
    before = newest_first.filter(published_on__lt=year_began)[:1]
    db = base.db
    compiled = [
        qs.query.get_compiler(using=db).as_sql() for qs in (newest, before, themes.union(models))
    ]
    (newest_sql, newest_params), (before_sql, before_params), (named_sql, named_params) = compiled
    year_sql, year_params = connections[db].ops.date_extract_sql("year", "y.latest", ())
    sql = (
        f"WITH RECURSIVE y (latest) AS (SELECT ({newest_sql})"  # noqa: S608 - compiled by Django
        f" UNION ALL SELECT ({before_sql}) FROM y WHERE y.latest IS NOT NULL)"
        f" SELECT * FROM ({named_sql}) named"
        f" UNION ALL SELECT 'year', CAST({year_sql} AS VARCHAR(10)), '' FROM y"
        " WHERE y.latest IS NOT NULL ORDER BY 1, 3"
    )
    rows: dict[str, list[tuple[str, str]]] = {"theme": [], "model": [], "year": []}
    with connections[db].cursor() as cursor:
        cursor.execute(sql, [*newest_params, *before_params, *named_params, *year_params])
        # Names sorted by the database (its collation orders them as it always has).
        for facet, value, label in cursor.fetchall():
            rows[facet].append((value, label or value))
    return {
        "theme": rows["theme"],
        "model": rows["model"],
        "change": list(ChangeLevel.choices),
        "mandate": [(level.value, level.label.split(":")[0]) for level in MandateLevel],
        "nation": list(Nation.choices),
        "type": list(CouncilType.choices),
        "year": sorted(rows["year"], reverse=True),
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


def _search(base: QuerySet[CaseStudyPage], query: str) -> QuerySet[CaseStudyPage]:
    """The case studies matching every word, best match first, as a queryset to narrow further.

    Both database search backends (PostgreSQL and SQLite) hand back a Django queryset, so the
    filters, the facet counts and the page of results each stay one SQL query around it.
    """
    if connections[base.db].vendor == "sqlite":
        return _sqlite_search(base, query)
    return base.search(query, operator="and", order_by_relevance=True).get_queryset()


# The search index's tables on SQLite (Wagtail's database search backend, FTS5).
_FTS = "wagtailsearch_indexentry_fts"
_ENTRY = "wagtailsearch_indexentry"


def _sqlite_search(base: QuerySet[CaseStudyPage], query: str) -> QuerySet[CaseStudyPage]:
    """Every word, best match first, on SQLite: the same BM25 ranking the search backend uses
    (a title match counts for more), looked up through the index entry's own index.

    The backend's relevance ordering compares the index's text object ids with integer page ids,
    so SQLite can use no index for it and searches the whole index again for every match: three
    seconds for one search of 5,000 case studies (docs/performance.md). Here each match's score
    is one indexed lookup.
    """
    terms = query.split()
    if not terms:
        return base
    # FTS5 syntax: each word a quoted string (a quote inside doubled), all of them required,
    # in the title or the body.
    words = " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)
    match = f"{{title body}} : ({words})"
    content_type = ContentType.objects.get_for_model(CaseStudyPage).pk
    page_table = CaseStudyPage._meta.db_table
    matched_ids = RawSQL(  # noqa: S611 - the words are a parameter
        # CROSS JOIN: SQLite then runs the full-text match once and looks up each entry,
        # instead of probing the full-text index once for every entry in the index.
        f"SELECT CAST(e.object_id AS INTEGER) FROM {_FTS}"  # noqa: S608 - fixed names
        f" CROSS JOIN {_ENTRY} e ON e.id = {_FTS}.rowid"
        f" WHERE {_FTS} MATCH %s AND e.content_type_id = %s",
        [match, content_type],
    )
    score = RawSQL(  # noqa: S611 - the words are a parameter
        f"SELECT bm25({_FTS}) * (e.title_norm + 1) FROM {_ENTRY} e"  # noqa: S608 - fixed names
        f" JOIN {_FTS} ON {_FTS}.rowid = e.id"
        f" WHERE e.content_type_id = %s AND e.object_id = CAST({page_table}.page_ptr_id AS TEXT)"
        f" AND {_FTS} MATCH %s",
        [content_type, match],
        output_field=FloatField(),
    )
    # BM25 scores are negative, the best match lowest.
    return base.filter(pk__in=matched_ids).annotate(_score=score).order_by("_score", "-pk")


def _facet_conditions(selected: dict[str, list[str]]) -> dict[str, Q]:
    """What each facet with a selection asks of a case study (choices within a facet: any).

    Many-to-many facets test the page's id against one uncorrelated subquery each, which the
    database works out once (a hashed set) rather than once a row.
    """
    themes = CaseStudyPage.themes.through.objects
    models = CaseStudyPage.delivery_models.through.objects
    councils = CaseStudyPage.councils.through.objects
    conditions = {}
    for name, values in selected.items():
        if not values:
            continue
        if name == "theme":
            ids = themes.filter(theme__slug__in=values).values("casestudypage_id")
        elif name == "model":
            ids = models.filter(deliverymodel__slug__in=values).values("casestudypage_id")
        elif name == "nation":
            ids = councils.filter(council__nation__in=values).values("casestudypage_id")
        elif name == "type":
            ids = councils.filter(council__council_type__in=values).values("casestudypage_id")
        else:
            ids = None
        if ids is not None:
            condition = Q(pk__in=ids)
        elif name == "change":
            condition = Q(change_level__in=values)
        elif name == "mandate":
            condition = Q()
            for level in values:
                condition |= Q(**{MANDATE_FIELDS[level]: True})
        else:  # year
            condition = Q(published_on__year__in=[int(v) for v in values])
        conditions[name] = condition
    return conditions


@dataclass
class _Narrowed:
    counts: dict[str, dict[str, int]]  # facet -> choice -> case studies
    total: int
    page_ids: list[int]  # the requested page of results, in order


def _narrow(
    matching: QuerySet[CaseStudyPage],
    conditions: dict[str, Q],
    order_by: list,
    offset: int,
) -> _Narrowed:
    """Facet counts, the total and one page of results, in one query.

    The matching case studies (the search, when there is one, runs here and only here) are
    worked out once in a common table expression, with the values they are sorted by and a
    flag per applied facet. Each facet is then counted over the rows that pass every *other*
    facet (so choices within a facet stay alternatives), as one grouped branch of a `UNION ALL`;
    another branch sorts the rows that pass every facet and gives the page of results, moved
    back to the last page when `offset` is past the end. Only those rows are sorted: numbering
    every matching row in order sorted the whole library on each request (90 ms at 50,000).
    """
    connection = connections[matching.db]
    quote = connection.ops.quote_name
    flags = {
        f"ok_{name}": ExpressionWrapper(condition, output_field=BooleanField())
        for name, condition in conditions.items()
    }
    sort_keys = {f"sort_{n}": key for n, key in enumerate(_sort_keys(order_by))}
    # Model fields first, then annotations: the order Django selects them in.
    columns = ["pk", "change_level", *MANDATE_FIELDS.values(), "facet_year", *sort_keys, *flags]
    rows = (
        matching.order_by()
        .annotate(
            facet_year=Cast(ExtractYear("published_on"), CharField()),
            **{name: expression for name, (expression, _) in sort_keys.items()},
            **flags,
        )
        .values(*columns)
    )
    in_order = ", ".join(
        f"{name} {'DESC' if descending else 'ASC'}" for name, (_, descending) in sort_keys.items()
    )
    inner_sql, inner_params = rows.query.get_compiler(using=matching.db).as_sql()
    names = ["id", *columns[1:]]  # the common table expression names its columns itself

    def where(leaving_out: str | None = None) -> str:
        applied = [f"m.ok_{name}" for name in conditions if name != leaving_out]
        return " AND ".join(applied) if applied else "1 = 1"

    def joined(relation: str, alias: str) -> str:
        """`m` joined through a many-to-many relation to the related table, as `alias`."""
        field = CaseStudyPage._meta.get_field(relation)
        through = quote(field.remote_field.through._meta.db_table)
        return (
            f"m JOIN {through} x ON x.{quote(field.m2m_column_name())} = m.id"
            f" JOIN {quote(field.related_model._meta.db_table)} {alias}"
            f" ON {alias}.id = x.{quote(field.m2m_reverse_name())}"
        )

    # The page: `offset` if there are that many results, else the last page's first row.
    start = (
        f"(SELECT CASE WHEN %s < COUNT(*) THEN %s ELSE ((COUNT(*) - 1) / {PER_PAGE}) * {PER_PAGE}"  # noqa: S608
        f" END FROM m WHERE {where()})"
    )
    # The page's rows, numbered in order (the twelve of them, not every match).
    page = (
        f"(SELECT r.id, ROW_NUMBER() OVER (ORDER BY {in_order}) AS position"  # noqa: S608
        f" FROM (SELECT m.* FROM m WHERE {where()} ORDER BY {in_order}"
        f" LIMIT {PER_PAGE} OFFSET {start}) r) p"
    )
    # (facet, value expression, count expression, tables, condition, grouped by the value?)
    branches = [
        ("'total'", "''", "COUNT(*)", "m", where(), False),
        ("'page'", "CAST(p.id AS VARCHAR(20))", "p.position", page, "1 = 1", False),
        ("'theme'", "t.slug", "COUNT(*)", joined("themes", "t"), where("theme"), True),
        ("'model'", "t.slug", "COUNT(*)", joined("delivery_models", "t"), where("model"), True),
        ("'change'", "m.change_level", "COUNT(*)", "m", where("change"), True),
        ("'year'", "m.facet_year", "COUNT(*)", "m", where("year"), True),
        *(
            ("'mandate'", f"'{level}'", "COUNT(*)", "m", f"{where('mandate')} AND m.{flag}", False)
            for level, flag in MANDATE_FIELDS.items()
        ),
        # A case study with two councils in one nation counts once.
        *(
            (
                f"'{name}'",
                f"c.{column}",
                "COUNT(DISTINCT m.id)",
                joined("councils", "c"),
                where(name),
                True,
            )
            for name, column in (("nation", "nation"), ("type", "council_type"))
        ),
    ]
    selects = [
        f"SELECT {facet}, {value}, {count} FROM {tables} WHERE {condition}"  # noqa: S608
        + (f" GROUP BY {value}" if grouped else "")
        for facet, value, count, tables, condition, grouped in branches
    ]
    # Every name in the SQL comes from the models or the constants above; values are parameters.
    sql = f"WITH m ({', '.join(names)}) AS MATERIALIZED ({inner_sql}) " + " UNION ALL ".join(
        selects
    )
    narrowed = _Narrowed(counts={name: {} for name in FACETS}, total=0, page_ids=[])
    page_rows = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [*inner_params, offset, offset])
        for facet, value, n in cursor.fetchall():
            if facet == "total":
                narrowed.total = n
            elif facet == "page":
                page_rows.append((n, int(value)))
            elif n:
                narrowed.counts[facet][str(value)] = n
    narrowed.page_ids = [pk for _, pk in sorted(page_rows)]
    return narrowed


def _choice_key(selected: dict[str, list[str]]) -> tuple:
    return tuple((name, tuple(sorted(values))) for name, values in selected.items() if values)


def _browse(
    index_page: CaseStudyIndexPage,
    base: QuerySet[CaseStudyPage],
    selected: dict[str, list[str]],
    conditions: dict[str, Q],
    order_by: list,
    offset: int,
) -> _Narrowed:
    """The library without search words, for one choice of filters.

    Its facet counts and total, and for a choice that leaves at most `KEPT_IDS` case studies (or
    no filter at all) their ids in order, are the same for every visitor until the content
    changes, so they are kept (home.content_cache). Counting afresh reads the whole library
    (600 ms at 50,000 case studies with two filters, docs/performance.md); a request then reads
    only its page's ids, newest first from the published_on index, or none at all.
    """
    choice = _choice_key(selected)
    matching = base.filter(*conditions.values()).order_by(*order_by)
    computed: list[_Narrowed] = []

    def count() -> tuple[dict[str, dict[str, int]], int, array | None]:
        computed.append(_narrow(base, conditions, order_by, offset))
        counts, total = computed[0].counts, computed[0].total
        keep_ids = total <= KEPT_IDS or not choice
        ids = array("i", matching.values_list("pk", flat=True)) if keep_ids else None
        return counts, total, ids

    counts, total, ids = kept_for(("library-counts", index_page.pk, choice), count)
    if computed:
        return computed[0]
    # Past the end: the last page, as `_narrow` does.
    start = offset if offset < total else max(total - 1, 0) // PER_PAGE * PER_PAGE
    if ids is not None:
        page_ids = list(ids[start : start + PER_PAGE])
    else:
        page_ids = list(matching.values_list("pk", flat=True)[start : start + PER_PAGE])
    return _Narrowed(counts=counts, total=total, page_ids=page_ids)


def _sort_keys(order_by: list) -> list[tuple[Any, bool]]:
    """Each term of a queryset's ordering as (expression, descending)."""
    keys = []
    for term in order_by:
        if isinstance(term, str):
            keys.append((F(term.lstrip("-")), term.startswith("-")))
        else:  # an OrderBy expression, such as the search backend's rank
            keys.append((term.expression, term.descending))
    return keys


def _requested_page(raw: str | None, notes: list[str]) -> int:
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
    return number


def _page_number(requested: int, num_pages: int, notes: list[str]) -> int:
    if requested > num_pages:
        notes.append(
            "There is only one page of results, so here it is."
            if num_pages == 1
            else f"There are only {num_pages} pages of results, so here is the last one."
        )
        return num_pages
    return requested


def case_study_library(*, index_page: CaseStudyIndexPage, params: QueryDict) -> Library:
    """The library as the address asks for it: search, facets with counts, sort and one page.

    Four queries whatever the number of case studies: the choices; the facet counts, the total
    and the page's ids (the search runs inside this one, once); the page's case studies; and
    their councils and themes. The choices, and the counts of each choice of filters without
    search words, are the same for every visitor until the content changes, so they are kept
    (home.content_cache).
    """
    live = CaseStudyPage.objects.live().child_of(index_page)
    base = public(live)
    choices = kept_for(("library-choices", index_page.pk), lambda: _facet_choices(base))
    selected, notes = _clean_selection(params, choices)
    query = _clean_query(params.get("q", ""), notes)
    # The search backend accepts only its own filter fields, so the restriction test goes on after.
    matching = public(_search(live, query)) if query else base

    sort = params.get("sort", "")
    if sort not in SORTS or (sort == "relevance" and not query):
        sort = "relevance" if query else "newest"
    # Relevance: the search's own order, best match first.
    order_by = list(matching.query.order_by) if sort == "relevance" else ["-published_on", "-pk"]
    requested = _requested_page(params.get("page"), notes)
    conditions = _facet_conditions(selected)
    offset = (requested - 1) * PER_PAGE
    if query:
        narrowed = _narrow(matching, conditions, order_by, offset)
    else:
        narrowed = _browse(index_page, base, selected, conditions, order_by, offset)

    facets = []
    for name, label in FACETS.items():
        counts = narrowed.counts[name]
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

    paginator = Paginator([], PER_PAGE)
    paginator.count = narrowed.total  # counted with the facets
    page = paginator.page(_page_number(requested, paginator.num_pages, notes))
    page.object_list = narrowed.page_ids  # their cards: casestudies.fragments
    return Library(
        query=query,
        sort=sort,
        page=page,
        facets=facets,
        selected=selected,
        notes=notes,
        active=_active_filters(query, selected, choices),
        facets_key=None if query else (index_page.pk, _choice_key(selected)),
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
    case_studies = _live_case_studies().prefetch_related(*card_prefetches())
    if theme is not None:
        case_studies = case_studies.filter(themes=theme)
    return list(case_studies[:limit])


def case_study_library_url(*, request: HttpRequest | None = None) -> str:
    """The address of the live library page, or the home page's if there is none."""
    index = public(CaseStudyIndexPage.objects.live()).first()
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
