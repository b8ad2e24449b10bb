"""Benchmark figures across councils: shown only where at least five councils contribute."""

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from club.factories import CouncilFactory
from mandate.factories import RoundFactory
from mandate.selectors import benchmark_by_dimension


def _closed_round(version, council, respond, levels):
    round_ = RoundFactory(council=council, version=version, closed_at=timezone.now())
    respond(round_, levels)
    return round_


def test_suppressed_below_five_councils(version, dimensions, respond):
    for level in (1, 2, 3, 2):
        _closed_round(version, CouncilFactory(), respond, [level, level, level])
    figures = benchmark_by_dimension()
    assert set(figures) == {"leadership", "communities", "money"}
    for figure in figures.values():
        assert figure.councils == 4
        assert not figure.shown
        assert figure.mean is None and figure.at_level == {}


def test_shown_from_five_councils_with_hand_computed_figures(version, dimensions, respond):
    for level in (1, 2, 3, 2, 3):
        _closed_round(version, CouncilFactory(), respond, [level, 2, 2])
    figure = benchmark_by_dimension()["leadership"]
    assert figure.shown and figure.councils == 5
    assert figure.mean.value == Fraction(11, 5)
    assert figure.mean.display == Decimal("2.20")
    assert figure.median.value == Fraction(2)
    assert figure.at_level == {1: 1, 2: 2, 3: 2}


def test_only_each_councils_latest_closed_round_counts(version, dimensions, respond):
    councils = [CouncilFactory() for _ in range(5)]
    for council in councils:
        _closed_round(version, council, respond, [1, 1, 1])
    # A later closed round replaces the first council's figure; open rounds never count.
    _closed_round(version, councils[0], respond, [3, 3, 3])
    open_round = RoundFactory(council=councils[1], version=version)
    respond(open_round, [3, 3, 3])
    past_date = RoundFactory(
        council=CouncilFactory(), version=version, closes_on=timezone.localdate() - timedelta(1)
    )
    respond(past_date, [2, 2, 2])  # closed by date: a sixth council

    figure = benchmark_by_dimension()["leadership"]
    assert figure.councils == 6
    assert figure.mean.value == Fraction(1 + 1 + 1 + 1 + 3 + 2, 6)


def test_results_page_suppresses_the_benchmark_below_five(
    client, round_, dimensions, respond, council_admin
):
    respond(round_, [2, 2, 2])
    client.force_login(council_admin)
    html = client.get(f"/mandate/rounds/{round_.pk}/results/").content.decode()
    assert "fewer than five councils so far" in html
