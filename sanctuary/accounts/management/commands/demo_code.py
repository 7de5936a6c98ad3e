from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanctuary.accounts.services import current_totp


class Command(BaseCommand):
    help = "Demo mode only: prints the current second-factor code of a demo staff member."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("demo_code runs only with SANCTUARY_DEMO=1")
        device = TOTPDevice.objects.filter(
            user__username=options["username"], confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"no confirmed authenticator for {options['username']!r}")
        self.stdout.write(current_totp(device))
