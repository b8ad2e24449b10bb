from django.apps import AppConfig


class ClubConfig(AppConfig):
    verbose_name = "Club: councils and people"
    name = "club"
