"""Which pages anyone may see, decided inside the query that lists them."""

from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import Length, Substr
from wagtail.models import PageViewRestriction


def restricted(path: str = "path") -> Exists:
    """True for a page under a view restriction (members only, password), itself included.

    A page is restricted when a restricted page's tree path is a prefix of its own: what Wagtail's
    `.public()` and `.not_public()` test. `path` names the page's path from the outer query (for
    example "casestudypage__path" from a link table).
    """
    return Exists(
        PageViewRestriction.objects.annotate(
            prefix=Substr(OuterRef(path), 1, Length("page__path"))
        ).filter(prefix=F("page__path"))
    )


def public(pages: QuerySet) -> QuerySet:
    """Leave out restricted pages, as `.public()` does, without a query of its own.

    Wagtail's `.public()` first reads every restriction to build the exclusion: one query each time
    a page lists pages, three or four a request. Here the test is a `NOT EXISTS` in the same query.
    """
    return pages.exclude(restricted())
