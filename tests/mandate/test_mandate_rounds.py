"""Opening a round, inviting officers and members, the invitation email, and closing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from club.factories import MembershipFactory
from club.models import Membership, Role
from mandate.factories import FrameworkVersionFactory
from mandate.models import Response, Round, View
from mandate.services import MandateError, round_invite, round_open
from mandate.tasks import response_invitation_send
from messaging.kinds import MessageKind
from messaging.models import OutboxMessage


def test_council_admin_opens_a_round_on_the_latest_published_version(
    client, council, council_admin, version
):
    FrameworkVersionFactory(name="Draft next", is_published=False)
    client.force_login(council_admin)
    page = client.get("/mandate/rounds/open/")
    assert page.status_code == 200
    assert "Kind of round" not in page.content.decode()  # workshops are for editors
    response = client.post(
        "/mandate/rounds/open/", {"council": council.pk, "title": "Spring self-assessment"}
    )
    round_ = Round.objects.get()
    assert response.status_code == 302
    assert response.url == f"/mandate/rounds/{round_.pk}/"
    assert (round_.council, round_.version, round_.mode) == (council, version, Round.Mode.SELF)
    assert round_.opened_by == council_admin


def test_open_form_explains_what_is_wrong_and_keeps_the_title(client, council_admin, version):
    client.force_login(council_admin)
    yesterday = timezone.localdate() - timedelta(days=1)
    page = client.post(
        "/mandate/rounds/open/", {"title": "Kept title", "closes_on": yesterday.isoformat()}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "Choose the council this round is for." in html
    assert "The closing date must be today or later." in html
    assert 'href="#id_council"' in html
    assert 'value="Kept title"' in html
    assert not Round.objects.exists()


def test_admin_cannot_open_for_another_council_or_a_workshop(
    council_admin, other_council, council, version
):
    with pytest.raises(PermissionDenied):
        round_open(council=other_council, opened_by=council_admin, title="Not ours")
    with pytest.raises(PermissionDenied):
        round_open(council=council, opened_by=council_admin, title="W", mode=Round.Mode.WORKSHOP)


def test_editor_opens_a_facilitated_workshop_for_any_council(
    client, editor, other_council, version
):
    client.force_login(editor)
    response = client.post(
        "/mandate/rounds/open/",
        {"council": other_council.pk, "title": "Workshop", "mode": Round.Mode.WORKSHOP},
    )
    assert response.status_code == 302
    assert Round.objects.get().mode == Round.Mode.WORKSHOP


def test_no_round_without_a_published_framework(council, council_admin, db):
    with pytest.raises(MandateError, match="no published framework"):
        round_open(council=council, opened_by=council_admin, title="Too soon")


def test_invite_fixes_each_persons_view_and_emails_them_once(
    client, round_, council, council_admin, officer, councillor, django_capture_on_commit_callbacks
):
    leader = MembershipFactory(council=council, role=Role.POLITICAL_LEADER)
    pending = MembershipFactory(council=council, status=Membership.Status.PENDING)
    client.force_login(council_admin)
    page = client.get(f"/mandate/rounds/{round_.pk}/")
    assert pending.person.email not in page.content.decode()  # only approved members are listed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/mandate/rounds/{round_.pk}/invite/",
            {"memberships": [officer.pk, councillor.pk, leader.pk]},
        )
    assert response.status_code == 302
    views = dict(Response.objects.values_list("person__email", "view"))
    assert views == {
        officer.person.email: View.OFFICERS,
        councillor.person.email: View.MEMBERS,
        leader.person.email: View.MEMBERS,
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(views)
    assert f"/mandate/rounds/{round_.pk}/my-answers/" in mail.outbox[0].body
    assert mail.outbox[0].subject == f"Innovation Mandate: {council} would like your view"
    # Through the messaging outbox: one row each, sent, with its correlation id on the email.
    rows = OutboxMessage.objects.filter(kind=MessageKind.MANDATE_INVITATION)
    assert sorted(rows.values_list("to_email", flat=True)) == sorted(views)
    assert set(rows.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}
    assert {m.extra_headers.get("X-Club-Correlation-ID") for m in mail.outbox} == {
        str(c) for c in rows.values_list("correlation_id", flat=True)
    }

    # Running the old task again (one left in the broker from before) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        for pk in Response.objects.values_list("pk", flat=True):
            response_invitation_send(pk)
    assert len(mail.outbox) == 3
    assert rows.count() == 3


def test_a_rolled_back_invitation_leaves_no_email(round_, council_admin, officer):
    with pytest.raises(RuntimeError), transaction.atomic():
        round_invite(round=round_, memberships=[officer], invited_by=council_admin)
        assert OutboxMessage.objects.filter(kind=MessageKind.MANDATE_INVITATION).count() == 1
        raise RuntimeError("the view failed after inviting")
    assert not OutboxMessage.objects.exists()
    assert not Response.objects.exists()
    assert mail.outbox == []


def test_invite_refuses_someone_not_approved(round_, council_admin, council):
    pending = MembershipFactory(council=council, status=Membership.Status.PENDING)
    with pytest.raises(MandateError, match="not an approved member"):
        round_invite(round=round_, memberships=[pending], invited_by=council_admin)
    assert not round_.responses.exists()


def test_invite_with_nobody_chosen_says_so(client, round_, council_admin, officer):
    client.force_login(council_admin)
    page = client.post(f"/mandate/rounds/{round_.pk}/invite/", {})
    assert page.status_code == 400
    assert "Choose at least one person to invite." in page.content.decode()


def test_round_closes_by_hand_or_on_its_date(client, round_, council_admin):
    assert round_.is_open
    round_.closes_on = timezone.localdate()
    assert round_.is_open  # open until the end of its closing day
    round_.closes_on = timezone.localdate() - timedelta(days=1)
    assert not round_.is_open
    round_.closes_on = None
    round_.save()

    client.force_login(council_admin)
    response = client.post(f"/mandate/rounds/{round_.pk}/close/")
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.closed_at is not None
    assert not round_.is_open


def test_my_rounds_list_shows_the_invitation(client, round_, officer):
    round_.responses.create(person=officer.person, view=View.OFFICERS)
    client.force_login(officer.person)
    html = client.get("/mandate/").content.decode()
    assert "Spring round" in html
    assert "Open a round" not in html
