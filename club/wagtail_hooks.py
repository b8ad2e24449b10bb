from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Council


class CouncilViewSet(SnippetViewSet):
    """Editors manage the councils of the club here."""

    model = Council
    icon = "group"
    menu_label = "Councils"
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "nation", "council_type", "region", "membership_status"]
    list_filter = ["nation", "council_type", "membership_status"]
    search_fields = ["name", "region"]


register_snippet(CouncilViewSet)
