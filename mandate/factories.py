import factory

from club.factories import CouncilFactory, UserFactory

from .models import Answer, Dimension, FrameworkVersion, Level, Response, Round, Statement, View


class FrameworkVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrameworkVersion

    name = factory.Sequence(lambda n: f"Edition {n}")
    is_published = True


class DimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dimension
        skip_postgeneration_save = True

    version = factory.SubFactory(FrameworkVersionFactory)
    name = factory.Sequence(lambda n: f"Dimension {n}")
    slug = factory.Sequence(lambda n: f"dimension-{n}")
    question = "Where does the council stand?"
    sort_order = factory.Sequence(lambda n: n)

    @factory.post_generation
    def statements(obj, create, extracted, **kwargs):
        """One statement per level unless told otherwise (pass statements=False for none)."""
        if not create or extracted is False:
            return
        for level in Level:
            StatementFactory(dimension=obj, level=level, sort_order=level)

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)
            obj.save()  # a ParentalManyToManyField is written when its owner saves


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    dimension = factory.SubFactory(DimensionFactory, statements=False)
    text = factory.LazyAttribute(lambda o: f"We work at level {o.level}.")
    level = Level.BETTER


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    council = factory.SubFactory(CouncilFactory)
    version = factory.SubFactory(FrameworkVersionFactory)
    title = factory.Sequence(lambda n: f"Round {n}")


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    round = factory.SubFactory(RoundFactory)
    person = factory.SubFactory(UserFactory)
    view = View.OFFICERS
    status = Response.Status.SUBMITTED


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    statement = factory.SubFactory(StatementFactory)
    dimension = factory.LazyAttribute(lambda o: o.statement.dimension)
