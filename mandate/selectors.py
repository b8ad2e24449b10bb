"""Reads for the Innovation Mandate: who may do what, the framework, rounds and their results.

Results are built from a fixed number of queries whatever the number of dimensions or answers.
No result ever carries a person: answers are read as (dimension, level, view) only.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from statistics import median

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from casestudies.models import CaseStudyPage
from club.models import Council, Membership, Role, User
from club.selectors import person_admin_councils
from events.models import ExchangePage

from . import scoring
from .models import (
    LEVEL_CHANGE,
    Answer,
    Dimension,
    FrameworkVersion,
    Level,
    Response,
    Round,
    Statement,
    View,
)

EDITORS_GROUP = "Moderators"
MEMBER_ROLES = {Role.COUNCILLOR, Role.POLITICAL_LEADER}
SUGGESTION_LIMIT = 4
EXCHANGE_LIMIT = 3
WEAKEST_COUNT = 3
EARLIER_ROUNDS_SHOWN = 3


# --- Who may do what ------------------------------------------------------------------------


def person_is_mandate_editor(*, person: User) -> bool:
    """Editors at the improvement body: staff in the Moderators group (or superusers)."""
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    if person.is_superuser:
        return True
    return person.is_staff and person.groups.filter(name=EDITORS_GROUP).exists()


def person_round_councils(*, person: User) -> QuerySet[Council]:
    """The councils this person may open and run rounds for."""
    if person_is_mandate_editor(person=person):
        return Council.objects.all()
    return person_admin_councils(person=person)


def person_can_manage_round(*, person: User, round: Round) -> bool:
    """May invite, close and read results: the council's admins and editors, nobody else."""
    return person_round_councils(person=person).filter(pk=round.council_id).exists()


def view_for_role(role: str) -> str:
    """Councillors and political leaders give the members' view; everyone else the officers'."""
    return View.MEMBERS if role in MEMBER_ROLES else View.OFFICERS


# --- The framework --------------------------------------------------------------------------


def framework_latest_published() -> FrameworkVersion | None:
    return (
        FrameworkVersion.objects.filter(is_published=True).order_by("-published_at", "-pk").first()
    )


def version_dimensions(*, version: FrameworkVersion) -> list[Dimension]:
    """A version's dimensions in order, each with its statements (by level) and themes."""
    return list(
        Dimension.objects.filter(version=version)
        .order_by("sort_order", "name")
        .prefetch_related(
            Prefetch("statements", queryset=Statement.objects.order_by("level", "sort_order")),
            "themes",
        )
    )


# --- Rounds ---------------------------------------------------------------------------------


def rounds_managed_by(*, person: User) -> QuerySet[Round]:
    councils = person_round_councils(person=person)
    return (
        Round.objects.filter(council__in=councils)
        .select_related("council", "version")
        .annotate(
            invited=Count("responses"),
            submitted=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED)),
        )
    )


def responses_for_person(*, person: User) -> QuerySet[Response]:
    if not getattr(person, "is_authenticated", False):
        return Response.objects.none()
    return (
        Response.objects.filter(person=person)
        .select_related("round", "round__council")
        .order_by("-round__created_at")
    )


def round_invitable_memberships(*, round: Round) -> QuerySet[Membership]:
    """The council's approved members who have not been invited to this round yet."""
    invited = Response.objects.filter(round=round).values("person_id")
    return (
        Membership.objects.filter(council=round.council, status=Membership.Status.APPROVED)
        .exclude(person_id__in=invited)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "person__email")
    )


def round_responses(*, round: Round) -> QuerySet[Response]:
    """Who was invited and how far each has got (for the council's admins; never with answers)."""
    return (
        Response.objects.filter(round=round)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "person__email")
    )


def response_answers(*, response: Response) -> dict[int, int]:
    """The person's own saved choices: dimension id → statement id."""
    return dict(response.answers.values_list("dimension_id", "statement_id"))


# --- Results --------------------------------------------------------------------------------


@dataclass
class BenchmarkFigure:
    councils: int
    shown: bool
    mean: scoring.Score | None = None
    median: scoring.Score | None = None
    at_level: dict[int, int] = field(default_factory=dict)


@dataclass(eq=False)
class DimensionResult:
    dimension: Dimension
    overall: scoring.Score
    officers: scoring.Score
    members: scoring.Score
    officers_shown: bool
    members_shown: bool
    gap: Fraction | None = None
    next_step: list[CaseStudyPage] = field(default_factory=list)
    radical: list[CaseStudyPage] = field(default_factory=list)
    exchanges: list[ExchangePage] = field(default_factory=list)
    benchmark: BenchmarkFigure | None = None

    @property
    def gap_display(self):
        return scoring.shown(self.gap)

    @property
    def gap_size(self) -> Fraction:
        return abs(self.gap) if self.gap is not None else Fraction(0)

    @property
    def next_level(self) -> int | None:
        level = self.overall.level
        if level is None or level >= Level.NEW:
            return None
        return level + 1


