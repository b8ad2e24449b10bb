"""The site's page tree for the demo: the home page and the club's general pages."""

from django.db import transaction
from wagtail.models import Page, Site

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


@transaction.atomic
def load_home() -> HomePage:
    """Make a HomePage the root of the default site, replacing Wagtail's welcome page."""
    root = Page.get_first_root_node()
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
        summary="How accessible this website is, and how to tell us about a problem.",
        body=[
            *paragraphs(
                "We want everyone who uses the Innovation Club website to be able to read, "
                "navigate and take part, whatever device or assistive technology they use.",
                "We aim to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 at "
                "level AA. We test every page type with automated checks in a real browser and "
                "by using the site with a keyboard alone.",
                "If you find something that is hard to use, please email the club team and we "
                "will reply within five working days.",
            ),
        ],
    )
