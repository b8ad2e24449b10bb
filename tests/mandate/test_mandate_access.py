"""A round's results, workshop page, report and management are only for the council's admins and
editors: the public is sent to sign in; other members and other councils get 403."""

import pytest

from club.factories import MembershipFactory, UserFactory

PAGES = ["results", "workshop", "report", ""]


def _url(round_, page: str) -> str:
    return f"/mandate/rounds/{round_.pk}/{page + '/' if page else ''}"


@pytest.mark.parametrize("page", PAGES)
def test_public_is_sent_to_sign_in(client, round_, page):
    response = client.get(_url(round_, page))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("page", PAGES)
def test_member_who_is_not_an_admin_is_refused(client, round_, officer, page):
    client.force_login(officer.person)
    assert client.get(_url(round_, page)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_admin_of_another_council_is_refused(client, round_, other_admin, page):
    client.force_login(other_admin)
    assert client.get(_url(round_, page)).status_code == 403


def test_pending_admin_is_refused(client, round_, council):
    """The admin flag counts only on an approved membership."""
    pending = MembershipFactory(council=council, is_council_admin=True, status="pending")
    client.force_login(pending.person)
    assert client.get(_url(round_, "results")).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_council_admin_and_editor_may_see(client, round_, council_admin, editor, page):
    for person in (council_admin, editor):
        client.force_login(person)
        assert client.get(_url(round_, page)).status_code == 200


def test_staff_outside_the_editors_group_are_refused(client, round_):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(_url(round_, "results")).status_code == 403


def test_invite_and_close_are_refused_to_others(client, round_, officer, other_admin):
    for person in (officer.person, other_admin):
        client.force_login(person)
        invite = client.post(_url(round_, "invite"), {"memberships": [officer.pk]})
        assert invite.status_code == 403
        assert client.post(_url(round_, "close")).status_code == 403
    round_.refresh_from_db()
    assert round_.closed_at is None
    assert not round_.responses.exists()


def test_only_the_invited_person_sees_their_answer_page(client, round_, officer, councillor):
    round_.responses.create(person=officer.person, view="officers")
    client.force_login(councillor.person)
    assert client.get(_url(round_, "my-answers")).status_code == 404
    client.force_login(officer.person)
    assert client.get(_url(round_, "my-answers")).status_code == 200


def test_benchmark_page_is_for_admins_and_editors(client, officer, council_admin, version):
    assert client.get("/mandate/benchmark/").status_code == 302
    client.force_login(officer.person)
    assert client.get("/mandate/benchmark/").status_code == 403
    client.force_login(council_admin)
    assert client.get("/mandate/benchmark/").status_code == 200
