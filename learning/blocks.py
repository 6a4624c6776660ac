"""The blocks of a lesson's body, and of a course's quiz questions."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[
            ("note", _("Note")),
            ("tip", _("Tip")),
            ("warning", _("Warning")),
        ],
        default="note",
        label=_("kind"),
    )
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "learning/blocks/callout.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "learning/blocks/image.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    description = blocks.CharBlock(label=_("description"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Downloadable document")
        template = "learning/blocks/document.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("video URL"))
    caption = blocks.CharBlock(label=_("caption"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "learning/blocks/video.html"


class LessonBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("Rich text"), template="learning/blocks/text.html"
    )
    video = VideoBlock()
    image = ImageBlock()
    document = DocumentBlock()
    callout = CalloutBlock()


class OptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("answer"))
    correct = blocks.BooleanBlock(label=_("correct"), required=False)

    class Meta:
        icon = "tick"
        label = _("Answer option")


class QuestionBlock(blocks.StructBlock):
    """A single-choice question has one correct option, a multiple-choice one any."""

    text = blocks.TextBlock(label=_("question"))
    multiple = blocks.BooleanBlock(
        label=_("multiple choice"),
        required=False,
        help_text=_("Let the learner choose several options; all must be right."),
    )
    options = blocks.ListBlock(OptionBlock(), min_num=2, label=_("options"))
    explanation = blocks.TextBlock(
        label=_("explanation"),
        required=False,
        help_text=_("Shown after the attempt is submitted."),
    )

    class Meta:
        icon = "help"
        label = _("Question")

    def clean(self, value):
        from django.core.exceptions import ValidationError

        from wagtail.blocks import StructBlockValidationError

        value = super().clean(value)
        correct = sum(1 for option in value["options"] if option["correct"])
        if correct == 0 or (correct > 1 and not value["multiple"]):
            raise StructBlockValidationError(
                block_errors={
                    "options": ValidationError(
                        _(
                            "Mark exactly one correct option, or several for a "
                            "multiple-choice question."
                        )
                    )
                }
            )
        return value


class QuizBlock(blocks.StreamBlock):
    question = QuestionBlock()