@dataclass
class EarlierRound:
    round: Round
    overall: scoring.Score
    by_slug: dict[str, scoring.Score]


@dataclass
class RoundResults:
    round: Round
    dimensions: list[DimensionResult]
    overall: scoring.Score
    officers_overall: scoring.Score
    members_overall: scoring.Score
    invited: int
    submitted: int
    officers_submitted: int
    members_submitted: int
    earlier: list[EarlierRound]

    @property
    def officers_shown(self) -> bool:
        return self.officers_submitted >= scoring.MIN_VIEW_RESPONSES

    @property
    def members_shown(self) -> bool:
        return self.members_submitted >= scoring.MIN_VIEW_RESPONSES

    @property
    def gaps(self) -> list[DimensionResult]:
        """Dimensions where both views are shown, widest gap first (the workshop's opener)."""
        both = [d for d in self.dimensions if d.gap is not None]
        return sorted(both, key=lambda d: -d.gap_size)

    @property
    def weakest(self) -> list[DimensionResult]:
        """The lowest-scoring dimensions (ties at the cut-off are kept together)."""
        scored = sorted(
            (d for d in self.dimensions if d.overall.value is not None),
            key=lambda d: d.overall.value,
        )
        if len(scored) <= WEAKEST_COUNT:
            return scored
        cut = scored[WEAKEST_COUNT - 1].overall.value
        return [d for d in scored if d.overall.value <= cut]

    @property
    def forward(self) -> list[DimensionResult]:
        """The way forward, weakest dimensions first, then the rest in the framework's order."""
        weakest = self.weakest
        rest = [d for d in self.dimensions if d.overall.value is not None and d not in weakest]
        return weakest + rest


def _submitted_answers(*, rounds: list[int]) -> list[tuple[int, str, int, str]]:
    """(round id, dimension slug, level, view) for every submitted answer in these rounds."""
    return list(
        Answer.objects.filter(
            response__round_id__in=rounds, response__status=Response.Status.SUBMITTED
        ).values_list("response__round_id", "dimension__slug", "statement__level", "response__view")
    )


def _scores_by_slug(answers, round_id: int) -> dict[str, scoring.Score]:
    values: dict[str, list[int]] = defaultdict(list)
    for answer_round, slug, level, _view in answers:
        if answer_round == round_id:
            values[slug].append(level)
    return {slug: scoring.dimension_score(levels) for slug, levels in values.items()}


def _closed_rounds_filter() -> Q:
    return Q(closed_at__isnull=False) | Q(closes_on__lt=timezone.localdate())


def benchmark_by_dimension() -> dict[str, BenchmarkFigure]:
    """Anonymised figures per dimension slug across councils.

    Each council contributes its latest closed round that has submitted responses; a dimension's
    figures are shown only when at least ``BENCHMARK_MIN_COUNCILS`` councils contribute to it.
    """
    rounds = (
        Round.objects.filter(_closed_rounds_filter())
        .filter(responses__status=Response.Status.SUBMITTED)
        .distinct()
        .order_by("council_id", "-created_at", "-pk")
        .values_list("pk", "council_id")
    )
    latest: dict[int, int] = {}
    for round_id, council_id in rounds:
        latest.setdefault(council_id, round_id)
    answers = _submitted_answers(rounds=list(latest.values()))
    per_slug: dict[str, list[Fraction]] = defaultdict(list)
    for round_id in latest.values():
        for slug, score in _scores_by_slug(answers, round_id).items():
            per_slug[slug].append(score.value)
    figures = {}
    for slug, council_scores in per_slug.items():
        count = len(council_scores)
        if count < scoring.BENCHMARK_MIN_COUNCILS:
            figures[slug] = BenchmarkFigure(councils=count, shown=False)
            continue
        at_level = dict.fromkeys(Level.values, 0)
        for value in council_scores:
            at_level[scoring.level_for(value)] += 1
        figures[slug] = BenchmarkFigure(
            councils=count,
            shown=True,
            mean=scoring.Score(value=scoring.mean(council_scores), count=count),
            median=scoring.Score(value=Fraction(median(council_scores)), count=count),
            at_level=at_level,
        )
    return figures


