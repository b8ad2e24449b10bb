from datetime import timedelta

import factory
import wagtail_factories
from django.utils import timezone

from .models import ExchangeIndexPage, ExchangePage


class ExchangeIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ExchangeIndexPage

    title = "Exchanges"
    slug = "exchanges"


class ExchangePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ExchangePage

    title = factory.Sequence(lambda n: f"Exchange {n}")
    summary = "Leaders meet on one area of interest."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=6))
    capacity = 40
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    registration_closes_at = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=1))
