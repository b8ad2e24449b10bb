from django.core.management.base import BaseCommand

from club.demo import DEMO_LOGINS


class Command(BaseCommand):
    help = "Print the demo logins (their password is DEMO_PASSWORD in var/env)."

    def handle(self, *args, **options):
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.label:<40} {login.email}")
