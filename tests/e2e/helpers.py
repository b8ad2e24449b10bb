"""What the browser tests share: the browser's launch options, axe-core, the Nu HTML Checker."""

import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
DEMO_PASSWORD = "browser-demo-password"

# The demo logins (club/demo.py).
EDITOR = "editor@innovation-club.example"
COUNCIL_ADMIN = "council.admin@clacks.example"
MEMBER = "member@clacks.example"


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core with the WCAG 2.2 A and AA rules on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
            }));
        }""",
        AXE_TAGS,
    )


def assert_no_axe_violations(page: Page, what: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, f"axe found problems on {what or page.url}:\n" + json.dumps(
        violations, indent=2
    )


class NuChecker:
    """The Nu HTML Checker as a web service on this machine, started once for the whole run.

    Starting the JVM costs several seconds (more on a busy machine), so one checker is started
    in the background while the test database is made, and every document is posted to it.
    """

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/?out=json&level=error"
        self.process = subprocess.Popen(  # noqa: S603
            [
                "java",
                "-Xss1m",
                "-Xmx512m",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(VNU_JAR),
                "nu.validator.servlet.Main",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.ready = False

    def _wait_until_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"The Nu HTML Checker stopped (exit {self.process.returncode})")
            try:
                self._post("<!DOCTYPE html><html lang=en><title>ready</title></html>")
            except (OSError, urllib.error.HTTPError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.25)  # poll: the service is still starting
            else:
                self.ready = True
                return

    def _post(self, html: str) -> list[dict]:
        request = urllib.request.Request(  # noqa: S310 (a local address we started)
            self.url,
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return json.load(response)["messages"]

    def errors(self, html: str) -> list[dict]:
        if not self.ready:
            self._wait_until_ready()
        return [m for m in self._post(html) if m.get("type") in ("error", "non-document-error")]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


NU_CHECKER: NuChecker | None = None  # set for the run by the `nu_checker` fixture (conftest.py)


def vnu_errors(documents: dict[str, str]) -> dict[str, list[str]]:
    """Check HTML documents with the Nu HTML Checker; errors by document name."""
    assert NU_CHECKER is not None, "the nu_checker fixture starts the Nu HTML Checker"
    errors: dict[str, list[str]] = {}
    for name, html in documents.items():
        for message in NU_CHECKER.errors(html):
            line = message.get("lastLine", "?")
            errors.setdefault(name, []).append(f"line {line}: {message['message']}")
    return errors


def focus_is_visible(page: Page) -> dict:
    """Describe the focused element and whether it shows a focus indicator a sighted user can see.

    An indicator is an outline of at least 2 px (not `none`) or a box shadow, on the element
    itself; the site's `:focus-visible` style gives both.
    """
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return {tag: 'body', visible: false};
            const style = getComputedStyle(el);
            const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
            const shadow = style.boxShadow && style.boxShadow !== 'none';
            const box = el.getBoundingClientRect();
            return {
                tag: el.tagName.toLowerCase(),
                text: (el.innerText || el.value || el.name || '').trim().slice(0, 60),
                visible: (outline || shadow) && box.width > 0 && box.height > 0,
            };
        }"""
    )


def login(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").first.fill(email)
    page.get_by_label("Password").first.fill(password)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
