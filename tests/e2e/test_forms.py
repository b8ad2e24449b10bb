"""Every form in every state, error states included: axe finds nothing and the HTML is valid.

Each state is reached as a person would reach it, by filling in and sending the form in the
browser; the page that comes back is checked with axe-core and, in one run at the end, with the
Nu HTML Checker. Error states must also show the error summary, with a link to each field.
"""

from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from playwright.sync_api import Page, Response

from club.models import User

from .helpers import (
    COUNCIL_ADMIN,
    DEMO_PASSWORD,
    EDITOR,
    MEMBER,
    axe_violations,
    login,
    vnu_errors,
)

EXCHANGE = "/exchanges/driving-accelerated-transformation/"


def _submit(page: Page, button_name: str) -> Response:
    with page.expect_navigation() as navigation:
        page.locator("main").get_by_role("button", name=button_name).first.click()
    response = navigation.value
    assert response is not None
    return response


class Checker:
    """Collects axe findings and HTML for every state, so one failure report lists them all."""

    def __init__(self, page: Page):
        self.page = page
        self.documents: dict[str, str] = {}
        self.problems: list[str] = []

    def check(self, name: str, response: Response, *, errors_expected: bool = False) -> None:
        self.documents[name] = response.text()
        for violation in axe_violations(self.page):
            self.problems.append(f"{name}: axe {violation['id']}: {violation['nodes']}")
        if errors_expected:
            summary = self.page.locator(".error-summary")
            if summary.count() != 1:
                self.problems.append(f"{name}: expected one error summary, found {summary.count()}")
            # Every link in the summary leads to a field that exists on the page.
            for link in summary.locator("a").all():
                target = (link.get_attribute("href") or "").lstrip("#")
                if not target or self.page.locator(f"[id='{target}']").count() != 1:
                    self.problems.append(f"{name}: summary link to missing field #{target}")

    def get(self, name: str, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.ok, f"{name}: {path} answered {response}"
        self.check(name, response)

    def finish(self) -> None:
        for name, messages in vnu_errors(self.documents).items():
            self.problems += [f"{name}: HTML {message}" for message in messages]
        assert not self.problems, "\n".join(self.problems)


def test_account_forms_in_every_state(page, demo_site):
    checker = Checker(page)

    checker.get("login", "/accounts/login/")
    checker.check("login: nothing entered", _submit(page, "Sign in"), errors_expected=True)
    page.get_by_label("Email").fill(MEMBER)
    page.get_by_label("Password").fill("not the password")
    checker.check("login: wrong password", _submit(page, "Sign in"), errors_expected=True)
    # What was typed is still there.
    assert page.get_by_label("Email").input_value() == MEMBER

    checker.get("sign-up", "/accounts/signup/")
    checker.check("sign-up: nothing entered", _submit(page, "Create"), errors_expected=True)
    page.locator("input[type=email]").first.fill("not-an-address")
    checker.check("sign-up: bad email", _submit(page, "Create"), errors_expected=True)
    assert page.locator("input[type=email]").first.input_value() == "not-an-address"

    checker.get("sign-in code", "/accounts/login/code/")
    checker.check("sign-in code: nothing entered", _submit(page, "Request"), errors_expected=True)

    # An editor with an authenticator app is asked for its code after the password.
    secret = generate_totp_secret()
    TOTP.activate(User.objects.get(email=EDITOR), secret)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(EDITOR)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    checker.check("second factor", _submit(page, "Sign in"))
    assert "/2fa/authenticate/" in page.url
    counter = next(iter(yield_hotp_counters_from_time()))
    wrong = f"{(hotp_value(secret, counter) + 1) % 1_000_000:06d}"
    page.get_by_label("Code").fill(wrong)
    checker.check("second factor: wrong code", _submit(page, "Sign in"), errors_expected=True)
    page.context.clear_cookies()

    checker.get("password reset", "/accounts/password/reset/")
    checker.check("password reset: nothing entered", _submit(page, "Reset"), errors_expected=True)
    page.get_by_label("Email").fill("someone@fife.gov.uk")
    checker.check("password reset: sent", _submit(page, "Reset"))

    checker.finish()


def test_member_forms_and_pages_in_every_state(page, context, demo_site):
    checker = Checker(page)
    login(page, MEMBER)

    checker.get("exchange page: signed in", EXCHANGE)
    # The same form sent twice (a second tab, a double click): the second answer explains why.
    second_tab = context.new_page()
    second_tab.goto(EXCHANGE)
    page.get_by_label("Access needs").fill("A hearing loop, please.")
    checker.check("registration: confirmed", _submit(page, "Register"))
    second_tab.get_by_label("Access needs").fill("A quiet room, please.")
    checker.page = second_tab
    checker.check("registration: sent twice", _submit(second_tab, "Register"), errors_expected=True)
    second_tab.close()
    checker.page = page

    checker.get("my exchanges", "/events/mine/")
    cancel_url = page.locator("main table a", has_text="Cancel").first.get_attribute("href")
    checker.get("cancel a place", cancel_url)
    checker.get("my account", "/club/account/")
    checker.get("case-study submission", "/submissions/new/")
    checker.check(
        "case-study submission: nothing entered",
        _submit(page, "Send to the editors"),
        errors_expected=True,
    )

    # The council admin's views of their council.
    context.clear_cookies()
    login(page, COUNCIL_ADMIN)
    checker.get("council registrations", "/events/council/")
    checker.get("council people", "/club/councils/clackmannanshire-council/people/")

    checker.finish()
