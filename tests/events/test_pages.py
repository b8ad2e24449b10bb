"""The programme and Exchange pages: what they show, filters, pagination, and fixed query counts."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from casestudies.factories import ThemeFactory
from club.factories import CouncilFactory, UserFactory
from club.models import Membership, Role
from events.factories import ExchangePageFactory, SpeakerFactory
from events.models import ExchangeFormat, ExchangePage, Registration, RegistrationStatus
from events.services import registration_create

pytestmark = pytest.mark.django_db


def _days(n):
    return timezone.now() + timedelta(days=n)


def _past(exchange_index, **fields):
    starts = _days(-fields.pop("days_ago", 30))
    return ExchangePageFactory(
        parent=exchange_index,
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        registration_opens_at=starts - timedelta(days=30),
        registration_closes_at=starts - timedelta(days=1),
        **fields,
    )


def test_exchange_page_shows_agenda_speakers_and_guest_marker(client, exchange_index):
    guest = SpeakerFactory(name="Priya Shah", organisation="A housing association")
    officer = SpeakerFactory(
        name="Iain Bell", organisation="Fife Council", is_guest_from_another_sector=False
    )
    exchange = ExchangePageFactory(
        parent=exchange_index,
        # Raw StreamField data, as the admin form stores it.
        agenda=[
            {"type": "interval", "value": {"starts_at": "09:30:00", "title": "Arrival and coffee"}},
            {
                "type": "session",
                "value": {
                    "starts_at": "10:00:00",
                    "ends_at": "11:00:00",
                    "title": "Commercialism without losing the public purpose",
                    "description": "<p>How two councils earn income.</p>",
                    "speakers": [guest.pk, officer.pk],
                },
            },
        ],
    )
    html = client.get(exchange.url).content.decode()
    assert "Arrival and coffee" in html
    assert "Commercialism without losing the public purpose" in html
    assert "10:00 a.m." in html or "10 a.m." in html or "10:00 am" in html
    assert html.count("Priya Shah") == 2  # in the session, and in the speakers list
    assert "Guest from voluntary and community sector" in html
    assert "Iain Bell" in html


def test_outputs_show_summary_and_linked_case_studies(client, exchange_index, case_study_index):
    from casestudies.factories import CaseStudyPageFactory

    exchange = _past(exchange_index, outputs_summary="<p>What members took away.</p>")
    case_study = CaseStudyPageFactory(
        parent=case_study_index, title="Be the Future", councils=[CouncilFactory()]
    )
    case_study.exchanges.add(exchange)
    case_study.save_revision().publish()
    html = client.get(exchange.url).content.decode()
    assert "What members took away." in html
    assert "Case studies presented" in html and "Be the Future" in html
    index_html = client.get(exchange_index.url).content.decode()
    assert "Be the Future" in index_html


def test_index_lists_upcoming_first_then_past_by_year(client, exchange_index):
    soon = ExchangePageFactory(parent=exchange_index, title="Soon", starts_at=_days(10))
    later = ExchangePageFactory(parent=exchange_index, title="Later", starts_at=_days(40))
    recent = _past(exchange_index, title="Recent", days_ago=20)
    older = _past(exchange_index, title="Older", days_ago=400)
    html = client.get(exchange_index.url).content.decode()
    order = [html.index(p.title + "<") for p in (soon, later, recent, older)]
    assert order == sorted(order)
    assert f"<h3>{older.starts_at.year}</h3>" in html


def test_index_filters_by_theme_and_format(client, exchange_index):
    theme = ThemeFactory(name="Commercialism")
    ExchangePageFactory(parent=exchange_index, title="Online one", format=ExchangeFormat.ONLINE)
    ExchangePageFactory(parent=exchange_index, title="Themed one", theme=theme)
    by_format = client.get(exchange_index.url, {"format": "online"}).content.decode()
    assert "Online one" in by_format and "Themed one" not in by_format
    by_theme = client.get(exchange_index.url, {"theme": theme.slug}).content.decode()
    assert "Themed one" in by_theme and "Online one" not in by_theme
    unknown = client.get(exchange_index.url, {"theme": "nothing-like-this"}).content.decode()
    assert "No upcoming Exchanges match these filters." in unknown


def test_index_paginates_keeping_the_filters(client, exchange_index):
    for n in range(14):
        ExchangePageFactory(
            parent=exchange_index, title=f"Online {n:02}", format="online", starts_at=_days(n + 1)
        )
    first = client.get(exchange_index.url, {"format": "online"}).content.decode()
    assert "Page 1 of 2" in first and "format=online&amp;page=2" in first
    second = client.get(exchange_index.url, {"format": "online", "page": 2}).content.decode()
    assert "Online 13" in second and "Online 00" not in second


def test_status_full_waiting_list_is_derived(client, exchange_index, council, make_member):
    exchange = ExchangePageFactory(parent=exchange_index, capacity=1)
    registration_create(exchange=exchange, person=make_member(council))
    assert "Full: waiting list" in client.get(exchange_index.url).content.decode()
    assert "Full: waiting list" in client.get(exchange.url).content.decode()


def test_editor_creates_an_exchange_with_an_agenda_through_the_admin(
    client, exchange_index, editor
):
    from django.urls import reverse

    editor.is_superuser = True
    editor.save()
    client.force_login(editor)
    speaker = SpeakerFactory()
    starts = timezone.localtime() + timedelta(days=60)
    data = nested_form_data(
        {
            "title": "Co-production in practice",
            "slug": "co-production-in-practice",
            "summary": "Residents and councils designing services together.",
            "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (starts + timedelta(hours=6)).strftime("%Y-%m-%d %H:%M"),
            "format": "hybrid",
            "audience": "both",
            "capacity": 30,
            "seats_per_council": 3,
            "editor_question": "What do you hope to take away?",
            "online_joining_details": "https://meet.example/room",
            "body": streamfield([]),
            "agenda": streamfield(
                [
                    (
                        "session",
                        {
                            "starts_at": "10:00",
                            "ends_at": "11:00",
                            "title": "Opening",
                            "description": rich_text(""),
                            # A ListBlock posts a count and one numbered entry per item.
                            "speakers": {
                                "count": 1,
                                "0": {"value": speaker.pk, "deleted": "", "order": 0, "id": ""},
                            },
                        },
                    )
                ]
            ),
            "outputs": streamfield([]),
            "outputs_summary": rich_text(""),
            "action-publish": "publish",
        }
    )
    url = reverse("wagtailadmin_pages:add", args=("events", "exchangepage", exchange_index.pk))
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = ExchangePage.objects.get(slug="co-production-in-practice")
    assert page.seats_per_council == 3 and page.agenda[0].value["title"] == "Opening"


def test_seats_per_council_above_capacity_is_refused(exchange_index):
    from django.core.exceptions import ValidationError

    page = ExchangePageFactory.build(capacity=5, seats_per_council=6, title="x", slug="x")
    with pytest.raises(ValidationError, match="cannot be more than the capacity"):
        page.clean()


# --- Query counts do not grow with data --------------------------------------------------------


def _page_queries(captured: CaptureQueriesContext) -> int:
    """Queries the page itself runs: without the database cache's (Redis in production)."""
    table = settings.CACHES["default"].get("LOCATION", "")
    return sum(1 for q in captured.captured_queries if f'"{table}"' not in q["sql"])


