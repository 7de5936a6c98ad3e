import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sanctuary.stats import services


def _month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"{value!r} is not a month like 2026-11") from None


class Command(BaseCommand):
    help = "Draft last month's public figures (or --month YYYY-MM) for a second person to approve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="the month to draft, YYYY-MM; last month if omitted")
        parser.add_argument("--epsilon", type=float, help="the privacy budget this release spends")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"]:
            start = _month(options["month"])
        else:
            start, _end = services.last_month_period(timezone.now().date())
        try:
            release = services.do_draft_release(
                start=start,
                end=services.next_month(start),
                epsilon=options["epsilon"],
                acting_user=None,
            )
        except services.ReleaseError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"release {release.pk} drafted for {start:%Y-%m}: "
            f"epsilon {release.epsilon_spent:.6g}; a coordinator approves it on the staff page"
        )
