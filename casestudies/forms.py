"""The form a member fills in to share their council's work as a case study."""

from django import forms
from django.utils import timezone

from club.models import Council, User
from club.selectors import person_approved_councils

from .models import CaseStudyPage
from .taxonomy import ChangeLevel, DeliveryModel, MandateLevel, Theme

TEXT_LIMIT = 10_000


class CaseStudySubmissionForm(forms.Form):
    council = forms.ModelChoiceField(
        queryset=Council.objects.none(),
        label="Your council",
        help_text="You can share work by a council where you are an approved member.",
        error_messages={
            "required": "Choose the council this case study is about.",
            "invalid_choice": (
                "You can only share case studies about a council where you are an approved "
                "member. Choose one of your councils."
            ),
        },
    )
    title = forms.CharField(
        max_length=200,
        help_text="A short name for the work, for example the programme's name.",
        error_messages={"required": "Enter a title."},
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=600,
        help_text="Two or three sentences: what changed, and why it matters.",
        error_messages={"required": "Enter a short summary."},
    )
    programme_name = forms.CharField(max_length=150, required=False, label="Programme name")
    period_start = forms.IntegerField(
        required=False,
        min_value=1990,
        max_value=2100,
        label="Year the work began",
        error_messages={"invalid": "Enter the year as four digits, for example 2019."},
    )
    period_end = forms.IntegerField(
        required=False,
        min_value=1990,
        max_value=2100,
        label="Year the work ended",
        help_text="Leave empty while the work goes on.",
        error_messages={"invalid": "Enter the year as four digits, for example 2022."},
    )
    challenge = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=TEXT_LIMIT,
        label="The challenge",
        help_text="What the council faced. Leave a blank line between paragraphs.",
        error_messages={"required": "Describe the challenge the council faced."},
    )
    approach = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=TEXT_LIMIT,
        label="What you did",
        error_messages={"required": "Describe what the council did."},
    )
    outcomes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=TEXT_LIMIT,
        required=False,
        label="Outcomes and evidence",
        help_text="Editors can add figures, quotes, images and documents afterwards.",
    )
    lessons_learned = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        required=False,
        label="Lessons learned",
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    delivery_models = forms.ModelMultipleChoiceField(
        queryset=DeliveryModel.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Delivery models",
    )
    change_level = forms.ChoiceField(
        choices=ChangeLevel.choices,
        widget=forms.RadioSelect,
        label="Level of change",
        error_messages={"required": "Choose the level of change."},
    )
    mandate_levels = forms.MultipleChoiceField(
        choices=MandateLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Innovation Mandate level",
    )
    status = forms.ChoiceField(
        choices=CaseStudyPage.Status.choices,
        widget=forms.RadioSelect,
        initial=CaseStudyPage.Status.IN_PROGRESS,
        error_messages={"required": "Say whether the work is still going on."},
    )

    def __init__(self, *args, person: User, **kwargs):
        super().__init__(*args, **kwargs)
        councils = person_approved_councils(person=person).order_by("name")
        self.fields["council"].queryset = councils
        if len(councils) == 1:
            self.fields["council"].initial = councils[0]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The work cannot end before it began.")
        if end and end > timezone.localdate().year:
            self.add_error("period_end", "Leave this empty if the work has not ended yet.")
        return data
