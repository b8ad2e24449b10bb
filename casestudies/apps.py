from django.apps import AppConfig


class CasestudiesConfig(AppConfig):
    verbose_name = "Case studies"
    name = "casestudies"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the moderation receivers)
