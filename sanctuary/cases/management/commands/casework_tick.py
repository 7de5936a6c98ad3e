from typing import Any

from django.core.management.base import BaseCommand

from sanctuary.cases.tasks import PERIODIC


class Command(BaseCommand):
    help = (
        "Enqueues casework's periodic tasks (check-in alarms, retention purge, sending "
        "notices) for the db_worker. Run it from a timer every minute or few."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for periodic in PERIODIC:
            result = periodic.enqueue()
            self.stdout.write(f"{periodic.name}: {result.id} {result.status}")
