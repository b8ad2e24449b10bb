"""Members share their council's work from the site, and follow what the editors decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from club.selectors import person_is_approved_member

from .forms import CaseStudySubmissionForm
from .selectors import case_study_submissions
from .services import NoLibraryError, SubmissionDetails, case_study_submit


def _not_a_member(request: HttpRequest) -> HttpResponse:
    return render(request, "casestudies/submit_not_member.html", status=403)


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if not person_is_approved_member(person=request.user):
        return _not_a_member(request)
    form = CaseStudySubmissionForm(request.POST or None, person=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = SubmissionDetails(
            **{
                name: data[name]
                for name in SubmissionDetails.__dataclass_fields__
                if name in data and data[name] is not None
            }
        )
        try:
            page = case_study_submit(person=request.user, council=data["council"], details=details)
        except NoLibraryError:
            form.add_error(None, "The case-study library is not open yet. Please try again later.")
        else:
            messages.success(
                request,
                f"Thank you. “{page.title}” is with the editors; we will email you when they "
                "have decided.",
            )
            return redirect("casestudies:my_submissions")
    return render(request, "casestudies/submit.html", {"form": form})


@login_required
def my_submissions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "casestudies/my_submissions.html",
        {
            "submissions": case_study_submissions(person=request.user),
            "can_submit": person_is_approved_member(person=request.user),
        },
    )
