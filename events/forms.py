"""The registration form: for yourself, or for a colleague if you are your council's contact."""

from __future__ import annotations

from django import forms

from club.models import Membership

from .models import ExchangePage

MYSELF = "self"


class RegistrationForm(forms.Form):
    person = forms.ChoiceField(
        label="Who is this place for?",
        error_messages={"required": "Choose who the place is for."},
    )
    access_needs = forms.CharField(
        label="Access needs (optional)",
        help_text="Anything that would help you take part: step-free access, a hearing loop, "
        "large-print papers, a quiet room.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep access needs to 1,000 characters or fewer."},
    )
    dietary_needs = forms.CharField(
        label="Dietary needs (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep dietary needs to 500 characters or fewer."},
    )
    question_answer = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep your answer to 2,000 characters or fewer."},
    )

    def __init__(
        self,
        *args,
        exchange: ExchangePage,
        colleagues: list[Membership] | None = None,
        include_self: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.exchange = exchange
        self.colleagues = {str(m.person_id): m for m in colleagues or []}
        choices = [(MYSELF, "Myself")] if include_self else []
        choices += [
            (person_id, f"{m.person} ({m.council.name}, {m.get_role_display()})")
            for person_id, m in self.colleagues.items()
        ]
        self.fields["person"].choices = choices
        if choices:
            self.fields["person"].initial = choices[0][0]
        if len(choices) <= 1:
            # Nobody else to choose: the place is for the one choice there is.
            self.fields["person"].widget = forms.HiddenInput()
        else:
            # A new widget starts with no choices of its own: give it the list.
            self.fields["person"].widget = forms.RadioSelect(choices=choices)
        if exchange.editor_question:
            self.fields["question_answer"].label = f"{exchange.editor_question} (optional)"
        else:
            del self.fields["question_answer"]

    def chosen_person(self, *, viewer):
        """The User the place is for, once the form is valid."""
        choice = self.cleaned_data["person"]
        if choice == MYSELF:
            return viewer
        return self.colleagues[choice].person
