"""Council case studies: what a council tried, how, and what came of it."""

from django.db import models
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import BodyBlock

from .taxonomy import ChangeLevel, DeliveryModel, MandateLevel, Theme

__all__ = [
    "CaseStudyIndexPage",
    "CaseStudyPage",
    "ChangeLevel",
    "DeliveryModel",
    "MandateLevel",
    "Theme",
]

RICH_TEXT_FEATURES = ["h3", "bold", "italic", "link", "ol", "ul"]


class CaseStudyIndexPage(Page):
    """The library of shared solutions: every published case study, newest first."""

    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["casestudies.CaseStudyPage"]
    max_count = 1
    template = "casestudies/case_study_index_page.html"

    def get_context(self, request, *args, **kwargs):
        from .selectors import case_studies_for_index

        context = super().get_context(request, *args, **kwargs)
        context["case_studies"] = case_studies_for_index(index_page=self)
        return context


class CaseStudyPage(Page):
    """One council's (or several councils') change, written up for others to learn from."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in-progress", "In progress"
        COMPLETE = "complete", "Complete"

    councils = ParentalManyToManyField("club.Council", related_name="case_studies")
    summary = models.TextField(help_text="Two or three sentences: shown on cards and in search.")
    programme_name = models.CharField(max_length=150, blank=True)
    period_start = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Year")
    period_end = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Year; leave empty while the work goes on."
    )
    published_on = models.DateField(help_text="When the case study was first shared.")
    challenge = RichTextField(features=RICH_TEXT_FEATURES, verbose_name="the challenge")
    approach = RichTextField(features=RICH_TEXT_FEATURES, verbose_name="what they did")
    outcomes = StreamField(BodyBlock(), blank=True, verbose_name="outcomes and evidence")
    lessons_learned = RichTextField(features=RICH_TEXT_FEATURES, blank=True)
    themes = ParentalManyToManyField(Theme, blank=True, related_name="case_studies")
    delivery_models = ParentalManyToManyField(
        DeliveryModel, blank=True, related_name="case_studies"
    )
    change_level = models.CharField(max_length=20, choices=ChangeLevel.choices)
    mandate_better = models.BooleanField("better", default=False)
    mandate_differently = models.BooleanField("differently", default=False)
    mandate_new = models.BooleanField("new", default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COMPLETE)
    is_sample = models.BooleanField(
        default=False, help_text="Sample content for demonstrations; the page says so."
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("councils"),
        MultiFieldPanel(
            [
                FieldPanel("programme_name"),
                FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
                FieldPanel("published_on"),
                FieldPanel("status"),
            ],
            heading="Programme",
        ),
        FieldPanel("challenge"),
        FieldPanel("approach"),
        FieldPanel("outcomes"),
        FieldPanel("lessons_learned"),
        MultiFieldPanel(
            [
                FieldPanel("themes"),
                FieldPanel("delivery_models"),
                FieldPanel("change_level"),
                FieldRowPanel(
                    [
                        FieldPanel("mandate_better"),
                        FieldPanel("mandate_differently"),
                        FieldPanel("mandate_new"),
                    ],
                    heading="Innovation Mandate level",
                ),
            ],
            heading="Taxonomy",
        ),
        FieldPanel("is_sample"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=3),
        index.SearchField("programme_name", boost=2),
        index.SearchField("challenge"),
        index.SearchField("approach"),
        index.SearchField("outcomes"),
        index.SearchField("lessons_learned"),
        index.RelatedFields("councils", [index.SearchField("name", boost=2)]),
        index.FilterField("change_level"),
    ]

    parent_page_types = ["casestudies.CaseStudyIndexPage"]
    subpage_types: list[str] = []
    template = "casestudies/case_study_page.html"

    @property
    def mandate_levels(self) -> list[str]:
        """The Innovation Mandate levels this work reached, as labels."""
        flags = {
            MandateLevel.BETTER: self.mandate_better,
            MandateLevel.DIFFERENTLY: self.mandate_differently,
            MandateLevel.NEW: self.mandate_new,
        }
        return [level.label.split(":")[0] for level, on in flags.items() if on]
