"""What the browser tests share: the browser's launch options, axe-core, the Nu HTML Checker."""

import json
import subprocess
import tempfile
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


def vnu_errors(documents: dict[str, str]) -> dict[str, list[str]]:
    """Check HTML documents with the Nu HTML Checker in one Java run; errors by document name.

    Starting the JVM costs a second or two, so every document is written to a file and checked
    together rather than piped in one by one.
    """
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        files = {}
        for index, (name, html) in enumerate(documents.items()):
            path = Path(folder) / f"doc{index}.html"
            path.write_text(html, encoding="utf-8")
            files[path.as_uri()] = name
        result = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *sorted(files)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors: dict[str, list[str]] = {}
    for message in messages:
        name = files.get(message.get("url", ""), message.get("url", "?"))
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
