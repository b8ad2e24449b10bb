"""Synthetic data at scale, inserted in bulk.

The demo loader lays out the page tree (home, content pages, the two indexes, the taxonomy); this
module then adds councils, people, memberships, Exchanges, registrations and case studies in
bulk. Wagtail pages are inserted without `add_child`: their treebeard paths are computed here
and the base `Page` rows and the subclass rows are written in batches. Instances are built with
each app's own factories (`.build()`), so a field another engineer adds keeps its default.
On PostgreSQL the big plain tables go in with COPY.
"""

from __future__ import annotations

import itertools
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone
from wagtail.models import Page

from home.content_cache import content_changed

BATCH = 2_000
EMAIL_DOMAIN = "bench.example"


@dataclass(frozen=True)
class Scale:
    councils: int
    people: int
    exchanges: int
    registrations: int
    case_studies: int

    def times(self, factor: int) -> Scale:
        return Scale(**{name: value * factor for name, value in asdict(self).items()})


FULL = Scale(councils=400, people=20_000, exchanges=200, registrations=100_000, case_studies=5_000)
QUICK = Scale(councils=40, people=1_000, exchanges=20, registrations=5_000, case_studies=250)
TINY = Scale(councils=4, people=40, exchanges=4, registrations=60, case_studies=12)

# Words for titles and bodies, so full-text search has realistic, varied text to match.
TOPICS = [
    "adult social care",
    "children's services",
    "housing",
    "waste and recycling",
    "libraries",
    "highways",
    "planning",
    "public health",
    "leisure",
    "customer contact",
    "revenues and benefits",
    "economic development",
    "climate and net zero",
    "community safety",
    "transport",
    "digital services",
    "workforce",
    "procurement",
    "regeneration",
    "youth services",
]
VERBS = [
    "Rethinking",
    "Redesigning",
    "Sharing",
    "Commissioning",
    "Co-producing",
    "Automating",
    "Joining up",
    "Growing",
    "Funding",
    "Localising",
    "Simplifying",
    "Opening up",
]
# Case-study text is drawn the way real writing is: a few general words in almost every case
# study, most words rarer the further down the list they are (Zipf's law: the word ranked r
# comes up about 1/r as often as the first), and each case study's own topic supplying the
# specific words. A search for a topic's word then matches the few case studies about it, as
# in a real library, while a general word still matches most of them.
_COMMON_TEXT = (
    "council residents services team change people budget community partners outcomes data "
    "staff approach pilot evidence leadership members officers savings demand digital "
    "prevention local partnership design users feedback risk innovation culture funding "
    "engagement collaboration trust insight improvement capacity mindset workshop "
    "transformation transactional transitional transformational better differently new "
    "cross-party mandate co-production commissioning commercialism prototype dashboard "
    "platform channel shift early intervention integrated neighbourhood hub locality place "
    "wellbeing evaluation governance scrutiny cabinet portfolio strategy ambition listening "
    "volunteers income trading company shared budgeting anchor institutions wealth building value "
    "skills employment enterprise rural coastal market town estate automation sensors"
)
COMMON_WORDS = _COMMON_TEXT.split()
_COMMON_CUMULATIVE = list(itertools.accumulate(1 / r for r in range(1, len(COMMON_WORDS) + 1)))
TOPIC_WORDS = {
    "adult social care": "adults social care carers dementia reablement telecare falls "
    "hospital discharge domiciliary loneliness independence assessment",
    "children's services": "children families schools fostering adoption safeguarding early help "
    "early years nurseries care leavers youth parenting attainment",
    "housing": "housing tenants landlords homelessness temporary accommodation repairs "
    "voids allocations damp mould lettings rough sleeping",
    "waste and recycling": "waste recycling collections bins food kerbside fly-tipping "
    "landfill reuse depot rounds contamination",
    "libraries": "libraries books reading lending makerspace literacy branch volunteers "
    "events catalogue study archives",
    "highways": "highways potholes roads resurfacing gritting streetlights drainage "
    "footways inspections defects contractors",
    "planning": "planning applications local plan developers design code conservation "
    "enforcement validation appeals heritage",
    "public health": "public health smoking obesity physical activity screening "
    "vaccination substance misuse sexual health inequalities",
    "leisure": "leisure pools gyms parks sport playing fields memberships trust "
    "facilities activity centres",
    "customer contact": "customer contact centre calls webchat complaints enquiries "
    "self-service telephony queues satisfaction",
    "revenues and benefits": "revenues benefits council tax arrears debt collection "
    "discretionary payments hardship reductions billing",
    "economic development": "economy high street town centre investment inward "
    "businesses start-ups grants regeneration jobs",
    "climate and net zero": "climate net zero carbon emissions retrofit insulation heat "
    "pumps solar biodiversity flooding adaptation",
    "community safety": "community safety antisocial behaviour policing crime cctv "
    "domestic abuse violence patrols wardens",
    "transport": "transport buses cycling walking rail parking congestion electric "
    "vehicles charging routes concessionary",
    "digital services": "digital services website apps online forms cloud cyber "
    "broadband connectivity accessibility software",
    "workforce": "workforce recruitment retention apprenticeships agile wellbeing "
    "training pay hybrid working vacancies",
    "procurement": "procurement contracts tenders suppliers social value spend frameworks "
    "category sourcing audits",
    "regeneration": "regeneration masterplan brownfield land assembly homes "
    "placemaking heritage quarter riverside demolition",
    "youth services": "youth services clubs young people detached workers mentoring "
    "apprentices holiday activities participation",
}
_TOPIC_WORD_LISTS = {topic: text.split() for topic, text in TOPIC_WORDS.items()}
_ALL_TOPIC_WORDS = sorted({w for words in _TOPIC_WORD_LISTS.values() for w in words})
NATIONS = ["england", "scotland", "wales", "northern-ireland"]
COUNCIL_TYPES = ["county", "district", "unitary", "metropolitan-borough", "london-borough"]
ROLES = ["councillor", "political-leader", "chief-executive", "director", "officer"]


