"""How answers become scores and levels. Pure functions, so the rules are easy to test and to read.

The rules (also in docs/architecture.md):

1. Each answer is the statement a person chose for a dimension; the statement's level is its value:
   better (transactional) = 1, differently (transitional) = 2, new (transformational) = 3.
2. Only submitted responses count. A saved but unsubmitted response counts for nothing.
3. A dimension's score is the mean of its answers' values (exact arithmetic, shown to 2 places).
4. The overall score is the mean of the dimension scores, each dimension weighing the same; a
   dimension nobody answered is left out.
5. A score's level is its rounded band: below 1.5 is level 1, from 1.5 to below 2.5 is level 2,
   2.5 and above is level 3 (halves round up, so 1.5 is level 2).
6. The officers' view and the members' view are scored the same way over their own answers. The gap
   on a dimension is members' score minus officers' score; the widest gaps (by size) come first.
   A view with fewer than ``MIN_VIEW_RESPONSES`` responses is not shown, so no one is picked out.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

MIN_VIEW_RESPONSES = 2
BENCHMARK_MIN_COUNCILS = 5
TWO_PLACES = Decimal("0.01")


def mean(values: Iterable[int | Fraction]) -> Fraction | None:
    values = [Fraction(v) for v in values]
    if not values:
        return None
    return sum(values, Fraction(0)) / len(values)


def level_for(score: Fraction | None) -> int | None:
    """The band a score falls in: 1, 2 or 3 (halves round up)."""
    if score is None:
        return None
    if score < Fraction(3, 2):
        return 1
    if score < Fraction(5, 2):
        return 2
    return 3


def shown(score: Fraction | None) -> Decimal | None:
    """A score as people read it: two decimal places, halves rounded up."""
    if score is None:
        return None
    return (Decimal(score.numerator) / Decimal(score.denominator)).quantize(
        TWO_PLACES, rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class Score:
    value: Fraction | None
    count: int

    @property
    def level(self) -> int | None:
        return level_for(self.value)

    @property
    def display(self) -> Decimal | None:
        return shown(self.value)


def dimension_score(values: list[int]) -> Score:
    return Score(value=mean(values), count=len(values))


def overall_score(dimension_scores: Iterable[Score]) -> Score:
    answered = [s.value for s in dimension_scores if s.value is not None]
    return Score(value=mean(answered), count=len(answered))


def gap(*, officers: Score, members: Score) -> Fraction | None:
    if officers.value is None or members.value is None:
        return None
    return members.value - officers.value
