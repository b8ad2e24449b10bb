"""Changes to the page tree, its sites or its view restrictions renew the content token."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import post_page_move

from .content_cache import content_changed


@receiver(post_save)
@receiver(post_delete)
def page_tree_changed(sender, instance, using: str, **kwargs) -> None:
    # Every page type sends its own signal, so the test is on the instance, not the sender.
    if isinstance(instance, Page | Site | PageViewRestriction):
        content_changed(using=using)


@receiver(post_page_move)
def page_moved(sender, instance: Page, **kwargs) -> None:
    content_changed(using=instance._state.db or "default")
