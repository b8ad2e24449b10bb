"""The demo's people: the council admin has someone to approve, and the logins work."""

import pytest
from django.urls import reverse

from club.demo import (
    DEMO_APPLICANT,
    DEMO_COUNCIL_ADMIN,
    DEMO_MEMBER,
    load_councils,
    load_people,
)
from club.models import Membership

pytestmark = pytest.mark.django_db
PASSWORD = "demo-password-for-tests"


@pytest.fixture
def demo(db):
    councils = load_councils()
    load_people(councils=councils, password=PASSWORD)
    load_people(councils=councils, password=PASSWORD)  # a second run changes nothing
    return councils


def test_council_admin_approves_the_demo_applicant(client, demo):
    applicant = Membership.objects.get(person__email=DEMO_APPLICANT.email)
    assert applicant.status == Membership.Status.PENDING
    assert client.login(email=DEMO_COUNCIL_ADMIN.email, password=PASSWORD)
    page = client.get(reverse("club:council_people", args=[applicant.council.slug]))
    assert DEMO_APPLICANT.email in page.content.decode()
    client.post(reverse("club:membership_decide", args=[applicant.pk]), {"decision": "approve"})
    applicant.refresh_from_db()
    assert applicant.status == Membership.Status.APPROVED


def test_demo_member_sees_the_directory_and_the_applicant_does_not(client, demo):
    assert client.login(email=DEMO_MEMBER.email, password=PASSWORD)
    assert client.get(reverse("club:directory")).status_code == 200
    assert client.login(email=DEMO_APPLICANT.email, password=PASSWORD)
    assert client.get(reverse("club:directory")).status_code == 403
