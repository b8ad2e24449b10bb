"""The results page reads in a fixed number of queries, however many answers and suggestions."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from casestudies.factories import CaseStudyPageFactory
from casestudies.taxonomy import ChangeLevel
from club.factories import CouncilFactory
from mandate.models import View


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _case_study(index, themes):
    return CaseStudyPageFactory(
        parent=index,
        councils=[CouncilFactory()],
        themes=list(themes.values()),
        change_level=ChangeLevel.TRANSITIONAL,
    )


def test_results_queries_do_not_grow(
    client, round_, dimensions, themes, respond, council_admin, case_study_index
):
    url = f"/mandate/rounds/{round_.pk}/results/"
    respond(round_, [1, 1, 1], view=View.OFFICERS)
    respond(round_, [2, 2, 2], view=View.MEMBERS)
    _case_study(case_study_index, themes)
    client.force_login(council_admin)
    _count(client, url)  # warm caches (site root, content types)
    few = _count(client, url)

    for n in range(6):
        respond(round_, [n % 3 + 1, 2, 3], view=View.OFFICERS if n % 2 else View.MEMBERS)
        _case_study(case_study_index, themes)
    _count(client, url)  # new pages: the process builds what it keeps of the tree again
    many = _count(client, url)
    assert many == few
    assert many <= 40
