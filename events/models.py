"""The club's annual programme of Exchanges."""

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import BodyBlock


class ExchangeFormat(models.TextChoices):
    IN_PERSON = "in-person", "In person"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "Hybrid: in person and online"


class Audience(models.TextChoices):
    POLITICAL = "political", "Political leaders"
    MANAGERIAL = "managerial", "Managerial leaders"
    BOTH = "both", "Political and managerial leaders"


class ExchangeIndexPage(Page):
    """The annual programme: upcoming Exchanges first, then past ones with their outputs."""

    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["events.ExchangePage"]
    max_count = 1
    template = "events/exchange_index_page.html"

    def get_context(self, request, *args, **kwargs):
        from .selectors import exchanges_past, exchanges_upcoming

        context = super().get_context(request, *args, **kwargs)
        context["upcoming_exchanges"] = exchanges_upcoming(index_page=self)
        context["past_exchanges"] = exchanges_past(index_page=self)
        return context


class ExchangePage(Page):
    """One Exchange: a meeting of political and managerial leaders on one area of interest."""

    strapline = models.CharField(max_length=200, blank=True)
    theme = models.ForeignKey(
        "casestudies.Theme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exchanges",
    )
    summary = models.TextField(help_text="Two or three sentences: shown on cards and in search.")
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends")
    format = models.CharField(
        max_length=20, choices=ExchangeFormat.choices, default=ExchangeFormat.IN_PERSON
    )
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.BOTH)
    venue_name = models.CharField(max_length=200, blank=True)
    venue_address = models.TextField(blank=True)
    travel_and_access = models.TextField(
        blank=True, help_text="Getting there, step-free access, hearing loops, parking."
    )
    capacity = models.PositiveIntegerField(default=40)
    registration_opens_at = models.DateTimeField("registration opens", null=True, blank=True)
    registration_closes_at = models.DateTimeField("registration closes", null=True, blank=True)
    is_cancelled = models.BooleanField("cancelled", default=False)
    body = StreamField(BodyBlock(), blank=True, verbose_name="about this Exchange")
    outputs_summary = RichTextField(
        blank=True,
        features=["h3", "bold", "italic", "link", "ol", "ul", "document-link"],
        help_text="After the Exchange: what was discussed and what members took away.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("strapline"),
        FieldPanel("theme"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldRowPanel([FieldPanel("format"), FieldPanel("audience")]),
                FieldPanel("is_cancelled"),
            ],
            heading="When and how",
        ),
        MultiFieldPanel(
            [
                FieldPanel("venue_name"),
                FieldPanel("venue_address"),
                FieldPanel("travel_and_access"),
            ],
            heading="Venue",
        ),
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldRowPanel(
                    [FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]
                ),
            ],
            heading="Registration",
        ),
        FieldPanel("body"),
        FieldPanel("outputs_summary"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("strapline", boost=2),
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.SearchField("outputs_summary"),
        index.FilterField("starts_at"),
    ]

    parent_page_types = ["events.ExchangeIndexPage"]
    subpage_types: list[str] = []
    template = "events/exchange_page.html"

    class Meta:
        indexes = [models.Index(fields=["starts_at"])]

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The Exchange must end after it starts."
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = "Registration must close after it opens."
        if closes and self.ends_at and closes > self.ends_at:
            errors["registration_closes_at"] = "Registration cannot close after the Exchange ends."
        if errors:
            raise ValidationError(errors)

    @property
    def status(self):
        from .selectors import exchange_status

        return exchange_status(exchange=self)
