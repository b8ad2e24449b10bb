"""Every page type reflows from a 320 px phone to a desktop without sideways scrolling.

With SCREENSHOTS_DIR set (`make screenshots`), each page is also saved at 390 px and 1280 px as
`<page>-<width>.png`, full length, for a person to look over.
"""

import os
from pathlib import Path

from playwright.sync_api import expect

from .helpers import MEMBER, login
from .pages import PUBLIC_PAGES

WIDTHS = (320, 390, 1280)
SCREENSHOT_WIDTHS = (390, 1280)


def _overflow(page) -> list[str]:
    """Elements wider than the viewport (WCAG 1.4.10 reflow), described for the failure message."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth <= width) return [];
            return [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > width + 1)
                .slice(0, 5)
                .map(el => el.tagName.toLowerCase() + '.' + el.className + ' right='
                     + Math.round(el.getBoundingClientRect().right));
        }"""
    )


def _check_at_every_width(page, name: str, path: str, folder: str | None) -> list[str]:
    """Load the page once, then narrow and widen the window: the layout follows the width alone
    (nothing on the server depends on it), so each width is measured without loading again."""
    problems = []
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    page.goto(path)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if overflow := _overflow(page):
            problems.append(f"{name} at {width}px scrolls sideways: {overflow}")
        if folder and width in SCREENSHOT_WIDTHS:
            page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    return problems


def test_pages_reflow_at_every_width(context, demo_site):
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
    page = context.new_page()
    problems = []
    for name, path in PUBLIC_PAGES.items():
        problems += _check_at_every_width(page, name, path, folder)
    # Signed in as a member: the header changes, and member-only pages join the tour.
    login(page, MEMBER)
    header = page.locator(".site-header")
    expect(header).to_contain_text("Signed in as")
    expect(header.get_by_role("link", name="My account")).to_have_count(1)
    for name, path in {"home-signed-in": "/", **MEMBER_PAGES}.items():
        problems += _check_at_every_width(page, name, path, folder)
    assert not problems, "\n".join(problems)


# Pages a signed-in member sees (their forms' states are checked in test_forms.py).
MEMBER_PAGES: dict[str, str] = {
    "exchange-page-signed-in": "/exchanges/driving-accelerated-transformation/",
    "my-exchanges": "/events/mine/",
    "my-account": "/club/account/",
    "mandate-index": "/mandate/",
}
