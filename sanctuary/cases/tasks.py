"""Casework's background work, run by django-tasks' database worker (`sanctuary db_worker`).

django-tasks has no scheduler: `sanctuary casework_tick`, run by a timer every few minutes,
enqueues them all. Each is idempotent, so a late, doubled or overlapping tick does no harm.
Apps above casework add their own periodic work with register_periodic_task() in their
AppConfig.ready() (referrals' expiry). The notices' delivery runs with each tick.
"""

from typing import Any

from django_tasks import task

from sanctuary.cases import services
from sanctuary.notices.tasks import deliver_notices


@task()
def raise_missed_checkin_alarms() -> int:
    """Raises the alarm for every overdue, unconfirmed check-in, once per check-in."""
    return services.raise_missed_check_in_alarms()


@task()
def purge_expired_cases() -> int:
    """Shreds closed cases past their retention date, keeping a statistics row each."""
    return services.purge_expired_cases()


# Notices last: an alarm raised by this tick goes out in the same tick.
@task()
def notify_due_tasks() -> int:
    """Tells each open task's assignee, once, that it is due."""
    return services.notify_due_tasks()


PERIODIC: list[Any] = [
    raise_missed_checkin_alarms,
    purge_expired_cases,
    notify_due_tasks,
    deliver_notices,
]


def register_periodic_task(periodic: Any) -> None:
    if periodic not in PERIODIC:
        PERIODIC.append(periodic)
