from django.apps import AppConfig


class ClubConfig(AppConfig):
    verbose_name = "Club: councils and people"
    name = "club"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
