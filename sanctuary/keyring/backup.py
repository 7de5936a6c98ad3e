"""Sealed backups of the whole database, and their restore into an empty one.

A backup is every row of every model (a few excluded, see EXCLUDED_MODELS), read in one
snapshot, serialized with Django's serializers, with the erasure keys of the records it holds
(keyring/erasure.py), compressed, then sealed to the operator's backup public key
(`crypto.seal_archive`). The server holds only that public key: it can write backups it cannot
read. docs/keys.md ("Backups") describes the format and the key handling.
"""

import base64
import json
import os
import tempfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.python import Serializer as PythonSerializer
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone

from sanctuary.keyring import erasure
from sanctuary.keyring.crypto import (
    KeyPair,
    decode_backup_key,
    encode_backup_key,
    open_archive,
    seal_archive,
)

# 2: the document carries the erasure keys of its records ("erasure_keys").
FORMAT_VERSION: Final = 2

# Left out of every backup, each for a reason (docs/keys.md, "Backups"):
EXCLUDED_MODELS: Final = frozenset(
    {
        # Rebuilt by `migrate` on the empty database a backup is restored into; rows that
        # point at them are written with natural keys instead (see _BackupSerializer).
        "contenttypes.contenttype",
        "auth.permission",
        # Live logins: they hold session-wrapped secret keys and are worthless after a restore,
        # where everyone simply logs in again.
        "accounts.session",
        "accounts.loginsession",
    }
)
_REBUILT_BY_MIGRATE: Final = (ContentType, Permission)


class BackupError(Exception):
    """A backup or a restore was refused. The message says why and what to do; never a secret."""


# --- Keys ---------------------------------------------------------------------------------------


def backup_public_key() -> bytes:
    """The operator's backup public key from settings.BACKUP_PUBLIC_KEY, or a clear refusal."""
    text = settings.BACKUP_PUBLIC_KEY
    if not text:
        raise BackupError(
            "BACKUP_PUBLIC_KEY is not set, so there is nothing to seal the backup to. Run "
            "`sanctuary backup keygen` on a trusted machine, put the public key in this "
            "server's environment and keep the secret key offline (docs/operations.md)."
        )
    return decode_backup_key(text, what="BACKUP_PUBLIC_KEY")


def new_backup_key_lines() -> list[str]:
    """A fresh backup key pair, as the two lines an operator copies into configuration."""
    keypair = KeyPair.generate()
    return [
        f"BACKUP_PUBLIC_KEY={encode_backup_key(keypair.public_key)}",
        f"BACKUP_SECRET_KEY={encode_backup_key(keypair.secret_key)}",
    ]


def backup_secret_keypair(secret_key_file: Path | None = None) -> KeyPair:
    """The backup key pair, from --secret-key-file, BACKUP_SECRET_KEY_FILE or BACKUP_SECRET_KEY.

    Read only when restoring, from the environment of that one command: the secret key is never
    part of the server's settings.
    """
    file_name = secret_key_file or os.environ.get("BACKUP_SECRET_KEY_FILE")
    if file_name:
        text, what = _read_key_file(Path(file_name)), f"the backup secret key in {file_name}"
    elif os.environ.get("BACKUP_SECRET_KEY"):
        text, what = os.environ["BACKUP_SECRET_KEY"], "BACKUP_SECRET_KEY"
    else:
        raise BackupError(
            "no backup secret key: pass --secret-key-file FILE, or set BACKUP_SECRET_KEY_FILE "
            "or BACKUP_SECRET_KEY for this command only."
        )
    return KeyPair.from_secret_key(decode_backup_key(text, what=what))


def _read_key_file(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise BackupError(f"cannot read the backup secret key file {path}: {error}") from None


# --- What a backup holds ------------------------------------------------------------------------


def backed_up_models() -> list[type[Model]]:
    """Every concrete model whose table `migrate` creates, minus EXCLUDED_MODELS."""
    return [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in EXCLUDED_MODELS
    ]


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """The latest applied migration of each app: the schema version a backup belongs to."""
    latest: dict[str, str] = {}
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        # Django numbers migrations with zero-padded prefixes, so names sort in order.
        latest[app_label] = max(name, latest.get(app_label, ""))
    return dict(sorted(latest.items()))


class _BackupSerializer(PythonSerializer):
    """Django's serializer with primary keys kept, and natural keys only for references to
    content types and permissions: `migrate` rebuilds those and may number them differently."""

    def handle_fk_field(self, obj: Model, field: Any) -> None:
        self.use_natural_foreign_keys = issubclass(field.remote_field.model, _REBUILT_BY_MIGRATE)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj: Model, field: Any) -> None:
        self.use_natural_foreign_keys = issubclass(field.remote_field.model, _REBUILT_BY_MIGRATE)
        super().handle_m2m_field(obj, field)


def serialize_rows(model: type[Model], using: str = DEFAULT_DB_ALIAS) -> list[dict[str, Any]]:
    """Every row of one model in primary-key order, as Django's Python serializer gives it."""
    rows = model._base_manager.using(using).order_by("pk").iterator(chunk_size=2000)
    result: list[dict[str, Any]] = _BackupSerializer().serialize(rows)
    return result


class _ExactJSONEncoder(json.JSONEncoder):
    """Django's JSON encoder cuts times to milliseconds; the audit chain hashes microseconds."""

    def default(self, o: object) -> object:
        if isinstance(o, datetime | date | time):
            return o.isoformat()
        if isinstance(o, Decimal):
            return str(o)
        return super().default(o)


def to_json(document: object) -> bytes:
    return json.dumps(document, cls=_ExactJSONEncoder, ensure_ascii=False).encode()


# --- Backup -------------------------------------------------------------------------------------


