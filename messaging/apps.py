from django.apps import AppConfig


class MessagingConfig(AppConfig):
    verbose_name = "Messaging: the outbox, email wording and feedback"
    name = "messaging"
