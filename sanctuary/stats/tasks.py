"""The monthly draft, enqueued by `sanctuary casework_tick` with casework's periodic work."""

import logging

from django_tasks import task

from sanctuary.stats import services

log = logging.getLogger(__name__)


@task()
def draft_monthly_release() -> int | None:
    """Drafts last month's figures once; a second person approves them before publication.
    Idempotent: a month with a release (in any state) is not drafted again."""
    try:
        release = services.draft_last_month()
    except services.ReleaseError as error:
        log.warning("monthly figures not drafted: %s", error)
        return None
    return release.pk if release else None
