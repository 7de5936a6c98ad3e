from typing import Any

from django.core.management.base import BaseCommand

from sanctuary.shelter.tasks import PERIODIC


class Command(BaseCommand):
    help = (
        "Enqueues shelter's periodic tasks (expiry of unanswered proposals, then a matcher run) "
        "for the db_worker. Run it from a timer every hour."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for periodic in PERIODIC:
            result = periodic.enqueue()
            self.stdout.write(f"{periodic.name}: {result.id} {result.status}")
