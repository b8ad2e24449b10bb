from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _grant_editors(sender, app_config, using="default", **kwargs) -> None:
    from django.contrib.auth.management import create_permissions

    from .services import mandate_editor_permissions_ensure

    # This app is ready before django.contrib.auth, so auth's own receiver (which creates the
    # permissions) runs after this one; create them first. Both are idempotent.
    create_permissions(app_config, verbosity=0, using=using)
    mandate_editor_permissions_ensure()


class MandateConfig(AppConfig):
    verbose_name = "Innovation Mandate"
    name = "mandate"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Permissions exist only after migrate; grant them to editors each time it runs.
        post_migrate.connect(_grant_editors, sender=self, dispatch_uid="mandate_grant_editors")
