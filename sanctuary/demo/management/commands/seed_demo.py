from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sanctuary.demo.hosts import seed_hosts
from sanctuary.demo.seed import seed_case, seed_more_cases, seed_staff
from sanctuary.demo.shelter import seed_stay_requests


class Command(BaseCommand):
    help = "Demo mode only: creates one staff member per role with known logins, and prints them."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError(
                "seed_demo creates known passwords; it runs only with SANCTUARY_DEMO=1"
            )
        logins = seed_staff()
        self.stdout.write("Demo logins (demo only; anyone who reads this can log in):")
        for login in logins:
            roles = ", ".join(role.value for role in login.roles)
            self.stdout.write(
                f"  {login.username:<12} password {login.password:<28} "
                f"TOTP secret {login.totp_secret}  ({roles})"
            )
        self.stdout.write(
            "Add a TOTP secret to an authenticator app, or print the current code with "
            "`.venv/bin/sanctuary demo_code USERNAME`."
        )
        self.stdout.write(f"Demo seeker codename (open it at /ru/return/): {seed_case()}")
        seed_more_cases()
        seed_hosts()
        self.stdout.write(
            "Demo hosts in Almaty, Astana, Uralsk, Tbilisi, Yerevan, Bishkek, Istanbul and "
            "Belgrade; the `host` login is the portal of one Almaty host."
        )
        requests = seed_stay_requests()
        self.stdout.write(
            f"Stay requests from demo cases: {requests}; the matcher has run once, so the "
            "`shelter` login finds a plan to approve under Shelter."
        )
