"""The notices' background work. casework_tick enqueues it with casework's periodic tasks
(sanctuary.cases.tasks.PERIODIC); run the tick every minute or so for prompt notices."""

from django_tasks import task

from sanctuary.notices import delivery


@task()
def deliver_notices() -> int:
    """Sends every due notice and digest, retrying failures with backoff."""
    return delivery.deliver_due()
