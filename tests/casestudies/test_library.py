"""The library's facets: each filter alone and every pair return exactly the expected case studies,
and the counts beside each choice say how many a click would give."""

import itertools

import pytest
from django.http import QueryDict

from casestudies.selectors import case_study_library

from .conftest import FACET_NAMES, values_in_use


def _run(index, **selection) -> tuple[set[int], object]:
    """The ids on every page of results for this selection, and the first page's library."""
    params = QueryDict(mutable=True)
    for name, values in selection.items():
        params.setlist(name, values)
    first = library = case_study_library(index_page=index, params=params)
    found = set(library.page.object_list)
    while library.page.has_next():
        params["page"] = str(library.page.next_page_number())
        library = case_study_library(index_page=index, params=params)
        found |= set(library.page.object_list)
    return found, first


@pytest.mark.django_db
def test_each_filter_alone_returns_exactly_the_matching_case_studies(case_study_index, library):
    checked = 0
    for facet in FACET_NAMES:
        for value in values_in_use(library, facet):
            expected = {s.pk for s in library if s.matches({facet: [value]})}
            found, result = _run(case_study_index, **{facet: [value]})
            assert found == expected, (facet, value)
            assert result.total == len(expected)
            checked += 1
    assert checked >= 20  # every facet has several values in use


@pytest.mark.django_db
def test_every_pair_of_filters_combined_returns_the_intersection(case_study_index, library):
    non_empty = 0
    for first, second in itertools.combinations(FACET_NAMES, 2):
        for a, b in itertools.product(
            values_in_use(library, first), values_in_use(library, second)
        ):
            selection = {first: [a], second: [b]}
            expected = {s.pk for s in library if s.matches(selection)}
            found, _ = _run(case_study_index, **selection)
            assert found == expected, selection
            non_empty += bool(expected)
    assert non_empty > 50  # the data gives most pairs something to find


@pytest.mark.django_db
def test_choices_within_a_facet_are_alternatives(case_study_index, library):
    selection = {"nation": ["scotland", "wales"], "change": ["transformational"]}
    expected = {s.pk for s in library if s.matches(selection)}
    found, _ = _run(case_study_index, **selection)
    assert expected and found == expected


@pytest.mark.django_db
def test_facet_counts_match_what_each_choice_would_return(case_study_index, library):
    selection = {"nation": ["england"], "mandate": ["new"]}
    _, result = _run(case_study_index, **selection)
    for facet in result.facets:
        others = {k: v for k, v in selection.items() if k != facet.name}
        expected = {
            value: sum(1 for s in library if s.matches({**others, facet.name: [value]}))
            for value in values_in_use(library, facet.name)
        }
        shown = {c.value: c.count for c in facet.choices}
        assert shown == {
            v: n for v, n in expected.items() if n or v in selection.get(facet.name, [])
        }, facet.name
        for choice in facet.choices:
            assert choice.selected == (choice.value in selection.get(facet.name, []))


@pytest.mark.django_db
def test_unfiltered_counts_cover_every_live_case_study(case_study_index, library):
    found, result = _run(case_study_index)
    assert found == {s.pk for s in library}  # the draft is not among them
    year_counts = {c.value: c.count for c in result.facets[-1].choices}
    assert sum(year_counts.values()) == len(library)


@pytest.mark.django_db
def test_the_page_shows_checkboxes_counts_and_a_shareable_address(
    client, case_study_index, library
):
    response = client.get(
        case_study_index.url, {"nation": "scotland", "change": "transformational"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    expected = [
        s for s in library if s.matches({"nation": ["scotland"], "change": ["transformational"]})
    ]
    assert f"{len(expected)} case stud" in html
    assert 'name="nation" value="scotland" id="facet-nation-' in html
    assert 'value="scotland" id="facet-nation-1" checked' in html or "checked" in html
    assert '<button type="submit" class="button">Show case studies</button>' in html
    assert 'method="get"' in html
