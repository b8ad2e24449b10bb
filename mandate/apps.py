from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _grant_editors(sender, **kwargs) -> None:
    from .services import mandate_editor_permissions_ensure

    mandate_editor_permissions_ensure()


class MandateConfig(AppConfig):
    verbose_name = "Innovation Mandate"
    name = "mandate"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Permissions exist only after migrate; grant them to editors each time it runs.
        post_migrate.connect(_grant_editors, sender=self, dispatch_uid="mandate_grant_editors")
