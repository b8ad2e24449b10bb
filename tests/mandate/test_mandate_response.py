"""Answering: save and come back (across a sign-out), submit once, and nothing after closing."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from club.factories import DEFAULT_PASSWORD
from mandate.models import Response
from mandate.services import MandateError, response_save


@pytest.fixture
def invited(round_, officer):
    return round_.responses.create(person=officer.person, view="officers")


def _field(dimension) -> str:
    return f"dimension_{dimension.pk}"


def _url(round_) -> str:
    return f"/mandate/rounds/{round_.pk}/my-answers/"


def test_a_response_survives_save_sign_out_and_return(client, round_, invited, dimensions):
    person = invited.person
    assert client.login(email=person.email, password=DEFAULT_PASSWORD)
    first, second, _third = dimensions
    chosen = {
        _field(first): first.statements.get(level=2).pk,
        _field(second): second.statements.get(level=3).pk,
    }
    saved = client.post(_url(round_), {**chosen, "action": "save"})
    assert saved.status_code == 302
    client.post("/accounts/logout/")
    assert client.get(_url(round_)).status_code == 302  # signed out

    assert client.login(email=person.email, password=DEFAULT_PASSWORD)
    page = client.get(_url(round_))
    assert page.status_code == 200
    form = page.context["form"]
    assert form[_field(first)].value() == chosen[_field(first)]
    assert form[_field(second)].value() == chosen[_field(second)]
    checked = re.findall(r"<input[^>]*checked[^>]*>", page.content.decode())
    assert len(checked) == 2
    assert any(f'value="{chosen[_field(first)]}"' in tag for tag in checked)
    invited.refresh_from_db()
    assert invited.status == Response.Status.STARTED


def test_submitting_needs_every_dimension_and_keeps_what_was_chosen(
    client, round_, invited, dimensions
):
    client.force_login(invited.person)
    first = dimensions[0]
    statement = first.statements.get(level=1).pk
    page = client.post(_url(round_), {_field(first): statement, "action": "submit"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "There is a problem" in html
    assert "Choose the statement that best describes your council on communities" in html
    assert f'href="#id_{_field(dimensions[1])}_0"' in html
    assert page.context["form"][_field(first)].value() == str(statement)
    invited.refresh_from_db()
    assert invited.status == Response.Status.INVITED


def test_submit_is_final(client, round_, invited, dimensions):
    client.force_login(invited.person)
    data = {_field(d): d.statements.get(level=2).pk for d in dimensions}
    assert client.post(_url(round_), {**data, "action": "submit"}).status_code == 302
    invited.refresh_from_db()
    assert invited.status == Response.Status.SUBMITTED
    assert invited.answers.count() == 3

    data = {_field(d): d.statements.get(level=3).pk for d in dimensions}
    again = client.post(_url(round_), {**data, "action": "submit"})
    assert again.status_code == 409
    assert set(invited.answers.values_list("statement__level", flat=True)) == {2}


def test_a_closed_round_takes_no_answers(round_, invited, dimensions):
    round_.closes_on = timezone.localdate() - timedelta(days=1)
    round_.save()
    with pytest.raises(MandateError, match="closed"):
        response_save(
            response=invited,
            person=invited.person,
            choices={dimensions[0].pk: dimensions[0].statements.first().pk},
            submit=False,
        )
    assert not invited.answers.exists()


def test_a_statement_from_another_dimension_is_refused(round_, invited, dimensions):
    with pytest.raises(MandateError, match="does not belong"):
        response_save(
            response=invited,
            person=invited.person,
            choices={dimensions[0].pk: dimensions[1].statements.first().pk},
            submit=False,
        )


def test_one_response_each(round_, invited):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(round=round_, person=invited.person, view="members")


def test_someone_who_has_left_the_council_can_no_longer_answer(client, round_, invited, officer):
    officer.status = "left"
    officer.save()
    client.force_login(invited.person)
    first = round_.version.dimensions.first()
    page = client.post(_url(round_), {_field(first): first.statements.first().pk, "action": "save"})
    assert page.status_code == 400
    assert "Only approved members of Clackmannanshire Council can answer" in page.content.decode()
    assert not invited.answers.exists()
