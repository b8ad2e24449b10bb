"""Two people opening the same invitation link at the same moment: only one of them gets in."""

import threading

import pytest
from django.db import connection

from club.factories import CouncilFactory, MembershipFactory, UserFactory
from club.models import Invitation, Membership, User
from club.services import MembershipError, invitation_accept, invitation_create


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_acceptances_use_the_invitation_once():
    council = CouncilFactory()
    admin = MembershipFactory(council=council, is_council_admin=True, person=UserFactory()).person
    invitation = invitation_create(
        council=council, email="twice@example.org", role="officer", by=admin
    )
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(first_name: str) -> None:
        try:
            start.wait()
            invitation_accept(
                token=invitation.token,
                first_name=first_name,
                last_name="Racer",
                job_title="Officer",
                password="a-long-race-password-5",
            )
            outcomes.append("accepted")
        except MembershipError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(name,)) for name in ("One", "Two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["accepted", "refused"]
    assert User.objects.filter(email="twice@example.org").count() == 1
    assert Membership.objects.filter(person__email="twice@example.org").count() == 1
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is not None
