"""How Exchanges appear in the read-only Wagtail API (see ExchangePage.api_fields)."""

from rest_framework import serializers


class ThemeSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
