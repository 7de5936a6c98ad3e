"""The referrals' background work, added to `sanctuary casework_tick` by ReferralsConfig.ready()."""

from django_tasks import task

from sanctuary.referrals import services


@task()
def expire_referrals() -> int:
    """Destroys the packets of referrals past their expiry."""
    return services.expire_referrals()
