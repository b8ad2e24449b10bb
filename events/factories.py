from datetime import timedelta

import factory
import wagtail_factories
from django.utils import timezone

from .models import (
    ExchangeIndexPage,
    ExchangePage,
    Registration,
    RegistrationStatus,
    Sector,
    Speaker,
)


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


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Faker("name", locale="en_GB")
    role = "Chief executive"
    organisation = "A housing association"
    sector = Sector.VOLUNTARY
    is_guest_from_another_sector = True
    bio = "Leads a large housing association and its work with councils."


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    exchange = factory.SubFactory(ExchangePageFactory)
    person = factory.SubFactory("club.factories.UserFactory")
    status = RegistrationStatus.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)
