"""The Innovation Mandate from start to finish in a browser, with axe and the Nu checker on every
screen: a council admin opens a round and invites a councillor, both answer (the admin gives the
officers' view), and the admin reads the results, the workshop view and the printable report."""

from playwright.sync_api import Page, expect

from .helpers import COUNCIL_ADMIN, MEMBER, assert_no_axe_violations, login, vnu_errors


def _check(page: Page, name: str, documents: dict[str, str]) -> None:
    # The HTML first: axe-core, once injected, is part of the document.
    documents[name] = page.content()
    assert_no_axe_violations(page, name)


def _answer_every_dimension(page: Page, level_label_start: str) -> None:
    """Tick, in each dimension's group, the statement at the same position (0, 1 or 2)."""
    index = {"better": 0, "differently": 1, "new": 2}[level_label_start]
    for group in page.locator("fieldset.mandate-fieldset").all():
        group.get_by_role("radio").nth(index).check()


def test_open_answer_and_read_a_round(page: Page, demo_site):
    documents: dict[str, str] = {}

    login(page, COUNCIL_ADMIN)
    page.goto("/mandate/")
    _check(page, "mandate-index", documents)
    page.get_by_role("link", name="Open a round").click()
    _check(page, "mandate-open", documents)

    # A mistake first: the error summary names it and keeps what was typed.
    page.get_by_label("Title").fill("Spring self-assessment")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the council this round is for.")
    expect(page.get_by_label("Title")).to_have_value("Spring self-assessment")
    _check(page, "mandate-open-error", documents)
    page.get_by_label("Council").select_option(label="Clackmannanshire Council")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring self-assessment")

    page.get_by_label("Fiona Ure (Councillor)").check()
    page.get_by_label("Alasdair Grant (Director or senior manager)").check()
    page.get_by_role("button", name="Invite the people chosen").click()
    expect(page.get_by_role("status")).to_contain_text("2 people invited")
    _check(page, "mandate-round", documents)
    round_url = page.url

    # The admin answers as an officer: save part-way, then submit.
    page.goto(f"{round_url}my-answers/")
    _check(page, "mandate-answer", documents)
    page.locator("fieldset.mandate-fieldset").first.get_by_role("radio").first.check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_role("status")).to_contain_text("Your answers are saved")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    _check(page, "mandate-answer-error", documents)
    _answer_every_dimension(page, "better")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("status")).to_contain_text("your answers are submitted")
    _check(page, "mandate-answer-submitted", documents)

    # The councillor gives the members' view.
    page.context.clear_cookies()
    login(page, MEMBER)
    page.goto("/mandate/")
    page.get_by_role("link", name="Spring self-assessment").click()
    _answer_every_dimension(page, "differently")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("status")).to_contain_text("your answers are submitted")
    refused = page.goto(f"{round_url}results/")
    assert refused is not None and refused.status == 403  # not one of the council's admins

    # The admin reads the results three ways.
    page.context.clear_cookies()
    login(page, COUNCIL_ADMIN)
    page.goto(f"{round_url}results/")
    expect(page.get_by_text("2 of 2 invited people have submitted")).to_be_visible()
    expect(page.get_by_role("img", name="Where Clackmannanshire Council stands")).to_be_visible()
    expect(page.get_by_role("table", name="Scores by dimension")).to_be_visible()
    _check(page, "mandate-results", documents)
    page.get_by_role("link", name="Workshop view").first.click()
    _check(page, "mandate-workshop", documents)
    page.goto(f"{round_url}report/")
    _check(page, "mandate-report", documents)

    errors = vnu_errors(documents)
    assert not errors, "Nu HTML Checker errors:\n" + "\n".join(
        f"{name}: {message}" for name, messages in errors.items() for message in messages
    )