def sentence(rng: random.Random, words: int, topic: str | None = None) -> str:
    """A quarter of the words from the topic, one in twenty-five from any topic, the rest common."""
    chosen = rng.choices(COMMON_WORDS, cum_weights=_COMMON_CUMULATIVE, k=words)
    own = _TOPIC_WORD_LISTS[topic] if topic is not None else None
    for position in range(words):
        draw = rng.random()
        if own is not None and draw < 0.25:
            chosen[position] = rng.choice(own)
        elif draw > 0.96:  # a passing mention of another topic
            chosen[position] = rng.choice(_ALL_TOPIC_WORDS)
    return " ".join(chosen).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 4, topic: str | None = None) -> str:
    return " ".join(sentence(rng, rng.randint(8, 16), topic) for _ in range(sentences))


def chunks(items: Sequence, size: int = BATCH) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Bulk writers -----------------------------------------------------------------------------


def copy_insert(model: type[models.Model], rows: Iterable[models.Model]) -> int:
    """Insert unsaved instances: COPY on PostgreSQL, bulk_create elsewhere. Returns the count."""
    rows = list(rows)
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    for obj in rows:
        for field in fields:
            field.pre_save(obj, add=True)  # auto_now_add and friends fill themselves in
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"COPY {table} ({columns}) FROM STDIN"  # noqa: S608 - names from the model's own meta
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for obj in rows:
            copy.write_row(
                [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
            )
    return len(rows)


def copy_values(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows given as plain values by attname (ints, text, dates, None, booleans).

    For the million-row tables: no model instance per row. Every column the row leaves out
    gets the field's default, worked out once (per row for callable defaults such as a UUID),
    so a field another app adds keeps its default as with `copy_insert`. COPY on PostgreSQL,
    model instances through `copy_insert` elsewhere.
    """
    if connection.vendor != "postgresql":
        return copy_insert(model, (model(**row) for row in rows))
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    now = timezone.now()
    fixed: dict[str, Any] = {}
    per_row: dict[str, models.Field] = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fixed[field.attname] = field.get_db_prep_save(now, connection)
        elif field.has_default() and callable(field.default):
            per_row[field.attname] = field
        else:
            fixed[field.attname] = field.get_db_prep_save(field.get_default(), connection)
    names = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"COPY {table} ({columns}) FROM STDIN"  # noqa: S608 - names from the model's own meta
    # A generator's own queries run before its first row: draw that row before COPY holds the
    # connection, or the generator would wait on the COPY and the COPY on the generator.
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in itertools.chain([first], rows):
            copy.write_row(
                [
                    row[name]
                    if name in row
                    else per_row[name].get_db_prep_save(per_row[name].get_default(), connection)
                    if name in per_row
                    else fixed[name]
                    for name in names
                ]
            )
            count += 1
    return count


def _tree_fields() -> list[models.Field]:
    return [f for f in Page._meta.concrete_fields if f.attname != "id"]


def bulk_add_pages(parent: Page, pages: Sequence[Page]) -> list[Page]:
    """Add live pages of one specific type under `parent`, in batches, with treebeard paths.

    The same rows `add_child` would write (path, depth, url_path, locale, translation key),
    without a query per page. Only one level of inheritance (Page → the page type) is handled,
    which is what every page type here has.
    """
    if not pages:
        return []
    model = type(pages[0])
    parent = Page.objects.get(pk=parent.pk)
    last = parent.get_last_child()
    start = (Page._str2int(last.path[-Page.steplen :]) if last else 0) + 1
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    for offset, page in enumerate(pages):
        page.depth = parent.depth + 1
        page.path = Page._get_path(parent.path, page.depth, start + offset)
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.content_type = content_type
        page.locale_id = parent.locale_id
        page.translation_key = uuid.uuid4()
        page.live = True
        page.has_unpublished_changes = False
        page.draft_title = page.title
        page.first_published_at = page.first_published_at or now
        page.last_published_at = page.last_published_at or now
        page.latest_revision_created_at = None
    tree_fields = _tree_fields()
    base_rows = [Page(**{f.attname: getattr(p, f.attname) for f in tree_fields}) for p in pages]
    Page.objects.bulk_create(base_rows, batch_size=BATCH)
    local_fields = model._meta.local_concrete_fields
    for page, base in zip(pages, base_rows, strict=True):
        page.pk = page.id = page.page_ptr_id = base.pk
    for batch in chunks(pages, 500):
        # Only the subclass table: the Page rows are already there.
        model._base_manager._insert(batch, fields=local_fields, raw=True)
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(pages))
    return list(pages)


def bulk_m2m(model: type[models.Model], name: str, pairs: Iterable[tuple[int, int]]) -> int:
    """Insert rows of a many-to-many through table from (source id, target id) pairs."""
    field = model._meta.get_field(name)
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    rows = [through(**{f"{source}_id": s, f"{target}_id": t}) for s, t in pairs]
    return copy_insert(through, rows)


def _attach_m2m(model: type[models.Model], objects: list[models.Model], pks: Sequence) -> None:
    """Hand each page its many-to-many values in memory, in two queries per relation.

    The indexer reads a page's related fields once per vector (five times), and a
    ParentalManyToManyField ignores prefetch_related, so left alone that costs ~10 queries a page.
    """
    for field in model._meta.get_fields():
        if not field.many_to_many or field.auto_created:
            continue
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        links = list(
            through.objects.filter(**{f"{source}_id__in": pks}).values_list(
                f"{source}_id", f"{target}_id"
            )
        )
        targets = field.related_model._default_manager.in_bulk({t for _, t in links})
        by_source: dict[int, list] = {}
        for source_id, target_id in links:
            by_source.setdefault(source_id, []).append(targets[target_id])
        for obj in objects:
            setattr(obj, field.name, by_source.get(obj.pk, []))


def _vector(texts: list[tuple[str, str]], config: str | None) -> tuple[str, list]:
    """The SQL Wagtail's SearchVector(Value(text), weight=..., config=...) sum compiles to."""
    if not texts:
        return "''::tsvector", []
    one = (
        "setweight(to_tsvector(%s::regconfig, %s), %s)"
        if config
        else ("setweight(to_tsvector(%s), %s)")
    )
    params: list = []
    for text, weight in texts:
        params += [config, text, weight] if config else [text, weight]
    return " || ".join([one] * len(texts)), params


def _write_index_entries(model: type[models.Model], objects: list[models.Model]) -> None:
    """Write the rows PostgresIndex.add_items writes, building each vector in one pass.

    Wagtail's own add_items compiles a Django expression per field per page (~12 ms a page on
    this machine), which would make the 50,000-page seed take longer than the whole benchmark.
    The text extraction is Wagtail's (ObjectIndexer.prepare_field); only the SQL is assembled
    here. tests/bench checks the result matches add_items for the same page.
    """
    from modelsearch.backends.database.postgres.postgres import IndexEntry, ObjectIndexer
    from modelsearch.index import AutocompleteField, SearchField
    from modelsearch.utils import get_content_type_pk
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    content_type = get_content_type_pk(model)
    values_sql, params = [], []
    for obj in objects:
        indexer = ObjectIndexer(obj, backend)
        title, body, autocomplete = [], [], []
        for search_field in indexer.search_fields:
            for field, weight, value in indexer.prepare_field(obj, search_field):
                text = value.strip()
                if not text:
                    continue
                if isinstance(field, AutocompleteField):
                    autocomplete.append((text, weight))
                elif isinstance(field, SearchField):
                    (title if field.field_name == "title" else body).append((text, weight))
        parts = [
            _vector(title, backend.config),
            _vector(autocomplete, backend.autocomplete_config),
            _vector(body, backend.config),
        ]
        values_sql.append(f"(%s, %s, {parts[0][0]}, {parts[1][0]}, {parts[2][0]}, 1.0, %s, %s)")
        params += [content_type, str(obj.pk), *parts[0][1], *parts[1][1], *parts[2][1]]
        params += [" ".join(t for t, _ in title), " ".join(t for t, _ in body)]
    table = IndexEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (content_type_id, object_id, title, autocomplete, body,"  # noqa: S608
            f" title_norm, title_text, body_text) VALUES {', '.join(values_sql)}"
            " ON CONFLICT (content_type_id, object_id) DO NOTHING",
            params,
        )


def index_for_search(model: type[models.Model], pks: Sequence[int]) -> None:
    """Fill Wagtail's search index for these pages, in batches.

    On PostgreSQL the rows are written by _write_index_entries; elsewhere (SQLite FTS) through
    the backend's own add_bulk, which is quick enough at the sizes SQLite is measured at.
    """
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    for batch in chunks(list(pks), 500):
        objects = list(model.objects.filter(pk__in=batch))
        _attach_m2m(model, objects, batch)
        if not objects:
            continue
        if connection.vendor == "postgresql":
            _write_index_entries(model, objects)
        else:
            backend.add_bulk(model, objects)
    if connection.vendor == "postgresql":
        backend.get_index_for_model(model)._refresh_title_norms(full=True)


# --- The seed -----------------------------------------------------------------------------------


class Timer:
    def __init__(self) -> None:
        self.steps: dict[str, float] = {}

    def __call__(self, name: str, fn: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = fn()
        self.steps[name] = round(time.perf_counter() - started, 2)
        return result


def load_demo_tree() -> dict[str, Any]:
    """The demo loader's page tree, councils and taxonomy: the runner keeps it in its template."""
    started = time.perf_counter()
    call_command("load_demo", password="bench-demo-password")  # noqa: S106
    return {"seconds": round(time.perf_counter() - started, 1)}


def seed(*, scale: Scale, rng_seed: int = 9, demo: bool = True) -> dict[str, Any]:
    """Lay out the demo tree (unless the database already has it, `demo=False`), then add
    `scale` worth of synthetic data. Returns counts and times."""
    rng = random.Random(rng_seed)  # noqa: S311 - repeatable data, not secrets
    timer = Timer()
    started = time.perf_counter()
    if demo:
        timer("demo tree", load_demo_tree)
    with transaction.atomic():
        councils = timer("councils", lambda: _councils(scale, rng))
        people = timer("people", lambda: _people(scale, rng, councils))
        exchanges = timer("exchanges", lambda: _exchanges(scale, rng))
        registrations = timer(
            "registrations", lambda: _registrations(scale, rng, exchanges, people)
        )
        case_studies = timer("case studies", lambda: _case_studies(scale, rng, councils))
        # Bulk rows send no signals: renew the content token as an editor's change would, so
        # that no process keeps the tree or the library's counts from before the seeding.
        content_changed()
    from casestudies.models import CaseStudyPage
    from events.models import ExchangePage

    timer("search index", lambda: index_for_search(CaseStudyPage, case_studies))
    timer("search index exchanges", lambda: index_for_search(ExchangePage, exchanges))
    if connection.vendor == "postgresql":
        # As autovacuum leaves a database that has been running a while: fresh statistics, and
        # visibility maps so that counts can be read from an index alone. VACUUM cannot run in
        # a transaction (a test's seeding is in one): statistics only, then.
        statement = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        timer("vacuum analyze", lambda: connection.cursor().execute(statement))
        if not connection.in_atomic_block:
            # Write the seed out now, not in a checkpoint that would land on the measurements.
            timer("checkpoint", lambda: connection.cursor().execute("CHECKPOINT"))
    return {
        "scale": asdict(scale),
        "rows": {
            "councils": len(councils),
            "people": len(people),
            "exchanges": len(exchanges),
            "registrations": registrations,
            "case_studies": len(case_studies),
        },
        "seconds": round(time.perf_counter() - started, 1),
        "steps": timer.steps,
    }


def _councils(scale: Scale, rng: random.Random) -> list[int]:
    from club.models import Council, CouncilEmailDomain

    rows = [
        Council(
            name=f"Bench Council {n:05d}",
            slug=f"bench-council-{n:05d}",
            nation=NATIONS[n % len(NATIONS)],
            council_type=COUNCIL_TYPES[n % len(COUNCIL_TYPES)],
            region=f"Region {n % 12}",
            membership_status="member" if n % 10 else "owner",
        )
        for n in range(scale.councils)
    ]
    Council.objects.bulk_create(rows, batch_size=BATCH)
    copy_insert(
        CouncilEmailDomain,
        (
            CouncilEmailDomain(council_id=c.pk, domain=f"c{n}.{EMAIL_DOMAIN}")
            for n, c in enumerate(rows)
        ),
    )
    return [c.pk for c in rows]


def _people(scale: Scale, rng: random.Random, councils: list[int]) -> list[int]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from club.models import Membership

    user_model = get_user_model()
    password = make_password("bench-password")  # one hash for everyone: hashing is not measured
    now = timezone.now()
    rows = [
        user_model(
            email=f"person{n}@c{n % len(councils)}.{EMAIL_DOMAIN}",
            first_name=f"Person{n}",
            last_name=f"Bench{n % 997}",
            password=password,
            is_active=True,
            date_joined=now,
        )
        for n in range(scale.people)
    ]
    copy_insert(user_model, rows)
    ids = list(
        user_model.objects.filter(email__endswith=f".{EMAIL_DOMAIN}")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if apps.is_installed("allauth.account"):
        # Verified addresses, as people who signed up through allauth would have.
        from allauth.account.models import EmailAddress

        emails = dict(
            user_model.objects.filter(pk__in=ids).values_list("pk", "email").iterator(10_000)
        )
        copy_values(
            EmailAddress,
            ({"user_id": pk, "email": emails[pk], "verified": True, "primary": True} for pk in ids),
        )
    try:
        preferences = apps.get_model("club", "CommunicationPreferences")
    except LookupError:
        preferences = None
    if preferences is not None:
        # bulk inserts skip the post_save signal that normally creates these.
        copy_values(preferences, ({"person_id": pk} for pk in ids))
    copy_values(
        Membership,
        (
            {
                "person_id": pk,
                "council_id": councils[n % len(councils)],
                "role": ROLES[n % len(ROLES)],
                "status": "approved",
                "is_council_admin": n < len(councils),
                "decided_at": now,
            }
            for n, pk in enumerate(ids)
        ),
    )
    return ids


def _exchanges(scale: Scale, rng: random.Random) -> list[int]:
    from casestudies.models import Theme
    from events.factories import ExchangePageFactory
    from events.models import ExchangeIndexPage

    index = ExchangeIndexPage.objects.get()
    themes = list(Theme.objects.values_list("pk", flat=True))
    now = timezone.now()
    pages = []
    for n in range(scale.exchanges):
        # Half in the past, half still to come, spread over the years either side of today.
        starts = now + timedelta(days=(n - scale.exchanges // 2) * 7 + 1, hours=rng.randint(0, 6))
        topic = TOPICS[n % len(TOPICS)]
        pages.append(
            ExchangePageFactory.build(
                title=f"{rng.choice(VERBS)} {topic}: Exchange {n}",
                slug=f"bench-exchange-{n}",
                summary=paragraph(rng, 2),
                strapline=sentence(rng, 8),
                theme_id=themes[n % len(themes)] if themes else None,
                starts_at=starts,
                ends_at=starts + timedelta(hours=6),
                capacity=rng.choice([40, 60, 100, 200, 1_000]),
                registration_opens_at=starts - timedelta(days=60),
                registration_closes_at=starts - timedelta(days=1),
            )
        )
    return [p.pk for p in bulk_add_pages(index, pages)]


def _registrations(
    scale: Scale, rng: random.Random, exchanges: list[int], people: list[int]
) -> int:
    """Registrations once the events app has them; 0 (and nothing written) before that."""
    try:
        registration = apps.get_model("events", "Registration")
    except LookupError:
        return 0
    from .adapters import registration_rows

    rows = registration_rows(
        model=registration, count=scale.registrations, exchanges=exchanges, people=people, rng=rng
    )
    return copy_values(registration, rows)


def _case_studies(scale: Scale, rng: random.Random, councils: list[int]) -> list[int]:
    from casestudies.factories import CaseStudyPageFactory
    from casestudies.models import CaseStudyIndexPage, CaseStudyPage, DeliveryModel, Theme

    index = CaseStudyIndexPage.objects.get()
    themes = list(Theme.objects.values_list("pk", flat=True))
    delivery_models = list(DeliveryModel.objects.values_list("pk", flat=True))
    levels = ["transactional", "transitional", "transformational"]
    pages = []
    for n in range(scale.case_studies):
        topic = rng.choice(TOPICS)
        year = 2012 + n % 14
        pages.append(
            CaseStudyPageFactory.build(
                title=f"{rng.choice(VERBS)} {topic} in bench council {n % len(councils)} ({n})",
                slug=f"bench-case-study-{n}",
                summary=f"How a council changed {topic}. " + paragraph(rng, 2, topic),
                programme_name=f"{rng.choice(VERBS)} {topic}",
                period_start=year - 1,
                period_end=year,
                published_on=date(year, 1 + n % 12, 1 + n % 28),
                challenge=f"<p>{paragraph(rng, 4, topic)}</p><p>{paragraph(rng, 4, topic)}</p>",
                approach=f"<p>{paragraph(rng, 4, topic)}</p><p>{paragraph(rng, 4, topic)}</p>",
                lessons_learned=f"<p>{paragraph(rng, 3, topic)}</p>",
                change_level=levels[n % 3],
                mandate_better=n % 2 == 0,
                mandate_differently=n % 3 == 0,
                mandate_new=n % 5 == 0,
                is_sample=True,
            )
        )
    ids = [p.pk for p in bulk_add_pages(index, pages)]
    bulk_m2m(
        CaseStudyPage,
        "councils",
        (
            (pk, councils[(n * 7 + k) % len(councils)])
            for n, pk in enumerate(ids)
            for k in range(1 + n % 2)
        ),
    )
    if themes:
        bulk_m2m(
            CaseStudyPage,
            "themes",
            (
                (pk, themes[(n + k) % len(themes)])
                for n, pk in enumerate(ids)
                for k in range(1 + n % 3)
            ),
        )
    if delivery_models:
        bulk_m2m(
            CaseStudyPage,
            "delivery_models",
            (
                (pk, delivery_models[(n + k) % len(delivery_models)])
                for n, pk in enumerate(ids)
                for k in range(1 + n % 2)
            ),
        )
    return ids
