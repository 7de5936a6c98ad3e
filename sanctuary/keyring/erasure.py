"""The erasure key store: one random key per sealed record, in a small SQLite file of its own.

PostgreSQL never overwrites a deleted row: the old tuple stays in the table's files until the
page is reused, and in the write-ahead log until the segment is recycled. So a sealed copy
deleted there can still be read back, and opened with a holder's password. Every sealed copy
is therefore stored wrapped under its record's erasure key (`crypto.wrap_erasable`), and the
erasure keys live here, in a file that really overwrites what it deletes:

- `PRAGMA secure_delete=ON`: SQLite writes zeros over a deleted row and over freed pages;
- a rollback journal (`journal_mode=DELETE`), never WAL: a write-ahead log would keep the old
  page, key included, beside the database until a checkpoint;
- `synchronous=FULL`: a key is on the disk when `ensure` returns, before the main database
  refers to it; a destroyed key is gone when `destroy` returns.

Order across the two databases (there is no transaction spanning both): a key is written and
committed before the main rows that use it, and destroyed before the main rows are deleted. An
orphaned key (its main transaction rolled back) is harmless; a missing one makes the record
unreadable, which is what shredding wants. Several app processes on one machine share the file:
SQLite's file locks serialize writers, and each waits up to BUSY_TIMEOUT_SECONDS for the lock.
docs/keys.md ("Shredding") says what this protects against and what not.
"""

import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from django.conf import settings

from sanctuary.keyring import crypto

BUSY_TIMEOUT_SECONDS: Final = 30.0

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS erasure_key (
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    key BLOB NOT NULL,
    PRIMARY KEY (record_type, record_id)
)
"""


class StoreError(crypto.KeyringError):
    """The key store cannot be opened safely (a path it cannot create, or SQLite refused the
    settings that make deletion real). The message names the file, never a key."""


_local = threading.local()


def store_path() -> Path:
    return Path(settings.ERASURE_KEY_STORE)


def _connection() -> sqlite3.Connection:
    # One connection per thread and process: SQLite connections must not cross threads, nor
    # survive a fork (gunicorn's workers), and a test may point the setting at another file.
    path = store_path()
    identity = (str(path), os.getpid())
    cached: tuple[tuple[str, int], sqlite3.Connection] | None = getattr(_local, "store", None)
    if cached is not None and cached[0] == identity:
        return cached[1]
    if cached is not None and cached[0][1] == os.getpid():
        cached[1].close()
    connection = _open(path)
    _local.store = (identity, connection)
    return connection


def _open(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Created readable by its owner only, before SQLite opens it (SQLite gives its journal
        # the database file's permissions).
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except (OSError, sqlite3.Error) as error:
        raise StoreError(f"cannot open the erasure key store {path}: {error}") from None
    secure_delete = connection.execute("PRAGMA secure_delete=ON").fetchone()
    journal_mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()
    if secure_delete != (1,) or journal_mode != ("delete",):
        connection.close()
        raise StoreError(
            f"the erasure key store {path} refused secure_delete=ON or journal_mode=DELETE "
            f"(got {secure_delete}, {journal_mode}); deleted keys would not be overwritten"
        )
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(_SCHEMA)
    return connection


def key_for(record_type: str, record_id: str) -> bytes | None:
    """The record's erasure key, or None once it has been destroyed (or never existed)."""
    row = (
        _connection()
        .execute(
            "SELECT key FROM erasure_key WHERE record_type = ? AND record_id = ?",
            (record_type, record_id),
        )
        .fetchone()
    )
    return bytes(row[0]) if row else None


def ensure(record_type: str, record_id: str) -> bytes:
    """The record's erasure key, made and committed to disk first if it has none yet."""
    found = key_for(record_type, record_id)
    if found is not None:
        return found
    ensure_many([(record_type, record_id)])
    made = key_for(record_type, record_id)
    if made is None:  # destroyed by another process in between: nothing may be sealed now
        raise crypto.CannotOpen("the record's erasure key was destroyed while sealing")
    return made


def ensure_many(records: Iterable[tuple[str, str]]) -> None:
    """Gives each record without one an erasure key, all in one durable transaction."""
    connection = _connection()
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.executemany(
            "INSERT OR IGNORE INTO erasure_key (record_type, record_id, key) VALUES (?, ?, ?)",
            (
                (record_type, record_id, crypto.new_erasure_key())
                for record_type, record_id in records
            ),
        )
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def destroy(record_type: str, record_id: str) -> None:
    """Deletes the record's erasure key; on return its bytes are overwritten on disk."""
    _connection().execute(
        "DELETE FROM erasure_key WHERE record_type = ? AND record_id = ?",
        (record_type, record_id),
    )


def all_keys() -> list[tuple[str, str, bytes]]:
    """Every key in the store, for a sealed backup."""
    rows = _connection().execute("SELECT record_type, record_id, key FROM erasure_key")
    return [(record_type, record_id, bytes(key)) for record_type, record_id, key in rows]


def put_many(rows: Iterable[tuple[str, str, bytes]]) -> None:
    """Puts (record type, record id, key) rows in, in one durable transaction: keys from a
    backup being restored, before their records."""
    connection = _connection()
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.executemany(
            "INSERT OR REPLACE INTO erasure_key (record_type, record_id, key) VALUES (?, ?, ?)",
            rows,
        )
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
