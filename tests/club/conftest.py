import pytest

from club.factories import (
    CouncilEmailDomainFactory,
    CouncilFactory,
    MembershipFactory,
    UserFactory,
)
from club.models import Membership
from club.services import editors_group_ensure, members_group_ensure, members_group_sync


@pytest.fixture
def council(db):
    council = CouncilFactory(name="Clackmannanshire Council", slug="clackmannanshire-council")
    CouncilEmailDomainFactory(council=council, domain="clacks.gov.uk")
    return council


@pytest.fixture
def other_council(db):
    council = CouncilFactory(name="Fife Council", slug="fife-council")
    CouncilEmailDomainFactory(council=council, domain="fife.gov.uk")
    return council


@pytest.fixture
def council_admin(council):
    membership = MembershipFactory(
        person=UserFactory(email="admin@clacks.gov.uk"), council=council, is_council_admin=True
    )
    members_group_sync(person=membership.person)
    return membership.person


@pytest.fixture
def other_admin(other_council):
    membership = MembershipFactory(
        person=UserFactory(email="admin@fife.gov.uk"), council=other_council, is_council_admin=True
    )
    return membership.person


@pytest.fixture
def member(council):
    person = UserFactory(email="member@clacks.gov.uk")
    membership = MembershipFactory(person=person, council=council)
    members_group_sync(person=membership.person)
    return membership.person


@pytest.fixture
def pending(council):
    return MembershipFactory(
        person=UserFactory(email="new@clacks.gov.uk"),
        council=council,
        status=Membership.Status.PENDING,
        source=Membership.Source.DOMAIN,
    )


@pytest.fixture
def editor(db):
    person = UserFactory(email="editor@improvement.example", is_staff=True)
    person.groups.add(editors_group_ensure())
    return person


@pytest.fixture
def members_group(db):
    # The migration creates it; a transactional test's flush may have removed it since.
    return members_group_ensure()
