from django.apps import AppConfig


class CasestudiesConfig(AppConfig):
    verbose_name = "Case studies"
    name = "casestudies"
