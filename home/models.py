"""The home page and the club's general content pages (About, How to join, Accessibility)."""

from django.db import models
from django.http import Http404
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BodyBlock
from .content_cache import KeptViewRestrictions


class HomePage(KeptViewRestrictions, Page):
    """The club's front door: what it is, the next Exchanges and the newest case studies."""

    intro = models.TextField(help_text="One or two sentences under the page title.")
    body = StreamField(BodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.ContentPage",
        "events.ExchangeIndexPage",
        "casestudies.CaseStudyIndexPage",
    ]
    max_count = 1
    template = "home/home_page.html"

    def route(self, request, path_components):
        # The children are read once a request and shared with the menu (home.navigation).
        from .navigation import home_children

        if not path_components:
            return super().route(request, path_components)
        slug = path_components[0]
        child = next((p for p in home_children(request, self) if p.slug == slug), None)
        if child is None:
            raise Http404
        child._cached_parent_obj = self
        return child.specific.route(request, path_components[1:])

    def get_context(self, request, *args, **kwargs):
        from casestudies.fragments import case_study_cards
        from casestudies.selectors import case_studies_latest
        from events.cards import exchange_cards
        from events.selectors import exchanges_upcoming

        from .navigation import child_url

        context = super().get_context(request, *args, **kwargs)
        upcoming = exchanges_upcoming(limit=3)
        context["upcoming_exchanges"] = exchange_cards(upcoming, request=request)
        latest = case_studies_latest(limit=3)
        context["latest_case_studies"] = case_study_cards(latest, request=request)
        # The index pages' addresses, from the children the menu reads anyway.
        context["exchanges_url"] = child_url(request, self, "exchanges")
        context["case_studies_url"] = child_url(request, self, "case-studies")
        return context


class ContentPage(KeptViewRestrictions, Page):
    """A general page of text: About the club, How to join, the accessibility statement."""

    search_result_label = "Page"  # what site search calls this kind of page

    summary = models.TextField(blank=True, help_text="Shown under the title and in search results.")
    body = StreamField(BodyBlock())

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
    ]

    parent_page_types = ["home.HomePage", "home.ContentPage"]
    subpage_types = ["home.ContentPage"]
    template = "home/content_page.html"


class ContentVersion(models.Model):
    """One row whose token changes with every change to what visitors can be shown.

    Pages published, moved or deleted, view restrictions, sites, and what case studies are filed
    under (home.signals, casestudies.signals). Each process keeps what page routing and the case
    -study library read between requests while the token stays the same (home.content_cache).
    """

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
