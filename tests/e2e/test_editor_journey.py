"""Journey 2 of issue 7: an editor signs in to the Wagtail admin with the second factor, writes and
publishes a case study with its taxonomy, and finds it in the filtered library and in search.

The admin's two-factor rule is on for this test (tests/settings.py turns it off for the admin's
unit tests): the editor has an authenticator app, and signs in with a code worked out from its
secret, as the app would. Wagtail's autosave is off (see the fixture) so the publish click is the
page's only save.
"""

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import Page, expect
from wagtail.search.models import IndexEntry

from casestudies.models import CaseStudyIndexPage, CaseStudyPage
from club.models import User

from .helpers import DEMO_PASSWORD, EDITOR, assert_no_axe_violations

TITLE = "Monmouthshire: Hedgerow apprenticeships"
SEARCH_WORD = "hedgerow"


def _authenticator_code(secret: str) -> str:
    """The code the editor's app shows now. allauth takes only the current time step, so when
    the step is about to end, wait for the next one rather than send a code that may expire."""
    left = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
    if left < 5:
        time.sleep(left + 0.2)
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def _type_rich_text(page: Page, field: str, text: str) -> None:
    """Type into one of Draftail's rich-text editors, as an editor would."""
    editor = page.locator(f'[data-contentpath="{field}"] [contenteditable="true"]')
    editor.click()
    # Draftail takes the focus once its editor has mounted; typing before that is lost.
    expect(editor).to_be_focused()
    editor.press_sequentially(text)
    # Draftail copies its content into the form's hidden input a moment after the last key; a
    # Publish click before that would post the field empty.
    expect(page.locator(f"#id_{field}")).to_have_value(re.compile(re.escape(text)))


@pytest.fixture
def editor_secret(demo_site, settings) -> str:
    settings.EDITOR_MFA_REQUIRED = True
    # Wagtail autosaves a new page half a second after each change, creating it as a draft; a
    # Publish click that lands while that first save is in flight posts a second create, and
    # one of the two fails on the taken slug. Seen under load; here only Publish saves.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    secret = generate_totp_secret()
    TOTP.activate(User.objects.get(email=EDITOR), secret)
    return secret


def test_journey_editor_publishes_a_case_study_and_finds_it(page, editor_secret):
    # The admin sends the editor to the site's sign-in, then asks for the second factor.
    page.goto("/admin/")
    page.get_by_label("Email").first.fill(EDITOR)
    page.get_by_label("Password").first.fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.get_by_label("Code").fill(_authenticator_code(editor_secret))
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")

    # From the library's page in the admin, add a case study.
    index = CaseStudyIndexPage.objects.get()
    page.goto(f"/admin/pages/{index.pk}/")
    page.get_by_role("link", name="Add child page").first.click()
    page.wait_for_url("**/add/casestudies/casestudypage/**")

    page.locator("#id_title").fill(TITLE)
    page.locator("#id_summary").fill(
        "Young people trained in hedgerow restoration on council land, paid as apprentices."
    )
    page.locator("#id_councils").select_option(label="Monmouthshire County Council")
    page.locator("#id_programme_name").fill("Green Skills Monmouthshire")
    page.locator("#id_period_start").fill("2024")
    page.locator("#id_published_on").fill("2026-11-02")
    page.keyboard.press("Escape")  # close the date picker
    _type_rich_text(page, "challenge", "Rural employers could not find people with land skills.")
    _type_rich_text(page, "approach", "The council paid apprentices to restore its hedgerows.")
    page.locator("#id_themes").select_option(
        label=["Leadership and skills", "Sustainable inclusive growth"]
    )
    page.locator("#id_delivery_models").select_option(label="Co-production")
    page.locator("#id_change_level").select_option(label="Transitional")
    page.locator("#id_mandate_differently").check()

    # Publish sits in the menu beside "Save draft".
    page.locator("footer .w-dropdown__toggle").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("published")

    case_study = CaseStudyPage.objects.get(title=TITLE)
    assert case_study.live
    # Wagtail's database search backend indexed it on publish (no reindex was run).
    assert IndexEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(CaseStudyPage), object_id=str(case_study.pk)
    ).exists()

    # A visitor narrows the library to the theme and nation and finds it...
    page.context.clear_cookies()
    page.goto("/case-studies/")
    filters = page.locator(".library__filters")
    filters.get_by_role("group", name="Theme").get_by_label("Leadership and skills").check()
    filters.get_by_role("group", name="Nation").get_by_label("Wales").check()
    filters.get_by_role("button", name="Show case studies").click()
    assert "theme=leadership-and-skills" in page.url
    expect(page.locator(".library__results")).to_contain_text(TITLE)
    # ...and not under a level of change it does not have.
    page.goto("/case-studies/?change=transformational")
    expect(page.locator(".library__results")).not_to_contain_text(TITLE)

    # The library's own search finds it by a word from its summary.
    page.goto("/case-studies/")
    filters.get_by_label("Search case studies").fill(SEARCH_WORD)
    filters.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".library__results .card").first).to_contain_text(TITLE)

    # So does the site search, and the result leads to the published page.
    page.goto(f"/search/?q={SEARCH_WORD}")
    page.locator("main").get_by_role("link", name=TITLE).click()
    expect(page.locator("main h1")).to_have_text(TITLE)
    expect(page.locator(".facts")).to_contain_text("Monmouthshire County Council")
    expect(page.locator(".facts")).to_contain_text("Leadership and skills")
    assert_no_axe_violations(page, "the new case study")
