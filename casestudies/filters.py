"""The library's facets: what each address parameter means and how it narrows the case studies.

Within one facet the choices are alternatives (Scotland or Wales); across facets they all apply
(Scotland and co-production). Unknown values are dropped before the filter set sees them, so a
mistyped or stale address still shows results, with a note of what was ignored.
"""

import django_filters
from django.db.models import Q, QuerySet

from club.models import CouncilType, Nation

from .models import CaseStudyPage
from .taxonomy import ChangeLevel, MandateLevel

# Address parameter -> label shown above its checkboxes, in the order the form shows them.
FACETS: dict[str, str] = {
    "theme": "Theme",
    "model": "Delivery model",
    "change": "Level of change",
    "mandate": "Innovation Mandate level",
    "nation": "Nation",
    "type": "Type of council",
    "year": "Year shared",
}

MANDATE_FIELDS = {
    MandateLevel.BETTER.value: "mandate_better",
    MandateLevel.DIFFERENTLY.value: "mandate_differently",
    MandateLevel.NEW.value: "mandate_new",
}


class CaseStudyFilterSet(django_filters.FilterSet):
    theme = django_filters.MultipleChoiceFilter(field_name="themes__slug", distinct=True)
    model = django_filters.MultipleChoiceFilter(field_name="delivery_models__slug", distinct=True)
    change = django_filters.MultipleChoiceFilter(
        field_name="change_level", choices=ChangeLevel.choices
    )
    mandate = django_filters.MultipleChoiceFilter(
        choices=MandateLevel.choices, method="filter_mandate"
    )
    nation = django_filters.MultipleChoiceFilter(
        field_name="councils__nation", choices=Nation.choices, distinct=True
    )
    type = django_filters.MultipleChoiceFilter(
        field_name="councils__council_type", choices=CouncilType.choices, distinct=True
    )
    year = django_filters.MultipleChoiceFilter(field_name="published_on__year")

    class Meta:
        model = CaseStudyPage
        fields: list[str] = []

    def __init__(self, *args, choices: dict[str, list[tuple[str, str]]], **kwargs):
        super().__init__(*args, **kwargs)
        # Themes, delivery models and years come from the database; the caller reads them once.
        for name in ("theme", "model", "year"):
            self.filters[name].extra["choices"] = choices[name]

    def filter_mandate(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return queryset
        condition = Q()
        for level in value:
            condition |= Q(**{MANDATE_FIELDS[level]: True})
        return queryset.filter(condition)
