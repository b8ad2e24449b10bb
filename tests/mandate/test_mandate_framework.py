"""The framework: versioned, published versions frozen, kept by editors in the admin."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from casestudies.factories import ThemeFactory
from mandate.factories import DimensionFactory, FrameworkVersionFactory, RoundFactory
from mandate.models import Dimension, FrameworkVersion, Level
from mandate.services import framework_version_copy, round_open


def test_a_published_version_cannot_change(version):
    version.notes = "Sneaky edit"
    with pytest.raises(ValidationError, match="published"):
        version.full_clean()
    dimension = version.dimensions.first()
    dimension.name = "Renamed"
    with pytest.raises(ValidationError):
        dimension.full_clean()


def test_publishing_needs_dimensions_with_statements(db):
    empty = FrameworkVersionFactory(name="Empty", is_published=False)
    empty.is_published = True
    with pytest.raises(ValidationError, match="at least one dimension"):
        empty.full_clean()
    draft = FrameworkVersionFactory(name="Draft", is_published=False)
    DimensionFactory(version=draft, name="Bare", statements=False)
    draft.is_published = True
    with pytest.raises(ValidationError, match="no statements yet: Bare"):
        draft.full_clean()


def test_a_round_keeps_its_version_when_a_new_one_is_published(
    round_, version, council, council_admin
):
    new = FrameworkVersionFactory(name="Next", is_published=False)
    framework_version_copy(source=version, target=new)
    new.is_published = True
    new.full_clean()
    new.save()
    round_.refresh_from_db()
    assert round_.version == version
    later = round_open(council=council, opened_by=council_admin, title="Later")
    assert later.version == new


def test_copy_brings_dimensions_statements_and_themes(version):
    draft = FrameworkVersionFactory(name="Copy", is_published=False)
    framework_version_copy(source=version, target=draft)
    original = {d.slug: d for d in version.dimensions.all()}
    copied = list(draft.dimensions.all())
    assert sorted(d.slug for d in copied) == sorted(original)
    for dimension in copied:
        source = original[dimension.slug]
        assert dimension.pk != source.pk
        assert set(dimension.themes.all()) == set(source.themes.all())
        assert sorted(dimension.statements.values_list("level", "text")) == sorted(
            source.statements.values_list("level", "text")
        )


def test_editor_can_reach_the_framework_in_the_admin(client, editor, version):
    client.force_login(editor)
    for path in (
        "/admin/snippets/mandate/frameworkversion/",
        "/admin/snippets/mandate/dimension/",
    ):
        assert client.get(path).status_code == 200


def test_editor_adds_a_dimension_to_a_draft_through_the_admin_form(client, editor):
    draft = FrameworkVersionFactory(name="Draft", is_published=False)
    theme = ThemeFactory(name="Leadership", slug="leadership")
    client.force_login(editor)
    data = nested_form_data(
        {
            "version": draft.pk,
            "name": "Leadership and culture",
            "slug": "leadership-and-culture",
            "sort_order": 1,
            "question": "How do your leaders approach change?",
            "statements": inline_formset(
                [
                    {"text": "We improve.", "level": Level.BETTER},
                    {"text": "We rethink.", "level": Level.DIFFERENTLY},
                    {"text": "We invent.", "level": Level.NEW},
                ]
            ),
        }
    )
    data["themes"] = [theme.pk]  # a multiple choice: nested_form_data would number it
    response = client.post("/admin/snippets/mandate/dimension/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    dimension = Dimension.objects.get(slug="leadership-and-culture")
    assert dimension.statements.count() == 3
    assert list(dimension.themes.all()) == [theme]


def test_admin_form_refuses_a_dimension_for_a_published_version(client, editor, version):
    client.force_login(editor)
    data = nested_form_data(
        {
            "version": version.pk,
            "name": "Late addition",
            "slug": "late",
            "sort_order": 9,
            "question": "Too late?",
            "statements": inline_formset([{"text": "We try.", "level": Level.BETTER}]),
        }
    )
    response = client.post("/admin/snippets/mandate/dimension/add/", data)
    assert response.status_code == 200
    assert "cannot change" in response.content.decode()
    assert not Dimension.objects.filter(slug="late").exists()


def test_new_draft_based_on_a_version_starts_as_its_copy(client, editor, version):
    client.force_login(editor)
    response = client.post(
        "/admin/snippets/mandate/frameworkversion/add/",
        {"name": "2027 edition", "notes": "", "based_on": version.pk},
    )
    assert response.status_code == 302
    draft = FrameworkVersion.objects.get(name="2027 edition")
    assert not draft.is_published
    assert draft.dimensions.count() == version.dimensions.count()


def test_demo_framework_is_idempotent(db):
    from casestudies.demo import load_taxonomy
    from mandate.demo import load_framework

    themes, _ = load_taxonomy()
    first = load_framework(themes)
    counts = (FrameworkVersion.objects.count(), Dimension.objects.count())
    assert load_framework(themes) == first
    assert (FrameworkVersion.objects.count(), Dimension.objects.count()) == counts == (1, 7)
    assert first.is_published
    for dimension in first.dimensions.all():
        assert sorted(dimension.statements.values_list("level", flat=True)) == [1, 2, 3]
        assert dimension.themes.exists()
    RoundFactory(version=first)  # a round can use it


def test_a_published_version_cannot_be_deleted_in_the_admin(client, editor, version):
    client.force_login(editor)
    response = client.post(f"/admin/snippets/mandate/frameworkversion/delete/{version.pk}/")
    assert response.status_code == 302
    assert FrameworkVersion.objects.filter(pk=version.pk).exists()
    draft = FrameworkVersionFactory(name="Scrap", is_published=False)
    client.post(f"/admin/snippets/mandate/frameworkversion/delete/{draft.pk}/")
    assert not FrameworkVersion.objects.filter(pk=draft.pk).exists()
