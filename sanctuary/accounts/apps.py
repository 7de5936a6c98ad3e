from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(using: str = "default", **kwargs: Any) -> None:
    """`migrate` also makes the database cache's table when CACHE_URL is db://, so throttle
    counters and used form tokens work on a fresh install with no separate step."""
    call_command("createcachetable", database=using, verbosity=0)


class AccountsConfig(AppConfig):
    name = "sanctuary.accounts"
    label = "accounts"

    def ready(self) -> None:
        from sanctuary.keyring.services import register_invitations_lookup

        post_migrate.connect(create_cache_table, sender=self)
        register_invitations_lookup(invitations_used_by)


def invitations_used_by(user_id: Any) -> list[Any]:
    """The invitations a person came in by (his own, and password resets), oldest first: the
    keyring asks whom an approver may not let in."""
    from sanctuary.accounts.models import Invitation

    return list(
        Invitation.objects.select_related("created_by")
        .filter(used_by_id=user_id)
        .order_by("created_at", "pk")
    )
