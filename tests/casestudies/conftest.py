"""A small, varied library of case studies; tests compute what each filter should return."""

import itertools
from dataclasses import dataclass
from datetime import date

import pytest

from casestudies.factories import CaseStudyPageFactory, DeliveryModelFactory, ThemeFactory
from casestudies.taxonomy import ChangeLevel
from club.factories import CouncilFactory
from club.models import CouncilType, Nation


@dataclass(frozen=True)
class Spec:
    """What one case study was built with, to compute expected results in plain Python."""

    pk: int
    themes: frozenset[str]
    models: frozenset[str]
    change: str
    mandate: frozenset[str]
    nations: frozenset[str]
    types: frozenset[str]
    year: str

    def value_set(self, facet: str) -> frozenset[str]:
        single = {"change": self.change, "year": self.year}
        if facet in single:
            return frozenset({single[facet]})
        return {
            "theme": self.themes,
            "model": self.models,
            "mandate": self.mandate,
            "nation": self.nations,
            "type": self.types,
        }[facet]

    def matches(self, selection: dict[str, list[str]]) -> bool:
        return all(self.value_set(f) & set(v) for f, v in selection.items() if v)


@pytest.fixture
def library(case_study_index):
    """Fourteen case studies spread over every facet, with joint work across nations."""
    themes = [ThemeFactory(name=n) for n in ("Adult care", "Inclusive growth", "Housing")]
    models = [DeliveryModelFactory(name=n) for n in ("Co-production", "Commissioning")]
    councils = [
        CouncilFactory(
            name="Fife", nation=Nation.SCOTLAND, council_type=CouncilType.SCOTTISH_COUNCIL
        ),
        CouncilFactory(name="Kent", nation=Nation.ENGLAND, council_type=CouncilType.COUNTY),
        CouncilFactory(name="Powys", nation=Nation.WALES, council_type=CouncilType.WELSH_PRINCIPAL),
        CouncilFactory(name="Wealden", nation=Nation.ENGLAND, council_type=CouncilType.DISTRICT),
    ]
    changes = list(ChangeLevel.values)
    mandate_sets = [("better",), ("differently",), ("new",), ("better", "new"), ()]
    theme_sets = [(0,), (1,), (0, 1), (2,), ()]
    model_sets = [(0,), (1,), (0, 1), ()]
    council_sets = [(0,), (1,), (2,), (3,), (0, 1), (2, 3)]
    years = [2021, 2023, 2024]
    specs = []
    for i in range(14):
        chosen_themes = [themes[t] for t in theme_sets[i % len(theme_sets)]]
        chosen_models = [models[m] for m in model_sets[i % len(model_sets)]]
        chosen_councils = [councils[c] for c in council_sets[i % len(council_sets)]]
        mandate = mandate_sets[i % len(mandate_sets)]
        page = CaseStudyPageFactory(
            parent=case_study_index,
            title=f"Library case {i}",
            change_level=changes[i % 3],
            published_on=date(years[i % 3 if i < 9 else (i + 1) % 3], 1 + i % 12, 1),
            mandate_better="better" in mandate,
            mandate_differently="differently" in mandate,
            mandate_new="new" in mandate,
            councils=chosen_councils,
            themes=chosen_themes,
            delivery_models=chosen_models,
        )
        specs.append(
            Spec(
                pk=page.pk,
                themes=frozenset(t.slug for t in chosen_themes),
                models=frozenset(m.slug for m in chosen_models),
                change=page.change_level,
                mandate=frozenset(mandate),
                nations=frozenset(c.nation for c in chosen_councils),
                types=frozenset(c.council_type for c in chosen_councils),
                year=str(page.published_on.year),
            )
        )
    # A draft and a private page never show, whatever the filters.
    CaseStudyPageFactory(
        parent=case_study_index, title="Draft case", live=False, councils=[councils[0]]
    )
    return specs


FACET_NAMES = ["theme", "model", "change", "mandate", "nation", "type", "year"]


def values_in_use(specs: list[Spec], facet: str) -> list[str]:
    return sorted(set(itertools.chain.from_iterable(s.value_set(facet) for s in specs)))
