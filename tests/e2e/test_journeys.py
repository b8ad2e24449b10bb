"""End-to-end journeys of issue 7, in a real browser against the live server and the demo content.

1. A newcomer signs up with a council email, verifies it from the email, is approved by the
   council admin, registers for the coming Exchange, sees it in their account and downloads the
   `.ics`.
(Journey 2, an editor publishing a case study, is in test_editor_journey.py.)
3. A visitor narrows the case studies with two facets and a search term and opens one.
4. A member cancels and the first person on the waiting list is promoted and sees it.
(Journey 5, keyboard only, is in test_keyboard.py.)
"""

import re

from icalendar import Calendar
from playwright.sync_api import Page, expect

from club.models import Membership, Role, User
from events.models import ExchangePage, RegistrationStatus

from .helpers import COUNCIL_ADMIN, DEMO_PASSWORD, MEMBER, assert_no_axe_violations, login

EXCHANGE_SLUG = "driving-accelerated-transformation"
EXCHANGE = f"/exchanges/{EXCHANGE_SLUG}/"
NEWCOMER = "isla.brown@clacks.gov.uk"
NEW_PASSWORD = "a-sturdy-pass-phrase-91"


def _sign_out(page: Page) -> None:
    page.locator(".site-header").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_journey_newcomer_joins_is_approved_registers_and_gets_the_calendar(
    page, demo_site, mailoutbox
):
    # Sign up with a Clackmannanshire address: the council is matched by the domain.
    page.goto("/")
    page.locator(".site-header").get_by_role("link", name="Join the club").click()
    page.locator("main input[name=email]").fill(NEWCOMER)
    page.get_by_label("First name").fill("Isla")
    page.get_by_label("Last name").fill("Brown")
    page.get_by_label("Job title").fill("Service manager")
    page.get_by_label("Your role").select_option(Role.OFFICER.value)
    page.locator("input[name=password1]").fill(NEW_PASSWORD)
    page.locator("input[name=password2]").fill(NEW_PASSWORD)
    page.locator("main").get_by_role("button", name="Create my account").click()
    page.wait_for_url(lambda url: "/signup/" not in url)

    # The verification email: open its link and confirm.
    message = next(m for m in mailoutbox if m.to == [NEWCOMER])
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(1)
    page.goto(path)
    assert_no_axe_violations(page, "confirm email address")
    page.locator("main").get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()

    # Signed in, but not approved yet: the Exchange page does not offer registration.
    login(page, NEWCOMER, NEW_PASSWORD)
    page.goto(EXCHANGE)
    expect(page.locator("#registration")).not_to_contain_text("Access needs")
    _sign_out(page)

    # The council's club contact approves the newcomer.
    login(page, COUNCIL_ADMIN)
    page.goto("/club/councils/clackmannanshire-council/people/")
    page.locator("tr, li", has_text="Isla").get_by_role(
        "button", name=re.compile("^Approve")
    ).first.click()
    expect(page.locator(".notification--success")).to_contain_text("approved")
    _sign_out(page)

    # Approved: register for the coming Exchange.
    login(page, NEWCOMER, NEW_PASSWORD)
    page.goto(EXCHANGE)
    page.get_by_label("Access needs").fill("A seat near the front, please.")
    page.locator("#registration").get_by_role("button", name="Register").click()
    expect(page.locator("#registration")).to_contain_text("You have a confirmed place")

    # It is in their account.
    page.goto("/events/mine/")
    expect(page.locator("main table")).to_contain_text("Driving Accelerated Transformation")
    expect(page.locator("main table")).to_contain_text("Confirmed")

    # And the calendar file downloads and describes the Exchange.
    page.goto(EXCHANGE)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"\.ics file")).click()
    calendar = Calendar.from_ical(download_info.value.path().read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    assert "Driving Accelerated Transformation" in str(events[0]["SUMMARY"])
    exchange = ExchangePage.objects.get(slug=EXCHANGE_SLUG)
    assert events[0].decoded("DTSTART") == exchange.starts_at


def test_journey_visitor_narrows_case_studies_and_opens_one(page, demo_site):
    page.goto("/")
    page.locator("nav[aria-label=Main]").get_by_role("link", name="Case studies").click()
    everything = page.locator(".library__results .card").count()
    assert everything >= 3

    filters = page.locator(".library__filters")
    filters.get_by_role("group", name="Nation").get_by_label("Scotland").check()
    filters.get_by_role("group", name="Level of change").get_by_label("Transformational").check()
    filters.get_by_label("Search case studies").fill("wellbeing")
    filters.get_by_role("button", name="Show case studies").click()

    # The address carries every choice, so the narrowed list can be shared.
    assert "nation=scotland" in page.url
    assert "change=transformational" in page.url
    assert "q=wellbeing" in page.url
    results = page.locator(".library__results .card")
    assert 1 <= results.count() < everything
    expect(page.locator("#results-heading")).to_contain_text("wellbeing")
    # The choices stay ticked on the narrowed page.
    expect(filters.get_by_role("group", name="Nation").get_by_label("Scotland")).to_be_checked()

    results.first.get_by_role("link").first.click()
    expect(page.locator("main h1")).to_have_text("Clackmannanshire: Be the Future")
    expect(page.locator(".facts")).to_contain_text("Transformational")
    expect(page.locator(".facts")).to_contain_text("Scotland")


def test_journey_cancellation_promotes_the_first_on_the_waiting_list(page, context, demo_site):
    # A one-place Exchange: the member takes the place, a colleague joins the waiting list.
    exchange = ExchangePage.objects.get(slug=EXCHANGE_SLUG)
    taken = exchange.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    exchange.capacity = taken + 1
    exchange.seats_per_council = None
    exchange.save_revision().publish()
    member = User.objects.get(email=MEMBER)
    council = Membership.objects.get(person=member).council
    colleague = User.objects.create_user(
        email="rowan.keir@clacks.gov.uk", password=DEMO_PASSWORD, first_name="Rowan"
    )
    colleague.emailaddress_set.create(email=colleague.email, verified=True, primary=True)
    Membership.objects.create(
        person=colleague, council=council, role=Role.COUNCILLOR, status=Membership.Status.APPROVED
    )

    login(page, MEMBER)
    page.goto(EXCHANGE)
    page.locator("#registration").get_by_role("button", name="Register").click()
    expect(page.locator("#registration")).to_contain_text("You have a confirmed place")
    _sign_out(page)

    login(page, colleague.email)
    page.goto(EXCHANGE)
    page.locator("#registration").get_by_role("button", name="Register").click()
    expect(page.locator("#registration")).to_contain_text("number 1 on the waiting list")
    _sign_out(page)

    # The member cancels from their account.
    login(page, MEMBER)
    page.goto("/events/mine/")
    page.locator("main table").get_by_role("link", name=re.compile("^Cancel")).click()
    page.locator("main").get_by_role("button", name="Cancel the place").click()
    page.wait_for_load_state()
    _sign_out(page)

    # The colleague now holds the place, and sees it in their account.
    login(page, colleague.email)
    page.goto("/events/mine/")
    row = page.locator("main table tr", has_text="Driving Accelerated Transformation")
    expect(row).to_contain_text("Confirmed")
    page.goto(EXCHANGE)
    expect(page.locator("#registration")).to_contain_text("You have a confirmed place")
