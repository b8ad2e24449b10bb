"""How a case study's related objects appear in the read-only API (Wagtail API v2)."""

from rest_framework import serializers
from wagtail.rich_text import expand_db_html


class RichTextSerializer(serializers.CharField):
    """Rich text with Wagtail's internal links turned into real addresses."""

    def to_representation(self, value) -> str:
        return expand_db_html(value or "")


class CouncilSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    nation = serializers.CharField()
    nation_label = serializers.CharField(source="get_nation_display")
    council_type = serializers.CharField()
    council_type_label = serializers.CharField(source="get_council_type_display")
    region = serializers.CharField()


class TaxonomySerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class ExchangeLinkSerializer(serializers.Field):
    """The Exchanges where the work was presented; drafts and private Exchanges are left out."""

    def to_representation(self, value) -> list[dict]:
        return [
            {"id": exchange.pk, "title": exchange.title, "starts_at": exchange.starts_at}
            for exchange in value.live().public().order_by("starts_at")
        ]
