"""Shelter's background work, run by django-tasks' database worker (`sanctuary db_worker`).

`sanctuary shelter_tick`, run by a timer every hour, enqueues both tasks, expiry first so that
the run sees the beds an expired proposal gave back. Each is idempotent: a late, doubled or
overlapping tick does no harm (a second run only replaces the first run's unapproved plan).
"""

from django_tasks import task

from sanctuary.shelter import services


@task()
def expire_unanswered_proposals() -> int:
    """Approved proposals past the host's deadline expire; their disclosures are shredded."""
    return services.expire_proposals()


@task()
def run_matcher() -> int:
    """The hourly matcher run; coordinators review and approve its plan."""
    return services.do_run_matcher(None).proposals.count()


PERIODIC = (expire_unanswered_proposals, run_matcher)
