from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanctuary.accounts.services import current_totp
from sanctuary.demo.seed import DEMO_LOGINS
from sanctuary.keyring import crypto
from sanctuary.keyring.services import open_staff_secret


class Command(BaseCommand):
    help = "Demo mode only: prints the current second-factor code of a demo staff member."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("demo_code runs only with SANCTUARY_DEMO=1")
        username = options["username"]
        login = next((login for login in DEMO_LOGINS if login.username == username), None)
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if login is None or device is None:
            raise CommandError(f"no confirmed authenticator for demo login {username!r}")
        # The secret is sealed to the member's key: the demo opens it with the demo password,
        # as the login's password step does.
        try:
            keypair = open_staff_secret(device.user, login.password)
        except crypto.KeyringError:
            keypair = None
        if keypair is None:
            raise CommandError(f"the demo password no longer opens {username!r}'s keys")
        self.stdout.write(current_totp(device, keypair))
