"""The portal's support forms: a new ticket, a reply, a rating, a survey's answer."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partner_portal.partners.models import Product
from partner_portal.partners.wording import name_in_language
from partner_portal.resources.owned_files import ACCEPT

from .models import Category, Priority
from .services.tickets import MAX_ATTACHMENTS


class NamedChoiceField(forms.ModelChoiceField):
    """A category or product under its name in the page's language."""

    def label_from_instance(self, obj):
        return name_in_language(obj)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input; the ticket service checks their types and sizes."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        super().__init__(
            label=gettext_lazy("Attachments"),
            required=False,
            widget=MultipleFileInput(attrs={"accept": ACCEPT}),
            **kwargs,
        )

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        cleaned = []
        for file in files:
            if file:
                cleaned.append(super().clean(file, initial))
        return cleaned


def _attachments_help() -> str:
    return _(
        "Screenshots, logs, documents: up to %(count)d PDF, PNG, JPEG, WebP, XLSX, "
        "CSV, DOCX, text or log files of at most %(size)s each."
    ) % {
        "count": MAX_ATTACHMENTS,
        "size": filesizeformat(settings.TICKET_ATTACHMENT_MAX_BYTES),
    }


class TicketForm(forms.Form):
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=200,
        help_text=gettext_lazy("One line: what you need help with."),
        # suggestions.js asks this address for answers while the partner types.
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "data-suggestions-url": reverse_lazy("ticket-suggestions"),
                "data-suggestions-target": "ticket-suggestions",
            }
        ),
    )
    category = NamedChoiceField(
        label=gettext_lazy("Category"),
        queryset=Category.objects.filter(active=True),
        empty_label=None,
    )
    product = NamedChoiceField(
        label=gettext_lazy("Product"),
        queryset=Product.objects.order_by("name"),
        required=False,
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"),
        choices=Priority.choices,
        initial=Priority.NORMAL,
        help_text=gettext_lazy(
            "Urgent is for a customer who cannot work at all; it is answered first."
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=gettext_lazy(
            "What happened, what you expected, and what you tried already."
        ),
    )
    attachments = AttachmentsField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachments_help()


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your reply"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": gettext_lazy("Write a message.")},
    )
    attachments = AttachmentsField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachments_help()


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=gettext_lazy("How well were you helped?"),
        coerce=int,
        choices=[
            (5, gettext_lazy("5 — Excellent")),
            (4, gettext_lazy("4 — Good")),
            (3, gettext_lazy("3 — Fair")),
            (2, gettext_lazy("2 — Poor")),
            (1, gettext_lazy("1 — Very poor")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What went well, or what we could do better."),
    )


class SurveyAnswerForm(forms.Form):
    """The score from 0 to 10, why, and a free-text field per optional question
    (`question_<pk>`), each labelled in the page's language."""

    score = forms.TypedChoiceField(
        label=gettext_lazy(
            "How likely are you to recommend us to a colleague or another company?"
        ),
        coerce=int,
        choices=[(score, str(score)) for score in range(11)],
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose a score from 0 to 10."),
            "invalid_choice": gettext_lazy("Choose a score from 0 to 10."),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("What is the main reason for your score?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"question_{question.pk}"] = forms.CharField(
                label=question.text_in_language,
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def question_fields(self):
        return [self[f"question_{question.pk}"] for question in self.questions]

    def answers(self) -> dict[str, str]:
        """{question id: answer} as `survey_answer` takes them."""
        return {
            str(question.pk): self.cleaned_data[f"question_{question.pk}"]
            for question in self.questions
        }
