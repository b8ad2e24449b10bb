"""Forms for opening a round, inviting people and answering. Messages say what to do next."""

from django import forms
from django.utils import timezone

from club.models import Council, Membership

from .models import Dimension, Round


class RoundOpenForm(forms.Form):
    council = forms.ModelChoiceField(
        queryset=Council.objects.none(),
        error_messages={
            "required": "Choose the council this round is for.",
            "invalid_choice": "Choose one of the councils listed.",
        },
    )
    title = forms.CharField(
        max_length=150,
        help_text="For example: Spring 2027 self-assessment.",
        error_messages={"required": "Give the round a title, so people know what they answer."},
    )
    closes_on = forms.DateField(
        required=False,
        label="Closes on (optional)",
        help_text="Answers can be given until the end of this day. For example: 2027-03-31.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the closing date as a real date, like 2027-03-31."},
    )
    mode = forms.ChoiceField(
        choices=Round.Mode.choices,
        initial=Round.Mode.SELF,
        label="Kind of round",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of round."},
    )

    def __init__(self, *args, councils, can_facilitate: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils
        if not can_facilitate:
            # Council admins run their own self-assessment; workshops are the editors' to run.
            del self.fields["mode"]

    def clean_closes_on(self):
        closes_on = self.cleaned_data.get("closes_on")
        if closes_on and closes_on < timezone.localdate():
            raise forms.ValidationError("The closing date must be today or later.")
        return closes_on


class InviteForm(forms.Form):
    memberships = forms.ModelMultipleChoiceField(
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="People to invite",
        error_messages={
            "required": "Choose at least one person to invite.",
            "invalid_choice": "One of the people chosen can no longer be invited.",
            "invalid_pk_value": "One of the people chosen can no longer be invited.",
        },
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["memberships"]
        field.queryset = memberships
        field.label_from_instance = lambda m: f"{m.person} ({m.get_role_display()})"


class ResponseForm(forms.Form):
    """One radio group per dimension. Saving allows gaps; submitting needs every answer."""

    SAVE = "save"
    SUBMIT = "submit"

    def __init__(self, *args, dimensions: list[Dimension], **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for dimension in dimensions:
            self.fields[self.field_name(dimension)] = forms.TypedChoiceField(
                label=dimension.question,
                choices=[(s.pk, s.text) for s in dimension.statements.all()],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Choose one of the statements shown."},
            )

    @staticmethod
    def field_name(dimension: Dimension) -> str:
        return f"dimension_{dimension.pk}"

    @property
    def submitting(self) -> bool:
        return self.data.get("action") == self.SUBMIT

    def dimension_fields(self):
        return [(d, self[self.field_name(d)]) for d in self.dimensions]

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            for dimension in self.dimensions:
                name = self.field_name(dimension)
                if name not in self.errors and cleaned.get(name) in (None, ""):
                    self.add_error(
                        name,
                        f"Choose the statement that best describes your council on "
                        f"{dimension.name.lower()}, or save and come back to it.",
                    )
        return cleaned

    def choices(self) -> dict[int, int]:
        chosen = {}
        for dimension in self.dimensions:
            value = self.cleaned_data.get(self.field_name(dimension))
            if value not in (None, ""):
                chosen[dimension.pk] = value
        return chosen