def dump_database(using: str = DEFAULT_DB_ALIAS) -> bytes:
    """The whole database as one JSON document, every table read from the same snapshot."""
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError("a backup needs a transaction of its own; run it outside any other")
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            # Must be the transaction's first statement. Every table then comes from one
            # snapshot, as pg_dump does; SQLite's single transaction already gives one.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        objects: dict[str, list[dict[str, Any]]] = {
            model._meta.label_lower: serialize_rows(model, using) for model in backed_up_models()
        }
        # Read after the snapshot began: a key is committed before its record's rows, so every
        # record in the snapshot finds its key, unless it was shredded since, which is wanted.
        keys = erasure_keys_for(objects.get("keyring.sealedkey", []))
        header = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "migrations": applied_migrations(using),
            "counts": {label: len(rows) for label, rows in objects.items()},
        }
    rows = [row for model_rows in objects.values() for row in model_rows]
    return to_json({"header": header, "objects": rows, "erasure_keys": keys})


def erasure_keys_for(sealed_key_rows: list[dict[str, Any]]) -> list[list[str]]:
    """[record type, record id, base64 key] for each record a backed-up sealed copy belongs
    to: a shredded record's key is gone from the store, so no backup taken afterwards has it."""
    wanted = {(row["fields"]["record_type"], row["fields"]["record_id"]) for row in sealed_key_rows}
    return sorted(
        [record_type, record_id, base64.b64encode(key).decode("ascii")]
        for record_type, record_id, key in erasure.all_keys()
        if (record_type, record_id) in wanted
    )


def create_backup(out: Path, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Write a sealed archive of the whole database to `out`; return its (plain) header."""
    public_key = backup_public_key()  # refuse before reading anything
    document = dump_database(using)
    archive = seal_archive(zlib.compress(document), public_key)
    _write_private_file(out, archive)
    header: dict[str, Any] = json.loads(document)["header"]
    return header


def _write_private_file(path: Path, data: bytes) -> None:
    # A temporary file renamed into place: a crash or a full disk never leaves half an archive
    # under the final name, and the file is readable by its owner only from the start.
    directory = path.resolve().parent
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- Restore ------------------------------------------------------------------------------------


def read_archive(blob: bytes, keypair: KeyPair) -> dict[str, Any]:
    """Open, decompress and parse an archive. Raises CannotOpen (crypto) or BackupError."""
    compressed = open_archive(blob, keypair)
    try:
        document: dict[str, Any] = json.loads(zlib.decompress(compressed))
    except (zlib.error, ValueError):
        # It authenticated, so it was sealed to our key, but not by `sanctuary backup`.
        raise BackupError("the archive opened but does not hold a Sanctuary backup") from None
    if not isinstance(document, dict) or document.get("header", {}).get("format") != (
        FORMAT_VERSION
    ):
        raise BackupError("the archive is of an unknown backup format")
    return document


def restore_backup(document: dict[str, Any], using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Load an opened archive into this empty, migrated database in one transaction.

    Any failure rolls everything back: the database is left exactly as it was.
    """
    header = document["header"]
    with transaction.atomic(using=using):
        _check_same_schema(header["migrations"], using)
        _check_empty(using)
        # The keys are committed to their store first; should the rows fail to load, they
        # are orphans, which open nothing and harm nothing.
        _restore_erasure_keys(document.get("erasure_keys", []))
        _load(document["objects"], using)
        _reset_sequences(using)
    counts: dict[str, int] = header["counts"]
    return counts


def _check_same_schema(archived: dict[str, str], using: str) -> None:
    current = applied_migrations(using)
    if not current:
        raise BackupError("this database has no tables yet: run `sanctuary migrate` first")
    if current != archived:
        differing = sorted(
            f"{app}: backup {archived.get(app, 'none')}, database {current.get(app, 'none')}"
            for app in set(current) | set(archived)
            if current.get(app) != archived.get(app)
        )
        raise BackupError(
            "the backup was taken at another schema version; restore it with the Sanctuary "
            "release that wrote it, then upgrade. Differences: " + "; ".join(differing)
        )


def _check_empty(using: str) -> None:
    filled = [
        model._meta.label
        for model in backed_up_models()
        if model._base_manager.using(using).exists()
    ]
    if filled:
        raise BackupError(
            "restore only goes into an empty database (freshly migrated), and these tables "
            "have rows: " + ", ".join(filled)
        )


def _restore_erasure_keys(rows: list[list[str]]) -> None:
    try:
        keys = [
            (record_type, record_id, base64.b64decode(key)) for record_type, record_id, key in rows
        ]
    except (ValueError, TypeError):
        raise BackupError("the backup's erasure keys are malformed") from None
    erasure.put_many(keys)


def _load(objects: list[dict[str, Any]], using: str) -> None:
    connection = connections[using]
    try:
        # As loaddata does: rows go in in any order, then every foreign key is checked once.
        with connection.constraint_checks_disabled():
            for deserialized in _deserialize(objects, using):
                deserialized.save(using=using)
        connection.check_constraints(table_names=[m._meta.db_table for m in backed_up_models()])
    except (DeserializationError, DatabaseError) as error:
        raise BackupError(f"the backup's rows do not fit this database: {error}") from None


def _deserialize(objects: list[dict[str, Any]], using: str) -> Iterator[Any]:
    allowed = {model._meta.label_lower for model in backed_up_models()}
    for row in objects:
        if row.get("model") not in allowed:
            raise BackupError(f"the backup holds rows of an unexpected model: {row.get('model')}")
    return serializers.deserialize("python", objects, using=using, ignorenonexistent=False)


def _reset_sequences(using: str) -> None:
    # Rows came in with their own ids; PostgreSQL's sequences must move past them so that the
    # next row gets a fresh id. SQLite needs nothing (it follows the largest id itself).
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), backed_up_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
