"""The database cache that CACHE_URL=db://table selects (the default outside the demo).

Throttle counters, case reservations and spent single-use form tokens live in the cache. Django's
own database cache, once it holds more than MAX_ENTRIES rows (300 by default), deletes every
expired row and then a third of the live ones, oldest keys first. A spent token's marker is a
live row until the token itself expires, so a burst of about 300 submissions would make spent
tokens replayable and forget who was throttled. This one only ever deletes expired rows.
"""

from datetime import datetime
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections

# Above this many rows a write first deletes the expired ones (never a live one).
MAX_ENTRIES = 20_000


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache, except that culling removes expired entries only."""

    def __init__(self, table: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        options.setdefault("MAX_ENTRIES", MAX_ENTRIES)
        super().__init__(table, {**params, "OPTIONS": options})

    def _cull(self, db: str, cursor: Any, now: datetime, num: int) -> None:
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        expires = connection.ops.quote_name("expires")
        cursor.execute(
            f"DELETE FROM {table} WHERE {expires} < %s",  # noqa: S608  # nosec B608  # quoted names
            [connection.ops.adapt_datetimefield_value(now)],
        )
