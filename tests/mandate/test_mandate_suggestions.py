"""The way forward: case studies exactly one level further on the weakest dimensions."""

import pytest

from casestudies.factories import CaseStudyPageFactory, ThemeFactory
from casestudies.taxonomy import ChangeLevel
from club.factories import CouncilFactory
from events.factories import ExchangePageFactory
from mandate.factories import DimensionFactory, FrameworkVersionFactory, RoundFactory
from mandate.selectors import round_results


@pytest.fixture
def five(db):
    """A version of five dimensions, each on its own theme."""
    version = FrameworkVersionFactory(name="Five")
    themes = [ThemeFactory(name=f"Theme {n}", slug=f"theme-{n}") for n in range(1, 6)]
    dims = [
        DimensionFactory(version=version, name=f"D{n}", slug=f"d{n}", sort_order=n, themes=[t])
        for n, t in enumerate(themes, start=1)
    ]
    return version, themes, dims


def test_next_step_is_exactly_one_level_further_on_the_weakest(
    five, council, respond, case_study_index, exchange_index
):
    version, themes, dims = five
    round_ = RoundFactory(council=council, version=version)
    # d1 = 1, d2 = 1.5, d3 = 2, d4 = 3, d5 = 2.5 → the weakest three are d1, d2, d3.
    respond(round_, [1, 1, 2, 3, 2])
    respond(round_, [1, 2, 2, 3, 3])
    elsewhere = CouncilFactory(name="Elsewhere")

    def case_study(title, theme, level, *, councils=(elsewhere,), live=True, new=False):
        return CaseStudyPageFactory(
            parent=case_study_index,
            title=title,
            councils=list(councils),
            themes=[theme],
            change_level=level,
            mandate_new=new,
            live=live,
        )

    d1_next = case_study("D1 next", themes[0], ChangeLevel.TRANSITIONAL)
    case_study("D1 same level", themes[0], ChangeLevel.TRANSACTIONAL)
    d1_radical = case_study("D1 two further", themes[0], ChangeLevel.TRANSFORMATIONAL, new=True)
    case_study("D1 own council", themes[0], ChangeLevel.TRANSITIONAL, councils=(council,))
    case_study("D1 draft", themes[0], ChangeLevel.TRANSITIONAL, live=False)
    case_study("Other theme", themes[3], ChangeLevel.TRANSITIONAL)
    d2_next = case_study("D2 next", themes[1], ChangeLevel.TRANSFORMATIONAL, new=True)
    case_study("D2 below", themes[1], ChangeLevel.TRANSITIONAL)
    d3_next = case_study("D3 next", themes[2], ChangeLevel.TRANSFORMATIONAL)
    exchange = ExchangePageFactory(parent=exchange_index, title="On theme 1", theme=themes[0])

    results = round_results(round=round_)

    weakest = {r.dimension.slug: r for r in results.weakest}
    assert list(weakest) == ["d1", "d2", "d3"]
    assert [r.dimension.slug for r in results.forward] == ["d1", "d2", "d3", "d4", "d5"]
    assert {slug: {p.pk for p in r.next_step} for slug, r in weakest.items()} == {
        "d1": {d1_next.pk},
        "d2": {d2_next.pk},
        "d3": {d3_next.pk},
    }
    # A radical alternative: something new on the theme, not already the next step.
    assert [p.pk for p in weakest["d1"].radical] == [d1_radical.pk]
    assert weakest["d2"].radical == []
    assert [e.pk for e in weakest["d1"].exchanges] == [exchange.pk]
    # At the top level there is no next step.
    d4 = next(r for r in results.dimensions if r.dimension.slug == "d4")
    assert d4.next_level is None and d4.next_step == []


def test_results_page_lists_the_suggestions(
    client, round_, dimensions, themes, respond, case_study_index, council_admin
):
    respond(round_, [1, 3, 3])
    page = CaseStudyPageFactory(
        parent=case_study_index,
        title="A transitional leap",
        councils=[CouncilFactory()],
        themes=[themes["leadership"]],
        change_level=ChangeLevel.TRANSITIONAL,
    )
    client.force_login(council_admin)
    response = client.get(f"/mandate/rounds/{round_.pk}/results/")
    assert response.status_code == 200
    assert "A transitional leap" in response.content.decode()
    assert page.url in response.content.decode()
