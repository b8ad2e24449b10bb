"""StreamField blocks for a case study's outcomes and evidence."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from home.blocks import QuoteBlock

OUTCOME_TEXT_FEATURES = ["h3", "bold", "italic", "link", "ol", "ul", "document-link"]


class KeyFigureBlock(blocks.StructBlock):
    """One number that tells the story, with what it measures."""

    figure = blocks.CharBlock(max_length=30, help_text="For example: £1.2m, 35% or 4,000.")
    label = blocks.CharBlock(max_length=160, help_text="What the figure measures, in a few words.")

    class Meta:
        icon = "pick"
        template = "casestudies/blocks/key_figure.html"


class OutcomesBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=OUTCOME_TEXT_FEATURES)
    quote = QuoteBlock()
    key_figure = KeyFigureBlock()
    image = ImageChooserBlock(template="components/blocks/image.html")
    document = DocumentChooserBlock(template="components/blocks/document.html")
    embed = EmbedBlock(
        help_text="A link to a video or slides (YouTube, Vimeo and the like).",
        template="casestudies/blocks/embed.html",
    )