def _count_queries(client, url):
    client.get(url)  # warm caches (site root, content types) so only the page's own work counts
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return _page_queries(captured)


def _more_exchanges(exchange_index, theme, count, start):
    for n in range(start, start + count):
        if n % 2:
            _past(exchange_index, title=f"Past {n}", days_ago=n + 1, theme=theme)
        else:
            ExchangePageFactory(
                parent=exchange_index, title=f"Upcoming {n}", starts_at=_days(n + 1), theme=theme
            )


QUERY_BUDGET = 12  # every public page, whatever the data (issue 9)


def test_index_and_home_query_counts_are_the_same_at_5_and_500_exchanges(client, exchange_index):
    theme = ThemeFactory()
    _more_exchanges(exchange_index, theme, 5, 0)
    at_five = _count_queries(client, exchange_index.url)
    home_at_five = _count_queries(client, "/")
    assert at_five <= QUERY_BUDGET
    assert home_at_five <= QUERY_BUDGET
    _more_exchanges(exchange_index, theme, 495, 5)
    assert ExchangePage.objects.count() == 500
    for exchange in ExchangePage.objects.filter(ends_at__gt=timezone.now())[:3]:
        _bulk_registrations(exchange, 20, 0)  # the cards count confirmed places
    assert _count_queries(client, exchange_index.url) == at_five
    assert _count_queries(client, exchange_index.url + "?page=30") == at_five
    assert _count_queries(client, "/") == home_at_five


def _bulk_registrations(exchange, count, start):
    councils = [CouncilFactory() for _ in range(3)]
    people = UserFactory.create_batch(count)
    Membership.objects.bulk_create(
        Membership(person=p, council=councils[i % 3], role=Role.OFFICER, status="approved")
        for i, p in enumerate(people)
    )
    Registration.objects.bulk_create(
        Registration(
            exchange=exchange,
            person=p,
            council=councils[i % 3],
            role=Role.OFFICER,
            status=RegistrationStatus.CONFIRMED if i % 2 else RegistrationStatus.WAITING,
        )
        for i, p in enumerate(people)
    )


@pytest.mark.parametrize("viewer", ["anonymous", "member", "council_admin"])
def test_exchange_page_query_count_is_the_same_at_5_and_500_registrations(
    client, exchange_index, council, make_member, viewer
):
    exchange = ExchangePageFactory(parent=exchange_index, capacity=1000, seats_per_council=400)
    if viewer != "anonymous":
        person = make_member(council, admin=viewer == "council_admin")
        make_member(council)  # a colleague the admin could register
        registration_create(exchange=exchange, person=person)
        client.force_login(person)
    _bulk_registrations(exchange, 4, 0)
    at_five = _count_queries(client, exchange.url)
    if viewer == "anonymous":
        assert at_five <= QUERY_BUDGET
    _bulk_registrations(exchange, 495, 4)
    assert exchange.registrations.count() == 500 if viewer != "anonymous" else 499
    assert _count_queries(client, exchange.url) == at_five
