"""Council admins decide on their own council's people only; editors on anyone; people are told."""

import pytest
from django.urls import reverse

from club.factories import MembershipFactory, UserFactory
from club.models import Membership
from club.services import MembershipError, membership_approve

pytestmark = pytest.mark.django_db


def _decide(client, membership, decision="approve", **extra):
    url = reverse("club:membership_decide", kwargs={"pk": membership.pk})
    return client.post(url, {"decision": decision, **extra})


def test_own_council_admin_approves_and_the_person_is_told(
    client, council_admin, pending, members_group, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(council_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(client, pending)
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Membership.Status.APPROVED
    assert pending.decided_by == council_admin
    assert pending.decided_at is not None
    assert members_group in pending.person.groups.all()
    assert [m.to for m in mailoutbox] == [[pending.person.email]]
    assert "Clackmannanshire Council" in mailoutbox[0].subject + mailoutbox[0].body


def test_own_council_admin_declines_and_the_person_is_told(
    client, council_admin, pending, members_group, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(council_admin)
    with django_capture_on_commit_callbacks(execute=True):
        _decide(client, pending, "decline")
    pending.refresh_from_db()
    assert pending.status == Membership.Status.DECLINED
    assert members_group not in pending.person.groups.all()
    assert [m.to for m in mailoutbox] == [[pending.person.email]]
    assert "Clackmannanshire Council" in mailoutbox[0].subject + mailoutbox[0].body


def test_admin_of_another_council_gets_403_and_nothing_changes(
    client, other_admin, pending, mailoutbox
):
    client.force_login(other_admin)
    response = _decide(client, pending)
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == Membership.Status.PENDING
    assert pending.decided_by is None
    assert mailoutbox == []
    people = reverse("club:council_people", args=[pending.council.slug])
    assert client.get(people).status_code == 403


def test_plain_members_and_pending_people_cannot_decide(client, member, pending):
    for person in (member, pending.person):
        client.force_login(person)
        assert _decide(client, pending).status_code == 403
    pending.refresh_from_db()
    assert pending.status == Membership.Status.PENDING


def test_anonymous_people_are_sent_to_sign_in(client, pending):
    response = _decide(client, pending)
    assert response.status_code == 302
    assert reverse("account_login") in response.url
    pending.refresh_from_db()
    assert pending.status == Membership.Status.PENDING


def test_tampered_ids_answer_404_or_a_clear_message(client, council_admin, pending):
    client.force_login(council_admin)
    assert _decide(client, Membership(pk=987654)).status_code == 404
    response = _decide(client, pending, "promote-to-king")
    assert response.status_code == 302
    page = client.get(response.url)
    assert "Choose approve or decline." in page.content.decode()
    pending.refresh_from_db()
    assert pending.status == Membership.Status.PENDING


def test_a_decision_already_taken_is_not_taken_again(client, council_admin, pending):
    client.force_login(council_admin)
    _decide(client, pending)
    response = _decide(client, pending, "decline", next="/club/account/")
    page = client.get(response.url)
    assert "is no longer waiting for a decision" in page.content.decode()
    pending.refresh_from_db()
    assert pending.status == Membership.Status.APPROVED


def test_requests_from_other_domains_are_for_editors(client, council, council_admin, editor):
    request = MembershipFactory(
        council=council, status=Membership.Status.PENDING, source=Membership.Source.REQUEST
    )
    client.force_login(council_admin)
    assert _decide(client, request).status_code == 403
    request.refresh_from_db()
    assert request.status == Membership.Status.PENDING

    client.force_login(editor)
    assert _decide(client, request).status_code == 302
    request.refresh_from_db()
    assert request.status == Membership.Status.APPROVED


def test_council_admin_sees_only_their_own_councils_people(
    client, council_admin, pending, member, other_council
):
    stranger = MembershipFactory(council=other_council, person=UserFactory(first_name="Zebedee"))
    client.force_login(council_admin)
    page = client.get(reverse("club:council_people", args=[pending.council.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    assert pending.person.email in text
    assert member.email in text
    assert stranger.person.email not in text


def test_the_service_refuses_people_without_the_right(other_admin, pending):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        membership_approve(membership=pending, by=other_admin)


def test_the_service_refuses_a_second_decision(council_admin, pending):
    membership_approve(membership=pending, by=council_admin)
    with pytest.raises(MembershipError):
        membership_approve(membership=pending, by=council_admin)


def test_editors_queue_lists_guests_and_requests_and_is_closed_to_others(
    client, editor, council_admin, pending
):
    client.force_login(council_admin)
    assert client.get(reverse("club:requests")).status_code == 403
    client.force_login(editor)
    page = client.get(reverse("club:requests"))
    assert page.status_code == 200
    assert pending.person.email in page.content.decode()


def test_decisions_never_redirect_off_the_site(client, council_admin, pending):
    client.force_login(council_admin)
    response = _decide(client, pending, next="https://evil.example/")
    assert response.url == reverse("club:council_people", args=[pending.council.slug])


def test_editors_decide_on_guests_and_nobody_else_does(
    client, editor, council_admin, members_group, mailoutbox, django_capture_on_commit_callbacks
):
    from club.models import GuestApplication
    from club.services import guest_apply

    application = guest_apply(person=UserFactory(), organisation="A Housing Association")
    url = reverse("club:guest_decide", args=[application.pk])

    client.force_login(council_admin)
    assert client.post(url, {"decision": "approve"}).status_code == 403
    application.refresh_from_db()
    assert application.status == GuestApplication.Status.PENDING

    client.force_login(editor)
    assert (
        client.post(reverse("club:guest_decide", args=[98765]), {"decision": "approve"}).status_code
        == 404
    )
    client.post(url, {"decision": "maybe"})
    application.refresh_from_db()
    assert application.status == GuestApplication.Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"decision": "approve"}).status_code == 302
    application.refresh_from_db()
    assert application.status == GuestApplication.Status.APPROVED
    assert members_group in application.person.groups.all()
    assert [m.to for m in mailoutbox] == [[application.person.email]]
