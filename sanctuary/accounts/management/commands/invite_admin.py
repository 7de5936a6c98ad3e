from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import translation

from sanctuary.accounts.models import Role
from sanctuary.accounts.services import do_create_invitation


class Command(BaseCommand):
    help = (
        "Prints a single-use invitation link for a new administrator (valid 72 hours). "
        "This is how the first admin gets in; later accounts are invited from the staff pages."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        _invitation, token = do_create_invitation(roles=[Role.ADMIN.value], acting_user=None)
        with translation.override(settings.LANGUAGE_CODE):
            path = reverse("accounts:accept", args=[token])
        self.stdout.write(f"{settings.SITE_ROOT}{path}")
