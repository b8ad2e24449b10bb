"""A member shares a case study about their own council; it waits for the editors' approval."""

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import WorkflowState

from casestudies.factories import CaseStudyPageFactory, ThemeFactory
from casestudies.models import CaseStudyPage
from club.factories import CouncilFactory, MembershipFactory, UserFactory
from club.models import Membership

SUBMIT = reverse("casestudies:submit")
MINE = reverse("casestudies:my_submissions")


@pytest.fixture
def council():
    return CouncilFactory(name="Clackmannanshire Council")


@pytest.fixture
def member(council):
    return MembershipFactory(council=council, person=UserFactory(first_name="Ailsa")).person


@pytest.fixture
def editor(db):
    return UserFactory(is_superuser=True, is_staff=True)


def _form(council, **overrides):
    theme = ThemeFactory(name="Inclusive growth")
    data = {
        "council": council.pk,
        "title": "Be the Future",
        "summary": "A whole-council change programme.",
        "programme_name": "Be the Future",
        "period_start": "2019",
        "period_end": "",
        "challenge": "Small cuts every year.\n\nResidents had little say.",
        "approach": "Cross-party Innovation Mandate workshops.",
        "outcomes": "A wellbeing economy initiative.",
        "lessons_learned": "",
        "themes": [theme.pk],
        "change_level": "transformational",
        "mandate_levels": ["differently", "new"],
        "status": "in-progress",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_members_submission_enters_the_workflow_and_stays_private(
    client, case_study_index, council, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SUBMIT, _form(council))
    assert response.status_code == 302 and response.url == MINE

    page = CaseStudyPage.objects.get(title="Be the Future")
    assert not page.live
    assert page.submitted_by == member and page.owner == member
    assert list(page.councils.all()) == [council]
    assert page.mandate_differently and page.mandate_new and not page.mandate_better
    assert "<p>Small cuts every year.</p>" in page.get_latest_revision_as_object().challenge
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name  # waiting at the editors' task

    client.logout()
    assert client.get(f"/case-studies/{page.slug}/").status_code == 404
    assert "Be the Future" not in client.get(case_study_index.url).content.decode()
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "We have your case study" in mail.outbox[0].subject


@pytest.mark.django_db
def test_approval_publishes_and_tells_the_member(
    client, case_study_index, council, member, editor, django_capture_on_commit_callbacks
):
    client.force_login(member)
    client.post(SUBMIT, _form(council))
    page = CaseStudyPage.objects.get(title="Be the Future")
    state = WorkflowState.objects.get(object_id=str(page.pk))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        state.current_task_state.approve(user=editor)

    page.refresh_from_db()
    assert page.live
    assert client.get(page.url).status_code == 200
    assert len(mail.outbox) == 1 and "approved" in mail.outbox[0].subject
    assert page.full_url in mail.outbox[0].body
    mine = client.get(MINE).content.decode()
    assert "Published" in mine


@pytest.mark.django_db
def test_a_request_for_changes_reaches_the_member_with_the_editors_note(
    client, case_study_index, council, member, editor, django_capture_on_commit_callbacks
):
    client.force_login(member)
    client.post(SUBMIT, _form(council))
    page = CaseStudyPage.objects.get(title="Be the Future")
    state = WorkflowState.objects.get(object_id=str(page.pk))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        state.current_task_state.reject(user=editor, comment="Please add the key figures.")

    page.refresh_from_db()
    assert not page.live
    assert "needs changes" in mail.outbox[0].subject
    assert "Please add the key figures." in mail.outbox[0].body
    mine = client.get(MINE).content.decode()
    assert "Changes requested by the editors" in mine
    assert "Please add the key figures." in mine


@pytest.mark.django_db
def test_a_member_of_another_council_cannot_submit_for_this_one(client, case_study_index, council):
    outsider = MembershipFactory(council=CouncilFactory(name="Fife Council")).person
    client.force_login(outsider)
    response = client.post(SUBMIT, _form(council))
    assert response.status_code == 200
    assert "only share case studies about a council where you are an approved member" in (
        response.content.decode()
    )
    # What they typed is still there.
    assert "Cross-party Innovation Mandate workshops." in response.content.decode()
    assert not CaseStudyPage.objects.filter(title="Be the Future").exists()


@pytest.mark.django_db
def test_pending_members_and_visitors_cannot_submit(client, case_study_index, council):
    assert client.get(SUBMIT).status_code == 302  # to the login page
    pending = MembershipFactory(council=council, status=Membership.Status.PENDING).person
    client.force_login(pending)
    response = client.post(SUBMIT, _form(council))
    assert response.status_code == 403
    assert "Sharing case studies is for members" in response.content.decode()
    assert not CaseStudyPage.objects.exists()


@pytest.mark.django_db
def test_form_errors_are_specific_and_keep_what_was_entered(
    client, case_study_index, council, member
):
    client.force_login(member)
    response = client.post(SUBMIT, _form(council, title="", period_start="2022", period_end="2020"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a title." in html
    assert "The work cannot end before it began." in html
    assert 'href="#id_title"' in html  # the error summary links to the field
    assert "A whole-council change programme." in html


@pytest.mark.django_db
def test_my_submissions_lists_only_my_own(client, case_study_index, council, member):
    CaseStudyPageFactory(parent=case_study_index, title="Someone else's", councils=[council])
    client.force_login(member)
    client.post(SUBMIT, _form(council))
    html = client.get(MINE).content.decode()
    assert "Be the Future" in html and "With the editors for review" in html
    assert "Someone else" not in html
