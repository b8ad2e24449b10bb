"""Council case studies: what a council tried, how, and what came of it."""

from django.conf import settings
from django.db import models
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from home.content_cache import KeptViewRestrictions
from home.routing import OneQueryChildRouting

from .blocks import OutcomesBlock
from .serializers import (
    CouncilSerializer,
    ExchangeLinkSerializer,
    RichTextSerializer,
    TaxonomySerializer,
)
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


class CaseStudyIndexPage(OneQueryChildRouting, KeptViewRestrictions, Page):
    """The library of shared solutions: every published case study, newest first."""

    search_result_label = "Case studies"  # what site search calls this kind of page

    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["casestudies.CaseStudyPage"]
    max_count = 1
    template = "casestudies/case_study_index_page.html"

    def get_context(self, request, *args, **kwargs):
        from .fragments import case_study_cards, library_facets
        from .selectors import SORTS, case_study_library

        context = super().get_context(request, *args, **kwargs)
        library = case_study_library(index_page=self, params=request.GET)
        context["library"] = library
        context["cards"] = case_study_cards(library.page.object_list, request=request)
        context["facets_html"] = library_facets(library, request=request)
        context["sorts"] = SORTS
        return context


class CaseStudyPage(KeptViewRestrictions, Page):
    """One council's (or several councils') change, written up for others to learn from."""

    search_result_label = "Case study"  # what site search calls this kind of page

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
    outcomes = StreamField(OutcomesBlock(), blank=True, verbose_name="outcomes and evidence")
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
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_study_contacts",
        help_text="A member others can ask about this work. Shown to signed-in members only.",
    )
    related_case_studies = ParentalManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="related_from",
        help_text="Chosen by hand; the page adds others that share a theme.",
    )
    exchanges = ParentalManyToManyField(
        "events.ExchangePage",
        blank=True,
        related_name="case_studies",
        help_text="Exchanges where this work was presented.",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_study_submissions",
        editable=False,
        help_text="The member who sent this in from the site, if one did.",
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
        MultiFieldPanel(
            [
                FieldPanel("contact"),
                FieldPanel("related_case_studies"),
                FieldPanel("exchanges"),
            ],
            heading="People and links",
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
        index.RelatedFields("themes", [index.SearchField("name")]),
        index.FilterField("change_level"),
        index.FilterField("published_on"),
    ]
    # The structured fields the API publishes. The contact is left out: members only.
    api_fields = [
        APIField("summary"),
        APIField("councils", serializer=CouncilSerializer(many=True)),
        APIField("programme_name"),
        APIField("period_start"),
        APIField("period_end"),
        APIField("published_on"),
        APIField("status"),
        APIField("change_level"),
        APIField("mandate_levels"),
        APIField("themes", serializer=TaxonomySerializer(many=True)),
        APIField("delivery_models", serializer=TaxonomySerializer(many=True)),
        APIField("challenge", serializer=RichTextSerializer()),
        APIField("approach", serializer=RichTextSerializer()),
        APIField("outcomes"),
        APIField("lessons_learned", serializer=RichTextSerializer()),
        APIField("exchanges", serializer=ExchangeLinkSerializer()),
        APIField("is_sample"),
    ]

    parent_page_types = ["casestudies.CaseStudyIndexPage"]
    subpage_types: list[str] = []
    template = "casestudies/case_study_page.html"

    class Meta:
        indexes = [
            # Newest first (cards, feeds, the library's default sort) reads the first rows of
            # this index instead of sorting every case study.
            models.Index(fields=["-published_on", "-page_ptr"], name="casestudy_newest_first"),
        ]

    @property
    def mandate_levels(self) -> list[str]:
        """The Innovation Mandate levels this work reached, as labels."""
        flags = {
            MandateLevel.BETTER: self.mandate_better,
            MandateLevel.DIFFERENTLY: self.mandate_differently,
            MandateLevel.NEW: self.mandate_new,
        }
        return [level.label.split(":")[0] for level, on in flags.items() if on]

    @property
    def mandate_level_values(self) -> list[str]:
        flags = {
            MandateLevel.BETTER: self.mandate_better,
            MandateLevel.DIFFERENTLY: self.mandate_differently,
            MandateLevel.NEW: self.mandate_new,
        }
        return [level.value for level, on in flags.items() if on]

    # Nation, region and council type come from the councils (read from a prefetched list).
    @property
    def nations(self) -> list[str]:
        return sorted({c.get_nation_display() for c in self.councils.all()})

    @property
    def regions(self) -> list[str]:
        return sorted({c.region for c in self.councils.all() if c.region})

    @property
    def council_types(self) -> list[str]:
        return sorted({c.get_council_type_display() for c in self.councils.all()})

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The search index is updated as the page row is saved, before the councils and themes
        # (parental many-to-many) are written; index again so searching a council's name works.
        # A partial save (a draft revision) changes nothing searchable, and the copy indexed is
        # read back from the database so unpublished text never reaches the index.
        if kwargs.get("update_fields") is None:
            index.insert_or_update_object(type(self).objects.get(pk=self.pk))

    def get_context(self, request, *args, **kwargs):
        from .fragments import case_study_cards
        from .selectors import case_study_detail_context

        context = super().get_context(request, *args, **kwargs)
        context.update(case_study_detail_context(page=self, viewer=request.user))
        ids = context["related_case_study_ids"]
        context["related_cards"] = case_study_cards(ids, request=request)
        return context
