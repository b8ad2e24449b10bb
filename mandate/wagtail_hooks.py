"""The framework in the admin: versions and their dimensions (with statements inline)."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Dimension, FrameworkVersion
from .services import MandateError, framework_version_copy


class FrameworkVersionViewSet(SnippetViewSet):
    model = FrameworkVersion
    icon = "doc-full"
    menu_label = "Framework versions"
    list_display = ["name", "is_published", "published_at"]
    search_fields = ["name"]


class DimensionViewSet(SnippetViewSet):
    model = Dimension
    icon = "list-ul"
    menu_label = "Dimensions"
    list_display = ["name", "version", "slug"]
    list_filter = ["version"]
    search_fields = ["name"]


class MandateGroup(SnippetViewSetGroup):
    menu_label = "Innovation Mandate"
    menu_icon = "tasks"
    menu_order = 310
    items = (FrameworkVersionViewSet, DimensionViewSet)


register_snippet(MandateGroup)


@hooks.register("after_create_snippet")
def copy_framework_on_create(request, instance):
    """A new draft based on another version starts as a copy of it."""
    if isinstance(instance, FrameworkVersion) and instance.based_on_id:
        try:
            framework_version_copy(source=instance.based_on, target=instance)
        except MandateError as error:
            messages.warning(request, str(error))


@hooks.register("before_delete_snippet")
def refuse_deleting_published(request, instances):
    """Rounds rely on published versions: neither they nor their dimensions may go."""
    for instance in instances:
        version = instance if isinstance(instance, FrameworkVersion) else None
        if isinstance(instance, Dimension):
            version = instance.version
        if version is not None and version.is_published:
            messages.error(request, f"{version.name} is published and cannot be deleted.")
            return redirect("wagtailsnippets_mandate_frameworkversion:list")
    return None
