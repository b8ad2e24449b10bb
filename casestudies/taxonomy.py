"""The vocabularies case studies (and Exchanges) are described with.

Themes and delivery models are managed by editors as snippets; the change and mandate levels are
fixed by the club's change model and the Innovation Mandate, so they are plain choices.
"""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class ChangeLevel(models.TextChoices):
    TRANSACTIONAL = "transactional", "Transactional"
    TRANSITIONAL = "transitional", "Transitional"
    TRANSFORMATIONAL = "transformational", "Transformational"


class MandateLevel(models.TextChoices):
    BETTER = "better", "Better: what we do now, done better"
    DIFFERENTLY = "differently", "Differently: what we do now, done differently"
    NEW = "new", "New: something never done before"


class Theme(index.Indexed, models.Model):
    """An area of interest of the club, shared by Exchanges and case studies."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliveryModel(index.Indexed, models.Model):
    """A model of delivering services: co-production, commissioning, commercialism and so on."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