def _suggestions(*, council: Council, results: list[DimensionResult]) -> None:
    """Fill in each dimension's next step, radical alternative and Exchanges.

    * The next step: live case studies of other councils sharing a theme with the dimension whose
      change level is one level above where the council stands on it (none at the top level).
    * A radical alternative: live case studies of other councils on those themes that did
      something new (mandate level "new"), leaving out any already given as the next step.
    * Exchanges on the dimension's themes, upcoming ones first, then the most recent.
    """
    theme_ids = {t.pk for r in results for t in r.dimension.themes.all()}
    if not theme_ids:
        return
    case_studies = list(
        CaseStudyPage.objects.live()
        .filter(themes__in=theme_ids)
        .exclude(councils=council)
        .distinct()
        .order_by("-published_on", "title")
        .prefetch_related("themes", "councils")
    )
    now = timezone.now()
    exchanges = list(
        ExchangePage.objects.live()
        .filter(theme_id__in=theme_ids, is_cancelled=False)
        .order_by("starts_at")
    )
    upcoming = [e for e in exchanges if e.starts_at >= now]
    past = sorted((e for e in exchanges if e.starts_at < now), key=lambda e: e.starts_at)[::-1]
    exchanges = upcoming + past
    for result in results:
        themes = {t.pk for t in result.dimension.themes.all()}
        on_theme = [c for c in case_studies if themes & {t.pk for t in c.themes.all()}]
        target = result.next_level
        if target is not None:
            wanted = LEVEL_CHANGE[Level(target)]
            result.next_step = [c for c in on_theme if c.change_level == wanted][:SUGGESTION_LIMIT]
        chosen = {c.pk for c in result.next_step}
        result.radical = [c for c in on_theme if c.mandate_new and c.pk not in chosen][
            :SUGGESTION_LIMIT
        ]
        result.exchanges = [e for e in exchanges if e.theme_id in themes][:EXCHANGE_LIMIT]


def round_results(*, round: Round, with_benchmark: bool = True) -> RoundResults:
    dimensions = version_dimensions(version=round.version)
    counts = Response.objects.filter(round=round).aggregate(
        invited=Count("pk"),
        submitted=Count("pk", filter=Q(status=Response.Status.SUBMITTED)),
        officers=Count("pk", filter=Q(status=Response.Status.SUBMITTED, view=View.OFFICERS)),
        members=Count("pk", filter=Q(status=Response.Status.SUBMITTED, view=View.MEMBERS)),
    )
    answers = list(
        Answer.objects.filter(
            response__round=round, response__status=Response.Status.SUBMITTED
        ).values_list("dimension_id", "statement__level", "response__view")
    )
    officers_shown = counts["officers"] >= scoring.MIN_VIEW_RESPONSES
    members_shown = counts["members"] >= scoring.MIN_VIEW_RESPONSES
    benchmark = benchmark_by_dimension() if with_benchmark else {}
    results = []
    for dimension in dimensions:
        mine = [(level, view) for dim_id, level, view in answers if dim_id == dimension.pk]
        officers = scoring.dimension_score([lv for lv, v in mine if v == View.OFFICERS])
        members = scoring.dimension_score([lv for lv, v in mine if v == View.MEMBERS])
        result = DimensionResult(
            dimension=dimension,
            overall=scoring.dimension_score([lv for lv, _ in mine]),
            officers=officers,
            members=members,
            officers_shown=officers_shown,
            members_shown=members_shown,
            benchmark=benchmark.get(dimension.slug),
        )
        if officers_shown and members_shown:
            result.gap = scoring.gap(officers=officers, members=members)
        results.append(result)
    _suggestions(council=round.council, results=results)

    earlier_rounds = list(
        Round.objects.filter(council=round.council, created_at__lt=round.created_at)
        .exclude(pk=round.pk)
        .order_by("-created_at")[:EARLIER_ROUNDS_SHOWN]
    )[::-1]
    earlier_answers = _submitted_answers(rounds=[r.pk for r in earlier_rounds])
    earlier = []
    for earlier_round in earlier_rounds:
        by_slug = _scores_by_slug(earlier_answers, earlier_round.pk)
        earlier.append(
            EarlierRound(
                round=earlier_round,
                overall=scoring.overall_score(by_slug.values()),
                by_slug=by_slug,
            )
        )

    return RoundResults(
        round=round,
        dimensions=results,
        overall=scoring.overall_score(r.overall for r in results),
        officers_overall=scoring.overall_score(r.officers for r in results)
        if officers_shown
        else scoring.Score(value=None, count=0),
        members_overall=scoring.overall_score(r.members for r in results)
        if members_shown
        else scoring.Score(value=None, count=0),
        invited=counts["invited"],
        submitted=counts["submitted"],
        officers_submitted=counts["officers"],
        members_submitted=counts["members"],
        earlier=earlier,
    )
