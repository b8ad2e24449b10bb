"""The Innovation Mandate: a versioned self-assessment framework, rounds, responses and answers.

The framework (versions → dimensions → statements) is kept by editors in the admin. A published
version is frozen: rounds keep the version they started with, so its dimensions and statements
never change under them. Scoring rules live in ``mandate.scoring``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from casestudies.taxonomy import ChangeLevel, MandateLevel


class Level(models.IntegerChoices):
    """One step of the Innovation Mandate. Each step places an answer on both scales at once:
    the council's appetite for change (mandate level) and the kind of change (change level)."""

    BETTER = 1, "Better: what we do now, done better (transactional)"
    DIFFERENTLY = 2, "Differently: what we do now, done differently (transitional)"
    NEW = 3, "New: something never done before (transformational)"


LEVEL_MANDATE = {
    Level.BETTER: MandateLevel.BETTER,
    Level.DIFFERENTLY: MandateLevel.DIFFERENTLY,
    Level.NEW: MandateLevel.NEW,
}
LEVEL_CHANGE = {
    Level.BETTER: ChangeLevel.TRANSACTIONAL,
    Level.DIFFERENTLY: ChangeLevel.TRANSITIONAL,
    Level.NEW: ChangeLevel.TRANSFORMATIONAL,
}
LEVEL_SHORT = {Level.BETTER: "Better", Level.DIFFERENTLY: "Differently", Level.NEW: "New"}


class FrameworkVersion(index.Indexed, models.Model):
    """One edition of the framework. Drafts are edited; a published version never changes."""

    name = models.CharField(max_length=100, unique=True, help_text="For example: 2026 edition.")
    notes = models.TextField(blank=True, help_text="What changed from the version before.")
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A new draft starts as a copy of this version's dimensions and statements.",
    )
    is_published = models.BooleanField(
        "published",
        default=False,
        help_text="New rounds use the latest published version. Once published, it cannot change.",
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("notes"),
        FieldPanel("based_on"),
        FieldPanel("is_published"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({'published' if self.is_published else 'draft'})"

    def save(self, *args, **kwargs):
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.pk:
            stored = FrameworkVersion.objects.filter(pk=self.pk).first()
            if stored and stored.is_published:
                raise ValidationError(
                    "This version is published and cannot change, because rounds rely on it. "
                    "Create a new version based on it instead."
                )
        if self.is_published:
            dimensions = list(self.dimensions.all()) if self.pk else []
            if not dimensions:
                raise ValidationError(
                    {"is_published": "Add at least one dimension before publishing this version."}
                )
            empty = [d.name for d in dimensions if not d.statements.exists()]
            if empty:
                names = ", ".join(empty)
                raise ValidationError(
                    {"is_published": f"These dimensions have no statements yet: {names}."}
                )


class Dimension(index.Indexed, ClusterableModel):
    """One area a council judges itself on, such as leadership and culture."""

    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="dimensions"
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=120,
        help_text="Keep the slug across versions: benchmarks and earlier rounds match on it.",
    )
    question = models.TextField(
        help_text="The question people answer, for example: How does your council lead change?"
    )
    themes = ParentalManyToManyField(
        "casestudies.Theme",
        blank=True,
        related_name="mandate_dimensions",
        help_text="Case studies and Exchanges on these themes are suggested for this dimension.",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("version"),
                FieldPanel("name"),
                FieldPanel("slug"),
                FieldPanel("sort_order"),
            ],
            heading="Dimension",
        ),
        FieldPanel("question"),
        FieldPanel("themes"),
        InlinePanel("statements", heading="Statements", label="Statement", min_num=1),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["version", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "slug"], name="mandate_dimension_slug_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version.name})"

    def clean(self) -> None:
        super().clean()
        published = FrameworkVersion.objects.filter(is_published=True)
        if self.version_id and published.filter(pk=self.version_id).exists():
            raise ValidationError(
                {"version": "This version is published and cannot change. Choose a draft version."}
            )
        if self.pk:
            stored = Dimension.objects.filter(pk=self.pk).values_list("version_id", flat=True)
            if published.filter(pk__in=list(stored)).exists():
                raise ValidationError(
                    "This dimension belongs to a published version and cannot change."
                )


class Statement(Orderable):
    """A description of how a council works on one dimension, placed on one level."""

    dimension = ParentalKey(Dimension, on_delete=models.CASCADE, related_name="statements")
    text = models.TextField(help_text="Written as the council would say it: “We …”.")
    level = models.PositiveSmallIntegerField(choices=Level.choices)

    panels = [FieldPanel("text"), FieldPanel("level")]

    class Meta(Orderable.Meta):
        pass

    def __str__(self) -> str:
        return self.text

    @property
    def mandate_level(self) -> str:
        return LEVEL_MANDATE[Level(self.level)]

    @property
    def change_level(self) -> str:
        return LEVEL_CHANGE[Level(self.level)]


class View(models.TextChoices):
    """Whose view an answer belongs to: the results set the two side by side."""

    OFFICERS = "officers", "Officers' view"
    MEMBERS = "members", "Members' view"


class Round(models.Model):
    """One council's self-assessment: who is asked, on which framework version, until when."""

    class Mode(models.TextChoices):
        SELF = "self", "Self-assessment by the council"
        WORKSHOP = "workshop", "Facilitated workshop"

    council = models.ForeignKey(
        "club.Council", on_delete=models.CASCADE, related_name="mandate_rounds"
    )
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(max_length=150)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.SELF)
    closes_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["council", "created_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.council})"

    @property
    def is_open(self) -> bool:
        if self.closed_at is not None:
            return False
        return self.closes_on is None or timezone.localdate() <= self.closes_on


class Response(models.Model):
    """One person's answers in one round. Created when they are invited; one per person."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        STARTED = "started", "Started"
        SUBMITTED = "submitted", "Submitted"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mandate_responses"
    )
    # Fixed when invited, so a later change of role does not move answers between views.
    view = models.CharField(max_length=10, choices=View.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField(auto_now_add=True)
    invitation_sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="mandate_response_once"),
        ]
        ordering = ["round", "invited_at"]

    def __str__(self) -> str:
        return f"Response {self.pk} in {self.round}"


class Answer(models.Model):
    """The statement a person chose for one dimension."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="+")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "dimension"], name="mandate_answer_once_per_dimension"
            ),
        ]

    def __str__(self) -> str:
        return f"Answer on {self.dimension.name}"
