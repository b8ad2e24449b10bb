"""The demo programme: two past Exchanges with outputs and one ahead, dated from today."""

from contextlib import suppress
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from casestudies.taxonomy import Theme
from club.models import Council, Membership, Role, User
from home.demo import ensure_child, paragraphs
from home.models import HomePage

from .models import Audience, ExchangeFormat, ExchangeIndexPage, ExchangePage, Sector, Speaker
from .services import RegistrationError, registration_create

UK = ZoneInfo("Europe/London")


def next_march_date(today: date) -> date:
    """A Tuesday in March at least four weeks away: when the club holds this Exchange."""
    year = today.year if today < date(today.year, 2, 1) else today.year + 1
    day = date(year, 3, 10)
    while day.weekday() != 1:  # Tuesday
        day += timedelta(days=1)
    return day


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UK)


def load_exchanges(home: HomePage, themes: dict[str, Theme]) -> list[ExchangePage]:
    index = ensure_child(
        home,
        ExchangeIndexPage,
        slug="exchanges",
        title="Exchanges",
        show_in_menus=True,
        intro=(
            "Our yearly programme of innovation and leadership Exchanges. Political and managerial "
            "leaders meet together, each time on one area of interest."
        ),
    )
    today = timezone.localdate()
    first_day = today - timedelta(days=300)
    second_day = today - timedelta(days=120)
    march_day = next_march_date(today)

    sustained = ensure_child(
        index,
        ExchangePage,
        slug="leading-the-sustained-council",
        title="Leading the sustained council",
        strapline="What will a council that has weathered the next few years look like?",
        theme=themes["leadership-and-skills"],
        summary=(
            "Leaders looked a few years ahead at the council that will still be standing, and at "
            "the skills and knowledge it will take to run new models of local service."
        ),
        starts_at=_at(first_day, 10),
        ends_at=_at(first_day, 16),
        format=ExchangeFormat.IN_PERSON,
        audience=Audience.BOTH,
        venue_name="Conference centre, Birmingham",
        venue_address="Birmingham city centre",
        capacity=40,
        registration_opens_at=_at(first_day - timedelta(days=60), 9),
        registration_closes_at=_at(first_day - timedelta(days=2), 17),
        body=paragraphs(
            "A day on leading new models of local service, and on how councils help their staff "
            "become innovators: people who question how things are done, take considered risks "
            "and look at every way a service could be delivered."
        ),
        outputs_summary=(
            "<p>Members agreed that the councils that last will be those that treat every "
            "delivery option as open. Three ideas came up again and again:</p><ul>"
            "<li>make it safe for staff to try things and to stop what is not working;</li>"
            "<li>grow commercial and commissioning skills in leadership teams;</li>"
            "<li>bring elected members and officers into the same conversation early.</li></ul>"
        ),
    )
    reinventing = ensure_child(
        index,
        ExchangePage,
        slug="reinventing-local-public-services",
        title="Reinventing local public services",
        strapline="How much appetite is there across the sector to change how services are run?",
        theme=themes["reinventing-public-services"],
        summary=(
            "An Exchange that tested the sector's appetite for changing how services are "
            "delivered, from small improvements to starting again."
        ),
        starts_at=_at(second_day, 10),
        ends_at=_at(second_day, 15, 30),
        format=ExchangeFormat.HYBRID,
        audience=Audience.BOTH,
        venue_name="Council chamber, Manchester",
        venue_address="Manchester city centre",
        capacity=50,
        registration_opens_at=_at(second_day - timedelta(days=45), 9),
        registration_closes_at=_at(second_day - timedelta(days=1), 17),
        body=paragraphs(
            "Members compared where their councils stand and heard from two councils that have "
            "redesigned whole services with their residents."
        ),
        outputs_summary=(
            "<p>The room was split on pace but not on direction: most councils want to go "
            "further than improving what they already do. Slides and notes are shared with "
            "members who attended.</p>"
        ),
    )
    accelerated = ensure_child(
        index,
        ExchangePage,
        slug="driving-accelerated-transformation",
        title="Driving Accelerated Transformation",
        strapline="From transactional, through transitional, to transformational change.",
        theme=themes["accelerated-transformation"],
        summary=(
            "Our March Exchange follows the path councils take from better procedures, through "
            "taking old systems apart, to reshaping how the whole council works with others."
        ),
        starts_at=_at(march_day, 10),
        ends_at=_at(march_day, 16),
        format=ExchangeFormat.IN_PERSON,
        audience=Audience.BOTH,
        venue_name="Conference centre, Edinburgh",
        venue_address="Edinburgh city centre",
        travel_and_access=(
            "Ten minutes' walk from Waverley station. Step-free access throughout, a hearing "
            "loop in the main room and a quiet room on the same floor."
        ),
        capacity=60,
        registration_opens_at=_at(today - timedelta(days=7), 9),
        registration_closes_at=_at(march_day - timedelta(days=3), 17),
        body=paragraphs(
            "Transactional change makes procedures and structures work better. Transitional "
            "change takes old systems apart, which is harder to see through. Transformational "
            "change reshapes strategy and processes entirely and asks for a new mindset and "
            "culture. Members who have made each step will share what it took.",
        ),
        outputs_summary="",
    )
    if accelerated.ends_at <= timezone.now():
        # Loaded in an earlier year: move it to the coming March so the demo always has one ahead.
        accelerated.starts_at = _at(march_day, 10)
        accelerated.ends_at = _at(march_day, 16)
        accelerated.registration_opens_at = _at(today - timedelta(days=7), 9)
        accelerated.registration_closes_at = _at(march_day - timedelta(days=3), 17)
        accelerated.save_revision().publish()
    load_programme_details(accelerated)
    return [sustained, reinventing, accelerated]


