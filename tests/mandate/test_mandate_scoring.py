"""Scores and levels equal hand-computed cases (the rules are in mandate/scoring.py)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils.html import escape

from mandate import scoring
from mandate.models import View
from mandate.selectors import round_results


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (Fraction(1), 1),
        (Fraction(149, 100), 1),
        (Fraction(3, 2), 2),  # halves round up
        (Fraction(2), 2),
        (Fraction(249, 100), 2),
        (Fraction(5, 2), 3),
        (Fraction(3), 3),
        (None, None),
    ],
)
def test_level_bands(score, level):
    assert scoring.level_for(score) == level


def test_dimension_score_is_the_mean_shown_to_two_places():
    score = scoring.dimension_score([1, 1, 2])
    assert score.value == Fraction(4, 3)
    assert score.display == Decimal("1.33")
    assert score.level == 1
    score = scoring.dimension_score([2, 2, 1])
    assert score.display == Decimal("1.67")
    assert score.level == 2
    assert scoring.dimension_score([]).value is None


def test_overall_weighs_each_dimension_the_same_and_skips_unanswered():
    overall = scoring.overall_score(
        [
            scoring.dimension_score([1]),
            scoring.dimension_score([3, 3, 3]),
            scoring.dimension_score([]),
        ]
    )
    assert overall.value == Fraction(2)
    assert overall.count == 2


def test_round_results_match_the_hand_computed_case(round_, dimensions, respond):
    # Levels per dimension (leadership, communities, money).
    respond(round_, [1, 2, 3], view=View.OFFICERS)
    respond(round_, [2, 2, 3], view=View.OFFICERS)
    respond(round_, [3, 1, 3], view=View.MEMBERS)
    respond(round_, [3, 2, 2], view=View.MEMBERS)
    # Saved but never submitted: counts for nothing.
    respond(round_, [1, 1, 1], view=View.MEMBERS, submitted=False)

    results = round_results(round=round_)
    by_name = {r.dimension.name: r for r in results.dimensions}

    leadership = by_name["Leadership"]  # 1, 2, 3, 3
    assert leadership.overall.value == Fraction(9, 4)
    assert leadership.overall.display == Decimal("2.25")
    assert leadership.overall.level == 2
    assert leadership.officers.value == Fraction(3, 2)
    assert leadership.officers.level == 2
    assert leadership.members.value == Fraction(3)
    assert leadership.gap == Fraction(3, 2)

    communities = by_name["Communities"]  # 2, 2, 1, 2
    assert communities.overall.value == Fraction(7, 4)
    assert communities.overall.level == 2
    assert communities.members.value == Fraction(3, 2)
    assert communities.gap == Fraction(-1, 2)

    money = by_name["Money"]  # 3, 3, 3, 2
    assert money.overall.value == Fraction(11, 4)
    assert money.overall.level == 3
    assert money.gap == Fraction(-1, 2)

    # (9/4 + 7/4 + 11/4) / 3 = 9/4
    assert results.overall.value == Fraction(9, 4)
    assert results.overall.level == 2
    # Officers: (3/2 + 2 + 3) / 3 = 13/6; members: (3 + 3/2 + 5/2) / 3 = 7/3
    assert results.officers_overall.value == Fraction(13, 6)
    assert results.members_overall.value == Fraction(7, 3)
    assert (results.invited, results.submitted) == (5, 4)
    assert (results.officers_submitted, results.members_submitted) == (2, 2)
    # Widest gap first; equal gaps keep the framework's order.
    assert [r.dimension.name for r in results.gaps] == ["Leadership", "Communities", "Money"]


def test_a_view_with_one_response_is_not_shown(round_, dimensions, respond):
    respond(round_, [1, 1, 1], view=View.OFFICERS)
    respond(round_, [3, 3, 3], view=View.MEMBERS)
    respond(round_, [3, 3, 3], view=View.MEMBERS)

    results = round_results(round=round_)
    assert not results.officers_shown
    assert results.members_shown
    assert results.gaps == []
    assert results.officers_overall.value is None
    # The whole council still counts everyone: (1 + 3 + 3) / 3 on each dimension.
    assert results.overall.value == Fraction(7, 3)


def test_results_page_shows_the_figures_and_never_a_name(client, round_, dimensions, respond):
    responses = [
        respond(round_, [1, 2, 3], view=View.OFFICERS),
        respond(round_, [2, 2, 3], view=View.OFFICERS),
        respond(round_, [3, 1, 3], view=View.MEMBERS),
        respond(round_, [3, 2, 2], view=View.MEMBERS),
    ]
    client.force_login(round_.opened_by)
    page = client.get(f"/mandate/rounds/{round_.pk}/results/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'role="img"' in html
    assert '<title id="chart-title">' in html
    assert "2.25" in html and "+1.50" in html
    for response in responses:
        assert response.person.email not in html
        assert escape(response.person.get_full_name()) not in html  # O'Connor as HTML writes it
