import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casestudies.demo import load_case_studies, load_case_study_links, load_taxonomy
from club.demo import load_councils, load_people
from events.demo import load_exchanges
from home.demo import load_content_pages, load_home
from mandate.demo import load_framework


class Command(BaseCommand):
    help = "Load the demo content: pages, councils, Exchanges, case studies and demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", ""),
            help="Password for the demo logins (default: $DEMO_PASSWORD, written by `make demo`).",
        )

    def handle(self, *args, password: str, **options):
        if len(password) < 12:
            raise CommandError(
                "Give the demo logins a password of 12 or more characters with --password or "
                "DEMO_PASSWORD. `make demo` generates one for you."
            )
        with transaction.atomic():
            home = load_home()
            load_content_pages(home)
            councils = load_councils()
            themes, delivery_models = load_taxonomy()
            load_exchanges(home, themes)
            load_case_studies(home, councils, themes, delivery_models)
            load_framework(themes)
            load_people(councils=councils, password=password)
            load_case_study_links()  # needs the people and Exchanges loaded above
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
