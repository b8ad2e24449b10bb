"""Every public page type: no WCAG 2.2 AA problem for axe-core, no HTML error for the Nu checker."""

from .helpers import assert_no_axe_violations, vnu_errors
from .pages import PUBLIC_PAGES


def test_public_pages_pass_axe_and_the_nu_html_checker(page, demo_site):
    documents = {}
    problems = {}
    for name, path in PUBLIC_PAGES.items():
        response = page.goto(path)
        assert response is not None
        expected = 404 if name == "not-found" else 200
        assert response.status == expected, f"{name} ({path}) answered {response.status}"
        documents[name] = response.text()
        try:
            assert_no_axe_violations(page, name)
        except AssertionError as error:
            problems[name] = str(error)
    assert not problems, "\n\n".join(problems.values())
    # The checker itself: a broken document must come back with errors, or nothing is checked.
    assert vnu_errors({"broken": "<!DOCTYPE html><html lang=en><title>x</title><div><span></div>"})
    errors = vnu_errors(documents)
    assert not errors, "Nu HTML Checker errors:\n" + "\n".join(
        f"{name}: {message}" for name, messages in errors.items() for message in messages
    )
