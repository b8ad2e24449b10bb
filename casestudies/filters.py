"""The library's facets: the address parameters and what each is called.

Within one facet the choices are alternatives (Scotland or Wales); across facets they all apply
(Scotland and co-production). How each narrows the case studies is
`casestudies.selectors._facet_conditions`; unknown values are dropped first, so a mistyped or
stale address still shows results, with a note of what was ignored.
"""

from .taxonomy import MandateLevel

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
