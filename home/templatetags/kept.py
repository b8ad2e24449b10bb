"""`{% kept "kind" key %}…{% endkept %}`: part of a page that every visitor sees alike, rendered
once per process and kept until the content changes (home.content_cache.kept_fragments).

An Exchange's agenda and speakers, a case study's write-up: rendering them is most of what such
a page costs, and they change only when an editor publishes. Only while a live page is served;
a preview renders everything afresh. What differs per visitor or per minute (places left, the
registration panel, a member's contact details) must stay outside the tag.

Not Django's `{% cache %}`: that keeps in Redis for a fixed time, so an edit would show late,
a preview would be shown the live text, and a Redis outage would fail the page.
"""

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context

from home.content_cache import kept_fragments

register = template.Library()


class KeptNode(template.Node):
    def __init__(self, nodelist: NodeList, kind: FilterExpression, key: FilterExpression) -> None:
        self.nodelist = nodelist
        self.kind = kind
        self.key = key

    def render(self, context: Context) -> str:
        kind, key = self.kind.resolve(context), self.key.resolve(context)

        def render(missing: list) -> dict:
            return {key: self.nodelist.render(context)}

        fragments = kept_fragments(("kept", kind), [key], render, request=context.get("request"))
        return fragments[key]


@register.tag
def kept(parser: Parser, token: Token) -> KeptNode:
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(
            f"'{bits[0]}' takes a kind and a key, as in {{% kept \"exchange-body\" page.pk %}}"
        )
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, parser.compile_filter(bits[1]), parser.compile_filter(bits[2]))
