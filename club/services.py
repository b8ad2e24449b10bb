"""Writes about people, councils and memberships."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import CommunicationPreferences, User

# Editors at the improvement body work through Wagtail's Moderators group (it can publish pages)
# plus the club's own models, which Wagtail's migrations know nothing about.
EDITORS_GROUP = "Moderators"
EDITOR_MODEL_APPS = ("club", "events", "casestudies")


@transaction.atomic
def editors_group_ensure() -> Group:
    """Return the editors' group, granting it every permission on the club's own models."""
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    wanted = Permission.objects.filter(content_type__app_label__in=EDITOR_MODEL_APPS).exclude(
        content_type__model__in=["user"]
    )
    admin_access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    group.permissions.add(*wanted, *admin_access)
    return group


@transaction.atomic
def preferences_for(*, person: User) -> CommunicationPreferences:
    """The person's communication preferences, created with the defaults on first use."""
    preferences, _ = CommunicationPreferences.objects.get_or_create(person=person)
    return preferences
