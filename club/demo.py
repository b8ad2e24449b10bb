"""Demo councils and demo logins. Used by `manage.py load_demo`; safe to run again."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress

from .models import (
    CommunicationPreferences,
    Council,
    CouncilEmailDomain,
    CouncilType,
    Membership,
    MembershipStatus,
    Nation,
    Role,
    User,
)
from .services import editors_group_ensure, members_group_sync

# Facts about real councils (name, nation, type, region, web address). Membership statuses are
# invented for the demonstration.
COUNCILS = [
    (
        "Clackmannanshire Council",
        Nation.SCOTLAND,
        CouncilType.SCOTTISH_COUNCIL,
        "Central Scotland",
        "clacks.gov.uk",
        MembershipStatus.MEMBER,
    ),
    (
        "Fife Council",
        Nation.SCOTLAND,
        CouncilType.SCOTTISH_COUNCIL,
        "East of Scotland",
        "fife.gov.uk",
        MembershipStatus.MEMBER,
    ),
    (
        "The Highland Council",
        Nation.SCOTLAND,
        CouncilType.SCOTTISH_COUNCIL,
        "Highlands and Islands",
        "highland.gov.uk",
        MembershipStatus.NOT_MEMBER,
    ),
    (
        "Kent County Council",
        Nation.ENGLAND,
        CouncilType.COUNTY,
        "South East",
        "kent.gov.uk",
        MembershipStatus.OWNER,
    ),
    (
        "Wigan Council",
        Nation.ENGLAND,
        CouncilType.METROPOLITAN_BOROUGH,
        "North West",
        "wigan.gov.uk",
        MembershipStatus.OWNER,
    ),
    (
        "London Borough of Barking and Dagenham",
        Nation.ENGLAND,
        CouncilType.LONDON_BOROUGH,
        "London",
        "lbbd.gov.uk",
        MembershipStatus.MEMBER,
    ),
    (
        "Cornwall Council",
        Nation.ENGLAND,
        CouncilType.UNITARY,
        "South West",
        "cornwall.gov.uk",
        MembershipStatus.MEMBER,
    ),
    (
        "South Cambridgeshire District Council",
        Nation.ENGLAND,
        CouncilType.DISTRICT,
        "East of England",
        "scambs.gov.uk",
        MembershipStatus.MEMBER,
    ),
    (
        "Monmouthshire County Council",
        Nation.WALES,
        CouncilType.WELSH_PRINCIPAL,
        "South East Wales",
        "monmouthshire.gov.uk",
        MembershipStatus.OWNER,
    ),
    (
        "Cardiff Council",
        Nation.WALES,
        CouncilType.WELSH_PRINCIPAL,
        "South East Wales",
        "cardiff.gov.uk",
        MembershipStatus.MEMBER,
    ),
    (
        "Belfast City Council",
        Nation.NORTHERN_IRELAND,
        CouncilType.NI_DISTRICT,
        "Belfast",
        "belfastcity.gov.uk",
        MembershipStatus.MEMBER,
    ),
    (
        "Derry City and Strabane District Council",
        Nation.NORTHERN_IRELAND,
        CouncilType.NI_DISTRICT,
        "North West",
        "derrystrabane.com",
        MembershipStatus.MEMBER,
    ),
]


@dataclass(frozen=True)
class DemoLogin:
    label: str
    email: str


# People are fictional and use reserved .example addresses, so demo mail can never reach anyone.
DEMO_EDITOR = DemoLogin("Editor at the improvement body", "editor@innovation-club.example")
DEMO_COUNCIL_ADMIN = DemoLogin("Council admin, Clackmannanshire", "council.admin@clacks.example")
DEMO_MEMBER = DemoLogin("Member (councillor), Clackmannanshire", "member@clacks.example")
DEMO_APPLICANT = DemoLogin("Waiting for approval, Clackmannanshire", "applicant@clacks.example")
DEMO_LOGINS = [DEMO_EDITOR, DEMO_COUNCIL_ADMIN, DEMO_MEMBER, DEMO_APPLICANT]


def load_councils() -> dict[str, Council]:
    councils = {}
    for name, nation, council_type, region, domain, status in COUNCILS:
        council, _ = Council.objects.update_or_create(
            slug=_slugify(name),
            defaults={
                "name": name,
                "nation": nation,
                "council_type": council_type,
                "region": region,
                "website": f"https://www.{domain}/",
                "membership_status": status,
            },
        )
        CouncilEmailDomain.objects.get_or_create(council=council, domain=domain)
        councils[name] = council
    return councils


def load_people(*, councils: dict[str, Council], password: str) -> None:
    clacks = councils["Clackmannanshire Council"]
    editor = _person(DEMO_EDITOR.email, "Morven", "Reid", "Programme editor", password)
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    editor.groups.add(editors_group_ensure())

    admin = _person(
        DEMO_COUNCIL_ADMIN.email, "Alasdair", "Grant", "Head of Transformation", password
    )
    Membership.objects.update_or_create(
        person=admin,
        council=clacks,
        defaults={
            "role": Role.DIRECTOR,
            "status": Membership.Status.APPROVED,
            "is_council_admin": True,
        },
    )
    member = _person(DEMO_MEMBER.email, "Fiona", "Ure", "Councillor", password)
    Membership.objects.update_or_create(
        person=member,
        council=clacks,
        defaults={"role": Role.COUNCILLOR, "status": Membership.Status.APPROVED},
    )
    # Someone for the council admin to approve: signed up on the council's domain, not yet decided.
    applicant = _person(
        DEMO_APPLICANT.email, "Callum", "Drummond", "Policy officer, community wealth", password
    )
    Membership.objects.get_or_create(
        person=applicant,
        council=clacks,
        defaults={
            "role": Role.OFFICER,
            "status": Membership.Status.PENDING,
            "source": Membership.Source.DOMAIN,
        },
    )
    # The demo member is listed in the member directory; the preference is off by default.
    CommunicationPreferences.objects.update_or_create(
        person=member, defaults={"show_in_directory": True}
    )
    for person in (admin, member, applicant):
        members_group_sync(person=person)


def _person(email: str, first: str, last: str, job_title: str, password: str) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last, "job_title": job_title}
    )
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _slugify(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name)
