from typing import Any

from django.core.management.base import BaseCommand

from sanctuary.accounts.services import clear_expired_sessions


class Command(BaseCommand):
    help = (
        "Deletes the sessions past their idle timeout and the login records that named them. "
        "Run it daily from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ended = clear_expired_sessions()
        self.stdout.write(f"{ended} expired session(s) deleted")
