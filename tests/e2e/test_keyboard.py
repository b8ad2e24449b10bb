"""Keyboard only: focus is always visible, and the registration journey works with the keys alone.

Journey 5 of issue 7: a member signs in and registers for the coming Exchange using only
Tab, Shift+Tab, Enter and Space, with a visible focus indicator at every step.
"""

from playwright.sync_api import Page

from .helpers import DEMO_PASSWORD, MEMBER, focus_is_visible

TOUR = {
    "home": "/",
    "content page": "/about/",
    "exchange index": "/exchanges/",
    "exchange page": "/exchanges/driving-accelerated-transformation/",
    "case-study index": "/case-studies/",
    "case-study page": "/case-studies/clackmannanshire-be-the-future/",
    "login": "/accounts/login/",
    "sign-up": "/accounts/signup/",
}
MAX_TABS = 120


def _focused(page: Page) -> dict:
    info = focus_is_visible(page)
    info["label"] = page.evaluate(
        """() => {
            const el = document.activeElement;
            const label = el.labels && el.labels[0] ? el.labels[0].innerText : '';
            const text = label || el.getAttribute('aria-label') || el.innerText || el.value;
            return (text || '').trim();
        }"""
    )
    return info


def tab_to(page: Page, text: str, *, key: str = "Tab", problems: list[str]) -> dict:
    """Press Tab (or Shift+Tab) until the focused element's text or label starts with `text`.

    Every stop on the way is checked for a visible focus indicator.
    """
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        info = _focused(page)
        if info["tag"] != "body" and not info["visible"]:
            problems.append(f"{page.url}: focus not visible on <{info['tag']}> {info['label']!r}")
        if info["label"].lower().startswith(text.lower()):
            return info
    raise AssertionError(f"{page.url}: {text!r} cannot be reached with {key}")


def test_focus_is_visible_on_every_stop_and_the_skip_link_works(page, demo_site):
    problems: list[str] = []
    for name, path in TOUR.items():
        page.goto(path)
        page.keyboard.press("Tab")
        first = _focused(page)
        assert first["label"] == "Skip to main content", f"{name}: first stop is {first}"
        stops = 0
        while stops < MAX_TABS:
            info = _focused(page)
            if info["tag"] == "body":
                break  # past the last control: focus has left the page
            if not info["visible"]:
                problems.append(f"{name}: focus not visible on <{info['tag']}> {info['label']!r}")
            page.keyboard.press("Tab")
            stops += 1
        assert stops > 5, f"{name}: only {stops} focusable elements"
    assert not problems, "\n".join(problems)

    # The skip link moves focus to the main content; the next Tab lands inside it.
    page.goto("/exchanges/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_journey_keyboard_only_registration(page, demo_site):
    problems: list[str] = []
    page.goto("/")

    # Sign in from the header.
    tab_to(page, "Sign in", problems=problems)
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/login/**")
    tab_to(page, "Email", problems=problems)
    page.keyboard.type(MEMBER)
    tab_to(page, "Password", problems=problems)
    page.keyboard.type(DEMO_PASSWORD)
    # Back to the email field and forward again, to show Shift+Tab keeps its place.
    tab_to(page, "Email", key="Shift+Tab", problems=problems)
    assert page.evaluate("document.activeElement.value") == MEMBER
    tab_to(page, "Password", problems=problems)
    # Space ticks "Remember me"; Enter sends the form.
    tab_to(page, "Remember", problems=problems)
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked") is True
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".site-header__who").count() == 1

    # To the Exchanges programme through the main navigation, then the coming Exchange.
    tab_to(page, "Exchanges", problems=problems)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "Driving Accelerated Transformation", problems=problems)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The registration form: add access needs, then register with Space on the button.
    tab_to(page, "Access needs", problems=problems)
    page.keyboard.type("Step-free access, please.")
    tab_to(page, "Register", problems=problems)
    with page.expect_navigation():
        page.keyboard.press("Space")

    assert page.locator("#registration").get_by_text("You have a confirmed place").count() == 1
    assert not problems, "\n".join(problems)
