"""StreamField blocks shared by content pages across the site."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "components/blocks/quote.html"


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    link_page = blocks.PageChooserBlock(required=False)
    link_url = blocks.URLBlock(required=False)
    link_text = blocks.CharBlock(max_length=60)

    class Meta:
        icon = "link"
        template = "components/blocks/call_to_action.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        form_classname="title", max_length=120, template="components/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(
        features=["h3", "bold", "italic", "link", "ol", "ul", "document-link"]
    )
    image = ImageChooserBlock(template="components/blocks/image.html")
    quote = QuoteBlock()
    document = DocumentChooserBlock(template="components/blocks/document.html")
    call_to_action = CallToActionBlock()
