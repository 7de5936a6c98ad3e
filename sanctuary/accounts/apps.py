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
        post_migrate.connect(create_cache_table, sender=self)
