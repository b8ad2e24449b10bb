from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .taxonomy import DeliveryModel, Theme


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = "Themes"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class DeliveryModelViewSet(SnippetViewSet):
    model = DeliveryModel
    icon = "cogs"
    menu_label = "Delivery models"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = "Taxonomy"
    menu_icon = "tag"
    menu_order = 300
    items = (ThemeViewSet, DeliveryModelViewSet)


register_snippet(TaxonomyGroup)
