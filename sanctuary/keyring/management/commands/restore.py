import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sanctuary.audit.models import Action
from sanctuary.audit.services import record, verify
from sanctuary.keyring.backup import (
    BackupError,
    backup_secret_keypair,
    read_archive,
    restore_backup,
)
from sanctuary.keyring.crypto import KeyringError


class Command(BaseCommand):
    help = (
        "Restore a sealed backup into an empty, freshly migrated database, in one transaction. "
        "The backup secret key comes from --secret-key-file, BACKUP_SECRET_KEY_FILE or "
        "BACKUP_SECRET_KEY; set those for this command only, never in the server's environment."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("archive", type=Path, help="a file written by `backup create`")
        parser.add_argument(
            "--secret-key-file", type=Path, help="a file holding the backup secret key"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            keypair = backup_secret_keypair(options["secret_key_file"])
            document = read_archive(self.read(options["archive"]), keypair)
            counts = restore_backup(document)
        except (BackupError, KeyringError) as error:
            raise CommandError(f"restore refused, nothing was changed: {error}") from None
        created = document["header"]["created_at"]
        self.stdout.write(f"restored {sum(counts.values())} rows from the backup of {created}")
        self.report_audit_chain()
        # Written after the check, so the restored chain is verified as it was backed up.
        record(Action.BACKUP_RESTORED, actor=None, details={"rows": sum(counts.values())})

    def read(self, path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as error:
            raise BackupError(f"cannot read {path}: {error.strerror}") from None

    def report_audit_chain(self) -> None:
        # The restore is committed by now; a broken chain here most often means this server's
        # AUDIT_KEY differs from the one the backed-up server used.
        problem = verify()
        if problem is None:
            self.stdout.write("audit log intact")
            return
        self.stderr.write(
            f"WARNING: audit log broken at entry #{problem.seq}: {problem.reason}. "
            "Is AUDIT_KEY the same as on the server that was backed up?"
        )
