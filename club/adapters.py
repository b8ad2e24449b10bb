"""How allauth fits the club: sign-up keeps the job title; emails are allauth's own for now."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit: bool = True):
        """Save the new person with their job title (allauth saves only names and email).

        The membership request or guest application follows in ``SignupExtraForm.signup``.
        """
        user = super().save_user(request, user, form, commit=False)
        user.job_title = form.cleaned_data.get("job_title", "")
        if commit:
            user.save()
        return user
