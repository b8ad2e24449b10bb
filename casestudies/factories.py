from datetime import date

import factory
import wagtail_factories
from django.utils.text import slugify

from .models import CaseStudyIndexPage, CaseStudyPage
from .taxonomy import ChangeLevel, DeliveryModel, Theme


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class DeliveryModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryModel
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Delivery model {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class CaseStudyIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CaseStudyIndexPage

    title = "Case studies"
    slug = "case-studies"


class CaseStudyPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CaseStudyPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Case study {n}")
    summary = "A council changed how it works."
    published_on = factory.LazyFunction(lambda: date(2024, 1, 1))
    challenge = "<p>The challenge.</p>"
    approach = "<p>What they did.</p>"
    change_level = ChangeLevel.TRANSITIONAL

    @factory.post_generation
    def councils(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.councils.set(extracted)
            obj.save()

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)
            obj.save()

    @factory.post_generation
    def delivery_models(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.delivery_models.set(extracted)
            obj.save()
