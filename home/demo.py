"""The site's page tree for the demo: the home page and the club's general pages."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from .models import ContentPage, HomePage


def ensure_child(parent: Page, page_class: type[Page], *, slug: str, **fields) -> Page:
    """The published child page with this slug, created from `fields` if it is missing.

    An existing page is left as it is: editors may have changed it, and loading the demo again
    must change nothing.
    """
    existing = page_class.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = page_class(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def paragraphs(*texts: str) -> list[tuple[str, str]]:
    """StreamField data for a run of plain paragraphs."""
    return [("paragraph", f"<p>{text}</p>") for text in texts]


def page_tree_root() -> Page:
    """Wagtail's root page, created if missing.

    Migrations create it and the default locale, but a database that has been emptied since (a flushed test database,
    a hand-restored dump) has none, and every page hangs from it.
    """
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(
            title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page)
        )
    return root


@transaction.atomic
def load_home() -> HomePage:
    """Make a HomePage the root of the default site, replacing Wagtail's welcome page."""
    root = page_tree_root()
    # Wagtail's first migration leaves a "Welcome" page (and a site pointing at it) behind.
    Page.objects.child_of(root).filter(
        content_type__app_label="wagtailcore", content_type__model="page"
    ).delete()
    home = HomePage.objects.first()
    if home is not None:
        return home
    fields = {
        "title": "The Innovation Club",
        "intro": (
            "A hub run by councils, for councils: leaders who are changing how local services "
            "work meet, swap what they have learned, and take working solutions home."
        ),
        "body": paragraphs(
            "Years of budget pressure and rising demand mean trimming costs is no longer enough. "
            "Member councils are trying new ways to earn income, to put residents at the centre "
            "of services and to lead their place as one system. The club brings their political "
            "and managerial leaders together to learn from each other.",
        ),
        "show_in_menus": False,
    }
    home = HomePage(slug="home", **fields)
    root.add_child(instance=home)
    home.save_revision().publish()

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", root_page=home, is_default_site=True, site_name="Innovation Club"
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "Innovation Club"
        site.save()
    return home


def load_content_pages(home: HomePage) -> None:
    ensure_child(
        home,
        ContentPage,
        slug="about",
        title="About the club",
        show_in_menus=True,
        summary=(
            "The Innovation Club is a sector-led improvement hub for councils at the leading edge "
            "of change."
        ),
        body=[
            ("heading", "Why the club exists"),
            *paragraphs(
                "Our owner councils asked their improvement body to set up a place where councils "
                "that are already changing how they work could share bold thinking and solutions "
                "that have been shown to work.",
                "Cutting costs, finding efficiencies and sharing services have taken councils a "
                "long way, but not far enough. Members come to the club to explore generating "
                "income, designing services around residents, and new ways of governing their "
                "place as a whole.",
            ),
            ("heading", "What members do"),
            *paragraphs(
                "Political leaders and senior officers meet at a yearly programme of Exchanges, "
                "each on one area of interest. Between Exchanges they read and share case studies, "
                "and some councils work through the Innovation Mandate with us to test how "
                "ambitious their own plans are.",
            ),
        ],
    )
    ensure_child(
        home,
        ContentPage,
        slug="how-to-join",
        title="How to join",
        show_in_menus=True,
        summary="Councillors and officers of member councils can join with their work email.",
        body=[
            *paragraphs(
                "Create an account with your council email address. If your council is a member, "
                "we match you to it by the address and your council's club contact approves you.",
                "If your council is not yet a member, or you work in another sector, you can still "
                "ask to join. Our editors will be in touch.",
            ),
        ],
    )
    ensure_child(
        home,
        ContentPage,
        slug="accessibility",
        title="Accessibility statement",
        show_in_menus=False,
        summary="How accessible this website is, how we check it, and how to tell us about a problem.",
        body=ACCESSIBILITY_STATEMENT,
    )


# The accessibility statement. What it says about testing is what the browser tests in tests/e2e
# do on every change: axe-core, the Nu HTML Checker, keyboard-only and 320 px reflow checks.
ACCESSIBILITY_STATEMENT = [
    *paragraphs(
        "This statement covers the Innovation Club website: its public pages, the Exchanges programme, the case-study library and the pages members use to manage their account and their registrations. It does not cover the editors' administration screens.",
        "We want everyone who uses the site to be able to read it, find their way around and take part, whatever device or assistive technology they use. That means you should be able to:",
    ),
    (
        "paragraph",
        "<ul><li>zoom in up to 400% without the text spilling off the screen, and read every page on a phone 320 pixels wide;</li>"
        "<li>use the whole site with a keyboard alone, and always see where you are on the page;</li>"
        "<li>use the site with a screen reader, with headings, landmarks and form labels that make sense on their own;</li>"
        "<li>change colours, fonts and text size in your browser without losing content;</li>"
        "<li>fill in every form with clear instructions, and be told exactly what to fix, next to the field, when something is wrong.</li></ul>",
    ),
    ("heading", "How accessible the site is"),
    *paragraphs(
        "We aim to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 at level AA. Every type of page, and every form in each of its states (including when it shows an error), is checked automatically in a real browser each time the site is changed. The checks cover the WCAG 2.2 A and AA rules, valid HTML, a visible focus indicator at every stop when moving through a page with the Tab key, and reading without sideways scrolling from a 320 pixel phone to a desktop screen.",
        "Automated checks cannot find everything, so we also use the site ourselves with the keyboard alone and with a screen reader before changes go live.",
    ),
    ("heading", "What we know is not yet accessible"),
    *paragraphs(
        "Some documents attached to Exchanges and case studies, such as slides and reports, are prepared by member councils and speakers and may not be fully accessible. If you need one in another format, ask us and we will provide it.",
        "Videos embedded from other services use those services' own players, which we do not control.",
    ),
    ("heading", "Tell us about a problem or ask for another format"),
    *paragraphs(
        'If you find something hard to use, or you need information in a different format such as large print, an accessible document or plain text, email the club team at <a href="mailto:club@example.org">club@example.org</a>. Tell us the address of the page and what went wrong. We will reply within five working days.',
        "If you are coming to an Exchange, tell us about any access needs when you register: the form asks, and the organisers read every answer before the day.",
    ),
    ("heading", "If you are not happy with our reply"),
    *paragraphs(
        "Public sector websites in the UK are covered by accessibility regulations. If you are not happy with how we respond to your complaint, you can contact the Equality Advisory and Support Service in England, Scotland and Wales, or the Equality Commission for Northern Ireland.",
        "This statement was last reviewed in November 2026. We review it whenever the site changes in a way that affects accessibility, and at least once a year.",
    ),
]
