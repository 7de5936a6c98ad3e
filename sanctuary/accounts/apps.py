from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sanctuary.accounts"
    label = "accounts"

    def ready(self) -> None:
        from sanctuary.keyring.services import register_invitations_lookup

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
