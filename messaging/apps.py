from django.apps import AppConfig


class MessagingConfig(AppConfig):
    verbose_name = "Messaging: the outbox, email wording and feedback"
    name = "messaging"

    def ready(self) -> None:
        from . import privacy  # noqa: F401 - connects the erasure and data-export receivers
