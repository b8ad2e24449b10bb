"""Earlier rounds beside this one; a submitted response read back; editors' admin rights."""

from datetime import timedelta
from fractions import Fraction

from django.contrib.auth.models import Group
from django.utils import timezone

from mandate.factories import RoundFactory
from mandate.models import Round
from mandate.selectors import EDITORS_GROUP, round_results


def test_results_compare_with_the_councils_earlier_rounds(
    client, round_, council, version, respond, council_admin
):
    # round_ is the latest; make two earlier ones (and one at another council, never shown).
    first = RoundFactory(council=council, version=version, title="First", closed_at=timezone.now())
    second = RoundFactory(
        council=council, version=version, title="Second", closed_at=timezone.now()
    )
    Round.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=400))
    Round.objects.filter(pk=second.pk).update(created_at=timezone.now() - timedelta(days=200))
    respond(first, [1, 1, 1])
    respond(second, [1, 2, 2])
    respond(second, [2, 2, 3])
    respond(RoundFactory(version=version, title="Elsewhere"), [3, 3, 3])
    respond(round_, [3, 3, 3])

    results = round_results(round=round_)
    assert [e.round.title for e in results.earlier] == ["First", "Second"]
    earlier_second = results.earlier[1]
    assert earlier_second.by_slug["leadership"].value == Fraction(3, 2)
    assert earlier_second.by_slug["money"].value == Fraction(5, 2)
    # (3/2 + 2 + 5/2) / 3 = 2
    assert earlier_second.overall.value == Fraction(2)
    assert results.earlier[0].overall.value == Fraction(1)

    client.force_login(council_admin)
    html = client.get(f"/mandate/rounds/{round_.pk}/results/").content.decode()
    assert "Compared with earlier rounds" in html
    assert "Elsewhere" not in html


def test_a_submitted_response_is_read_back(client, round_, officer, dimensions):
    response = round_.responses.create(person=officer.person, view="officers")
    client.force_login(officer.person)
    data = {f"dimension_{d.pk}": d.statements.get(level=3).pk for d in dimensions}
    client.post(f"/mandate/rounds/{round_.pk}/my-answers/", {**data, "action": "submit"})
    page = client.get(f"/mandate/rounds/{round_.pk}/my-answers/")
    html = page.content.decode()
    assert "You submitted your answers" in html
    assert html.count("Your answer:") == 3
    assert html.count("We work at level 3.") == 3
    assert "Submit my answers" not in html
    response.refresh_from_db()
    assert response.submitted_at is not None


def test_migrate_gives_editors_the_framework(db):
    codenames = set(
        Group.objects.get(name=EDITORS_GROUP)
        .permissions.filter(content_type__app_label="mandate")
        .values_list("codename", flat=True)
    )
    assert {"add_dimension", "change_frameworkversion", "delete_statement"} <= codenames
    assert not any(name.endswith("_response") or name.endswith("_answer") for name in codenames)
