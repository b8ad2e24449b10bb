"""How allauth fits the club: sign-up keeps the job title; its emails go through the outbox."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.utils.html import strip_tags

from messaging.notifications import account_email

from .models import User


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

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Put allauth's email (verification, sign-in code, password reset...) in the outbox.

        allauth writes it with its own templates, as its ``send_mail`` would; the outbox row is
        written in the request's transaction and delivered after commit, with retries, like
        every other email the club sends.
        """
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        if message.content_subtype == "html":  # allauth found only an HTML template
            html, text = message.body, strip_tags(message.body)
        else:
            text = message.body
            html = next(
                (str(a[0]) for a in getattr(message, "alternatives", []) if a[1] == "text/html"),
                "",
            )
        person = context.get("user")
        if not isinstance(person, User) or person.pk is None:
            person = User.objects.filter(email__iexact=email).first()
        account_email(
            to_email=email,
            purpose=template_prefix.rpartition("/")[2],
            subject=message.subject,
            text=text,
            html=html,
            person=person,
        )
