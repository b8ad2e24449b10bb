"""StreamField blocks of an Exchange: its agenda and its outputs."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock


class SessionBlock(blocks.StructBlock):
    """One session of the day, with its times (UK time, on the Exchange's date) and speakers."""

    starts_at = blocks.TimeBlock(label="Starts")
    ends_at = blocks.TimeBlock(label="Ends", required=False)
    title = blocks.CharBlock(max_length=200)
    description = blocks.RichTextBlock(features=["bold", "italic", "link", "ul"], required=False)
    speakers = blocks.ListBlock(SnippetChooserBlock("events.Speaker"), required=False, default=[])

    class Meta:
        icon = "time"
        template = "events/blocks/session.html"


class BreakBlock(blocks.StructBlock):
    """Arrival, lunch or networking: a time and a label, no speakers."""

    starts_at = blocks.TimeBlock(label="Starts")
    ends_at = blocks.TimeBlock(label="Ends", required=False)
    title = blocks.CharBlock(max_length=120, help_text="For example: Lunch and networking.")

    class Meta:
        icon = "pick"
        template = "events/blocks/break.html"


class AgendaBlock(blocks.StreamBlock):
    session = SessionBlock()
    interval = BreakBlock(label="Break")


class OutputDocumentBlock(blocks.StructBlock):
    """A document shared after the Exchange: notes, a report, a set of slides."""

    kind = blocks.ChoiceBlock(
        choices=[("document", "Document"), ("slides", "Slides"), ("notes", "Notes")],
        default="document",
    )
    document = DocumentChooserBlock()
    title = blocks.CharBlock(
        max_length=200, required=False, help_text="Leave blank to use the document's own title."
    )
    description = blocks.TextBlock(required=False)

    class Meta:
        icon = "doc-full"
        template = "events/blocks/output_document.html"


class OutputsBlock(blocks.StreamBlock):
    document = OutputDocumentBlock()
