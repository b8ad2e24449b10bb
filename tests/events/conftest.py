import pytest

from club.factories import CouncilFactory, MembershipFactory, UserFactory
from club.models import Membership, Role
from club.services import editors_group_ensure
from events.factories import ExchangePageFactory


@pytest.fixture
def council(db):
    return CouncilFactory(name="Clackmannanshire Council")


@pytest.fixture
def other_council(db):
    return CouncilFactory(name="Fife Council")


@pytest.fixture
def make_member(db):
    """An approved member of a council (or pending, or a council admin) on request."""

    def make(council, *, role=Role.COUNCILLOR, admin=False, status=Membership.Status.APPROVED):
        return MembershipFactory(
            council=council, role=role, is_council_admin=admin, status=status
        ).person

    return make


@pytest.fixture
def member(council, make_member):
    return make_member(council)


@pytest.fixture
def council_admin(council, make_member):
    return make_member(council, role=Role.DIRECTOR, admin=True)


@pytest.fixture
def pending(council, make_member):
    return make_member(council, status=Membership.Status.PENDING)


@pytest.fixture
def outsider(other_council, make_member):
    """An approved member of another council."""
    return make_member(other_council)


@pytest.fixture
def editor(db):
    person = UserFactory(is_staff=True)
    person.groups.add(editors_group_ensure())
    return person


@pytest.fixture
def exchange(exchange_index):
    return ExchangePageFactory(parent=exchange_index, capacity=10)
