"""The club's annual programme of Exchanges, the people who speak and the people who come."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from club.models import Role
from home.blocks import BodyBlock
from home.content_cache import KeptViewRestrictions
from home.routing import OneQueryChildRouting

from .blocks import AgendaBlock, OutputsBlock
from .serializers import ThemeSerializer


class ExchangeFormat(models.TextChoices):
    IN_PERSON = "in-person", "In person"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "Hybrid: in person and online"


class Audience(models.TextChoices):
    POLITICAL = "political", "Political leaders"
    MANAGERIAL = "managerial", "Managerial leaders"
    BOTH = "both", "Political and managerial leaders"


class Sector(models.TextChoices):
    LOCAL_GOVERNMENT = "local-government", "Local government"
    CENTRAL_GOVERNMENT = "central-government", "Central or devolved government"
    HEALTH = "health", "Health and care"
    PRIVATE = "private", "Business"
    VOLUNTARY = "voluntary", "Voluntary and community sector"
    ACADEMIC = "academic", "Universities and research"
    OTHER = "other", "Another sector"


class Speaker(index.Indexed, models.Model):
    """Someone who speaks at Exchanges; guests from other sectors bring ideas from elsewhere."""

    name = models.CharField(max_length=150)
    role = models.CharField(max_length=150, blank=True, help_text="For example: Chief executive.")
    organisation = models.CharField(max_length=150, blank=True)
    sector = models.CharField(
        max_length=30, choices=Sector.choices, default=Sector.LOCAL_GOVERNMENT
    )
    is_guest_from_another_sector = models.BooleanField(
        "guest from another sector",
        default=False,
        help_text="Marked on the page: an industry or community leader invited to share ideas.",
    )
    bio = models.TextField(blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("role"), FieldPanel("organisation")]),
        FieldRowPanel([FieldPanel("sector"), FieldPanel("is_guest_from_another_sector")]),
        FieldPanel("bio"),
        FieldPanel("photo"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("organisation"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.organisation}" if self.organisation else self.name


class ExchangeIndexPage(OneQueryChildRouting, KeptViewRestrictions, Page):
    """The annual programme: upcoming Exchanges first, then past ones with their outputs."""

    search_result_label = "Exchanges"  # what site search calls this kind of page

    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["events.ExchangePage"]
    max_count = 1
    template = "events/exchange_index_page.html"

    def get_context(self, request, *args, **kwargs):
        from .cards import exchange_cards
        from .selectors import programme_context

        context = super().get_context(request, *args, **kwargs)
        context.update(programme_context(index_page=self, params=request.GET))
        upcoming, past = context["upcoming_exchanges"], context["past_exchanges"]
        context["upcoming_exchanges"] = exchange_cards(upcoming, request=request)
        context["past_exchanges"] = exchange_cards(past, request=request, past=True)
        return context


class ExchangePage(KeptViewRestrictions, Page):
    """One Exchange: a meeting of political and managerial leaders on one area of interest."""

    search_result_label = "Exchange"  # what site search calls this kind of page

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
    online_joining_details = models.TextField(
        blank=True,
        help_text="The meeting link and any passcode. Shown only to confirmed attendees.",
    )
    capacity = models.PositiveIntegerField(default=40)
    seats_per_council = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Leave blank for no limit. Extra people from a council join the waiting list.",
    )
    editor_question = models.CharField(
        "question for people registering",
        max_length=250,
        blank=True,
        help_text="Optional. For example: What would you most like to take away from the day?",
    )
    registration_opens_at = models.DateTimeField("registration opens", null=True, blank=True)
    registration_closes_at = models.DateTimeField("registration closes", null=True, blank=True)
    is_cancelled = models.BooleanField("cancelled", default=False)
    body = StreamField(BodyBlock(), blank=True, verbose_name="about this Exchange")
    agenda = StreamField(AgendaBlock(), blank=True)
    outputs = StreamField(OutputsBlock(), blank=True, verbose_name="output documents and slides")
    # Raised whenever the time, place or cancellation changes, so calendars update the event
    # instead of keeping the old one (RFC 5545 SEQUENCE). Kept by save(), never edited by hand.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
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
                FieldPanel("online_joining_details"),
            ],
            heading="Venue and joining",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("seats_per_council")]),
                FieldRowPanel(
                    [FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]
                ),
                FieldPanel("editor_question"),
            ],
            heading="Registration",
        ),
        FieldPanel("body"),
        FieldPanel("agenda"),
        MultiFieldPanel(
            [FieldPanel("outputs_summary"), FieldPanel("outputs")],
            heading="After the Exchange",
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("strapline", boost=2),
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.SearchField("outputs_summary"),
        index.FilterField("starts_at"),
        index.FilterField("format"),
    ]
    # Public facts only: joining details and registrations never leave through the API.
    api_fields = [
        APIField("strapline"),
        APIField("summary"),
        APIField("theme", serializer=ThemeSerializer()),
        APIField("starts_at"),
        APIField("ends_at"),
        APIField("format"),
        APIField("audience"),
        APIField("venue_name"),
        APIField("venue_address"),
        APIField("capacity"),
        APIField("is_cancelled"),
        APIField("agenda"),
        APIField("outputs_summary"),
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
        if (
            self.seats_per_council is not None
            and self.capacity is not None
            and self.seats_per_council > self.capacity
        ):
            errors["seats_per_council"] = "Seats per council cannot be more than the capacity."
        if errors:
            raise ValidationError(errors)

    def get_context(self, request, *args, **kwargs):
        from .calendars import add_to_calendar_links
        from .forms import RegistrationForm
        from .selectors import exchange_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(exchange_page_context(exchange=self, viewer=request.user))
        panel = context["panel"]
        context["registration_form"] = RegistrationForm(
            exchange=self, colleagues=panel.colleagues, include_self=panel.can_register_self
        )
        context["calendar_links"] = add_to_calendar_links(
            exchange=self, ics_url=reverse("events:exchange_ics", args=[self.pk]), request=request
        )
        return context

    # The fields a calendar shows: when any of them changes, calendars must replace the event.
    CALENDAR_FIELDS = (
        "starts_at",
        "ends_at",
        "venue_name",
        "venue_address",
        "format",
        "is_cancelled",
    )

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self.pk and (update_fields is None or set(update_fields) & set(self.CALENDAR_FIELDS)):
            # Publishing a revision restores the sequence the revision was drafted with, which
            # may be older than the live row's; the live row's value is the truth.
            stored = (
                type(self)
                .objects.filter(pk=self.pk)
                .values("calendar_sequence", *self.CALENDAR_FIELDS)
                .first()
            )
            if stored is not None:
                changed = any(stored[name] != getattr(self, name) for name in self.CALENDAR_FIELDS)
                self.calendar_sequence = stored["calendar_sequence"] + int(changed)
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "calendar_sequence"}
        super().save(*args, **kwargs)

    @property
    def status(self):
        from .selectors import exchange_status

        return exchange_status(exchange=self)


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    WAITING = "waiting", "On the waiting list"
    CANCELLED = "cancelled", "Cancelled"


class Registration(models.Model):
    """A person's place at an Exchange, or their place in the queue for one.

    A cancelled registration is kept (for the record and the reports); registering again makes
    a new row. At most one row per person and Exchange is active (confirmed or waiting).
    """

    exchange = models.ForeignKey(
        ExchangePage, on_delete=models.CASCADE, related_name="registrations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exchange_registrations"
    )
    # The council the seat counts against, and the person's role there, as they were on the
    # day of registering (memberships change; the record of who came should not).
    council = models.ForeignKey(
        "club.Council",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exchange_registrations",
    )
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    status = models.CharField(max_length=10, choices=RegistrationStatus.choices)
    access_needs = models.TextField(blank=True)
    dietary_needs = models.TextField(blank=True)
    question_answer = models.TextField("answer to the editor's question", blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attended_at = models.DateTimeField("checked in", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["exchange", "person"],
                condition=~Q(status="cancelled"),
                name="events_registration_active_once",
                violation_error_message="This person is already registered for this Exchange.",
            ),
        ]
        indexes = [
            models.Index(fields=["exchange", "status", "created_at"]),
            models.Index(fields=["exchange", "council", "status"]),
        ]
        ordering = ["exchange", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.person} at {self.exchange}: {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED


class CalendarFeed(models.Model):
    """A member's private calendar address. Renewing it makes the old address stop working."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    # Random and unguessable, like a password reset key; the URL is the only credential.
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.person}"
