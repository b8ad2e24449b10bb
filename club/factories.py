import factory
from allauth.account.models import EmailAddress
from django.utils.text import slugify

from .models import (
    Council,
    CouncilEmailDomain,
    CouncilType,
    Membership,
    MembershipStatus,
    Nation,
    Role,
    User,
)

DEFAULT_PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    job_title = "Officer"
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Verified by default, as allauth requires before login; pass verified=False to skip."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    name = factory.Sequence(lambda n: f"Test Council {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    nation = Nation.ENGLAND
    council_type = CouncilType.UNITARY
    region = "North West"
    membership_status = MembershipStatus.MEMBER


class CouncilEmailDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilEmailDomain

    council = factory.SubFactory(CouncilFactory)
    domain = factory.Sequence(lambda n: f"council{n}.gov.uk")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(UserFactory)
    council = factory.SubFactory(CouncilFactory)
    role = Role.OFFICER
    status = Membership.Status.APPROVED
