import pytest
from django.contrib.auth.models import Group

from casestudies.factories import ThemeFactory
from club.factories import CouncilFactory, MembershipFactory, UserFactory
from club.models import Role
from mandate.factories import DimensionFactory, FrameworkVersionFactory, RoundFactory
from mandate.models import Level, Response, View
from mandate.selectors import EDITORS_GROUP
from mandate.services import mandate_editor_permissions_ensure


@pytest.fixture
def themes(db):
    return {
        "leadership": ThemeFactory(name="Leadership", slug="leadership"),
        "communities": ThemeFactory(name="Communities", slug="communities"),
        "money": ThemeFactory(name="Money", slug="money"),
    }


@pytest.fixture
def version(themes):
    """A published version with three dimensions, each with one statement per level."""
    version = FrameworkVersionFactory(name="Test edition", is_published=False)
    DimensionFactory(
        version=version,
        name="Leadership",
        slug="leadership",
        sort_order=1,
        themes=[themes["leadership"]],
    )
    DimensionFactory(
        version=version,
        name="Communities",
        slug="communities",
        sort_order=2,
        themes=[themes["communities"]],
    )
    DimensionFactory(
        version=version, name="Money", slug="money", sort_order=3, themes=[themes["money"]]
    )
    version.is_published = True
    version.save()
    return version


@pytest.fixture
def dimensions(version):
    return list(version.dimensions.order_by("sort_order"))


@pytest.fixture
def council(db):
    return CouncilFactory(name="Clackmannanshire Council", slug="clackmannanshire-council")


@pytest.fixture
def other_council(db):
    return CouncilFactory(name="Fife Council", slug="fife-council")


@pytest.fixture
def council_admin(council):
    return MembershipFactory(
        person=UserFactory(email="admin@clacks.gov.uk"),
        council=council,
        role=Role.CHIEF_EXECUTIVE,
        is_council_admin=True,
    ).person


@pytest.fixture
def other_admin(other_council):
    return MembershipFactory(
        person=UserFactory(email="admin@fife.gov.uk"),
        council=other_council,
        is_council_admin=True,
    ).person


@pytest.fixture
def officer(council):
    return MembershipFactory(
        person=UserFactory(email="officer@clacks.gov.uk"), council=council, role=Role.OFFICER
    )


@pytest.fixture
def councillor(council):
    return MembershipFactory(
        person=UserFactory(email="councillor@clacks.gov.uk"), council=council, role=Role.COUNCILLOR
    )


@pytest.fixture
def editor(db):
    mandate_editor_permissions_ensure()
    person = UserFactory(email="editor@club.example", is_staff=True)
    person.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return person


@pytest.fixture
def round_(council, version, council_admin):
    return RoundFactory(
        council=council, version=version, title="Spring round", opened_by=council_admin
    )


@pytest.fixture
def respond():
    """Make a response from a new person, one level per dimension in order (see _respond)."""
    return _respond


def answer(response: Response, dimension, level: int) -> None:
    """Record that this response chose the dimension's statement at this level."""
    statement = dimension.statements.get(level=level)
    response.answers.create(dimension=dimension, statement=statement)


def _respond(round_, levels: list[int], *, view: str = View.OFFICERS, submitted: bool = True):
    """A response from a new person with one level per dimension, in dimension order."""
    response = Response.objects.create(
        round=round_,
        person=UserFactory(),
        view=view,
        status=Response.Status.SUBMITTED if submitted else Response.Status.STARTED,
    )
    for dimension, level in zip(
        round_.version.dimensions.order_by("sort_order"), levels, strict=True
    ):
        answer(response, dimension, Level(level))
    return response
