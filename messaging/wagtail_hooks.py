"""The outbox, email wording and feedback results in Wagtail's admin."""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from events.models import ExchangePage

from .models import FeedbackResponse, MessageWording, OutboxMessage
from .selectors import feedback_summary
from .services import message_resend


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Editors look, never write: rows change only through the services (and "Resend")."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, action)


register_permission_policy(OutboxMessage, ReadOnlyPolicy(OutboxMessage))
register_permission_policy(FeedbackResponse, ReadOnlyPolicy(FeedbackResponse))


def _resend_link(message: OutboxMessage) -> str:
    if message.status != OutboxMessage.Status.FAILED:
        return ""
    url = reverse("messaging_admin:resend", args=[message.pk])
    return format_html('<a class="button button-small" href="{}">Resend</a>', url)


class OutboxViewSet(ModelViewSet):
    model = OutboxMessage
    icon = "mail"
    menu_label = "Outbox"
    menu_order = 900
    add_to_admin_menu = True
    inspect_view_enabled = True
    list_display = [
        "to_email",
        "kind",
        "status",
        "attempts",
        "exchange",
        "updated_at",
        Column("resend", label="", accessor=_resend_link),
    ]
    list_filter = ["status", "kind", "exchange", "person"]
    search_fields = ["to_email", "subject"]
    inspect_view_fields = [
        "kind",
        "status",
        "to_email",
        "person",
        "exchange",
        "subject",
        "body_text",
        "attempts",
        "next_attempt_at",
        "last_error",
        "correlation_id",
        "key",
        "created_at",
        "sending_started_at",
        "sent_at",
    ]
    form_fields = ["status"]  # never shown: the policy forbids editing


class MessageWordingViewSet(SnippetViewSet):
    model = MessageWording
    icon = "edit"
    menu_label = "Email wording"
    menu_order = 910
    add_to_admin_menu = True
    list_display = ["kind", "subject", "updated_at"]


register_snippet(MessageWordingViewSet)


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return OutboxViewSet("outbox")


@require_http_methods(["GET", "POST"])
def resend(request, pk: int):
    if not request.user.has_perm("messaging.view_outboxmessage"):
        raise PermissionDenied
    message = get_object_or_404(OutboxMessage, pk=pk)
    inspect_url = reverse("outbox:inspect", args=[quote(message.pk)])
    if request.method == "POST":
        try:
            message_resend(message=message)
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"The message to {message.to_email} will be sent again.")
        return redirect(inspect_url)
    return TemplateResponse(
        request, "messaging/admin/resend.html", {"message": message, "inspect_url": inspect_url}
    )


def feedback_index(request):
    if not request.user.has_perm("messaging.view_feedbackresponse"):
        raise PermissionDenied
    exchanges = ExchangePage.objects.filter(feedback_responses__isnull=False).distinct()
    rows = [(exchange, feedback_summary(exchange=exchange)) for exchange in exchanges]
    return TemplateResponse(request, "messaging/admin/feedback_index.html", {"rows": rows})


def feedback_results(request, exchange_id: int):
    if not request.user.has_perm("messaging.view_feedbackresponse"):
        raise PermissionDenied
    exchange = get_object_or_404(ExchangePage, pk=exchange_id)
    responses = FeedbackResponse.objects.filter(exchange=exchange).select_related("person")
    return TemplateResponse(
        request,
        "messaging/admin/feedback_results.html",
        {
            "exchange": exchange,
            "summary": feedback_summary(exchange=exchange),
            "responses": responses,
        },
    )


@hooks.register("register_admin_urls")
def register_messaging_admin_urls():
    urls = [
        path("outbox/<int:pk>/resend/", resend, name="resend"),
        path("feedback/", feedback_index, name="feedback_index"),
        path("feedback/<int:exchange_id>/", feedback_results, name="feedback_results"),
    ]
    return [path("messaging/", (urls, "messaging_admin", "messaging_admin"))]


class FeedbackMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("messaging.view_feedbackresponse")


@hooks.register("register_admin_menu_item")
def register_feedback_menu_item():
    return FeedbackMenuItem(
        "Feedback", reverse("messaging_admin:feedback_index"), icon_name="pick", order=920
    )