# Fictional speakers: names and organisations are invented for the demonstration.
SPEAKERS = [
    {
        "name": "Morgan Price",
        "role": "Chief executive",
        "organisation": "A Welsh member council",
        "sector": Sector.LOCAL_GOVERNMENT,
        "is_guest_from_another_sector": False,
        "bio": "Has led a council through all three kinds of change, and is candid about which was hardest.",
    },
    {
        "name": "Dr Helen Marsh",
        "role": "Director of operations",
        "organisation": "A national logistics company",
        "sector": Sector.PRIVATE,
        "is_guest_from_another_sector": True,
        "bio": "Rebuilt a large delivery network around its customers in under two years, and will say what she would do differently.",
    },
    {
        "name": "Niamh Doyle",
        "role": "Head of service design",
        "organisation": "A community energy co-operative",
        "sector": Sector.VOLUNTARY,
        "is_guest_from_another_sector": True,
        "bio": "Designs services with the people who use them, and helps public bodies let go of processes nobody needs any more.",
    },
]

# Fictional attendees at real member councils, on reserved .example addresses.
ATTENDEES = [
    ("gareth.hughes@cardiff.example", "Gareth", "Hughes", "cardiff-council", Role.CHIEF_EXECUTIVE),
    (
        "siobhan.kelly@belfast.example",
        "Siobhan",
        "Kelly",
        "belfast-city-council",
        Role.POLITICAL_LEADER,
    ),
    ("tom.ashworth@wigan.example", "Tom", "Ashworth", "wigan-council", Role.DIRECTOR),
    ("aisha.rahman@kent.example", "Aisha", "Rahman", "kent-county-council", Role.COUNCILLOR),
]


def _session(starts: str, ends: str, title: str, description: str, speakers: list[Speaker]) -> dict:
    return {
        "type": "session",
        "value": {
            "starts_at": starts,
            "ends_at": ends,
            "title": title,
            "description": f"<p>{description}</p>",
            "speakers": [s.pk for s in speakers],
        },
    }


def _interval(starts: str, ends: str, title: str) -> dict:
    return {"type": "interval", "value": {"starts_at": starts, "ends_at": ends, "title": title}}


def load_programme_details(exchange: ExchangePage) -> None:
    """The March Exchange's agenda, speakers and a few registrations; a second run adds nothing."""
    speakers = {}
    for fields in SPEAKERS:
        speaker, _ = Speaker.objects.get_or_create(name=fields["name"], defaults=fields)
        speakers[speaker.name] = speaker
    if not exchange.agenda:
        price, marsh, doyle = (speakers[f["name"]] for f in SPEAKERS)
        exchange.agenda = [
            _interval("09:30:00", "10:00:00", "Arrival, coffee and introductions"),
            _session(
                "10:00:00",
                "10:45:00",
                "Transactional, transitional, transformational: where are we?",
                "A council that has made all three kinds of change on what each one asked of its leaders.",
                [price],
            ),
            _session(
                "10:45:00",
                "12:00:00",
                "Change at pace, from outside local government",
                "A guest from the logistics industry on redesigning a whole operation around its customers, and on what did not work.",
                [marsh],
            ),
            _interval("12:00:00", "12:45:00", "Lunch and networking"),
            _session(
                "12:45:00",
                "14:15:00",
                "Taking old systems apart",
                "A workshop on letting go of processes that no longer serve residents, led with a community organisation.",
                [doyle],
            ),
            _session(
                "14:15:00",
                "15:30:00",
                "Your council's next step",
                "Members and officers from each council work at the same table on one change they could make this year.",
                [],
            ),
            _session(
                "15:30:00",
                "16:00:00",
                "What we take home",
                "Each table shares one idea to try.",
                [],
            ),
        ]
        exchange.seats_per_council = 4
        exchange.editor_question = (
            "Which change are you most keen to hear about from other councils?"
        )
        exchange.save_revision().publish()
    for email, first, last, council_slug, role in ATTENDEES:
        council = Council.objects.filter(slug=council_slug).first()
        if council is None:
            continue
        person, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last, "job_title": role.label}
        )
        if created:
            person.set_unusable_password()  # attendees in the demo, not logins
            person.save(update_fields=["password"])
        Membership.objects.get_or_create(
            person=person,
            council=council,
            defaults={"role": role, "status": Membership.Status.APPROVED},
        )
        if not exchange.registrations.filter(person=person).exists():
            # Loaded while registration is closed: the demo simply shows no registrations.
            with suppress(RegistrationError):
                registration_create(exchange=exchange, person=person)
