"""Changes to the page tree, its sites, its view restrictions or the images and documents pages
show renew the content token."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site, get_page_models
from wagtail.signals import post_page_move

from .content_cache import content_changed


def tree_changed(sender, using: str, **kwargs) -> None:
    content_changed(using=using)


def connect() -> None:
    """Listen to each page model, the sites, the restrictions, images and documents by name
    (called once ready). Kept fragments show an image's rendition and a document's title and
    address, so replacing either must show at once.

    A receiver for every sender would also stop Django deleting any model's rows in bulk: it
    deletes row by row whenever a delete signal has a listener for the model.
    """
    images, documents = get_image_model(), get_document_model()
    for model in {*get_page_models(), Page, Site, PageViewRestriction, images, documents}:
        for signal in (post_save, post_delete):
            signal.connect(tree_changed, sender=model, dispatch_uid=f"content-{model._meta.label}")


@receiver(post_page_move)
def page_moved(sender, instance: Page, **kwargs) -> None:
    content_changed(using=instance._state.db or "default")
