from django import forms

from .models import FeedbackResponse


class FeedbackForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label="Overall, how useful was the Exchange?",
        choices=[
            (5, "5: extremely useful"),
            (4, "4: very useful"),
            (3, "3: useful"),
            (2, "2: a little useful"),
            (1, "1: not useful"),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating from 1 to 5."},
    )
    most_useful = forms.CharField(
        label="What was the most useful part?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Keep this to 2,000 characters or fewer."},
    )
    what_next = forms.CharField(
        label="What should the club do next?",
        help_text="A theme for a future Exchange, a council to hear from, anything.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Keep this to 2,000 characters or fewer."},
    )

    class Meta:
        model = FeedbackResponse
        fields = ["rating", "most_useful", "what_next"]
