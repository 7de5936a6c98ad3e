import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.keyring.backup import BackupError, create_backup, new_backup_key_lines
from sanctuary.keyring.crypto import KeyringError


class Command(BaseCommand):
    help = (
        "create --out FILE: write a consistent archive of the whole database, sealed to "
        "BACKUP_PUBLIC_KEY; this server cannot read it back. keygen: print a new backup key "
        "pair; the public key goes in this server's environment, the secret key offline."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create_parser = sub.add_parser("create", help="write a sealed backup archive")
        create_parser.add_argument(
            "--out", type=Path, required=True, help="the archive file to write (mode 0600)"
        )
        sub.add_parser("keygen", help="print a new backup key pair")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "keygen":
            self.keygen()
            return
        try:
            header = create_backup(options["out"])
        except (BackupError, KeyringError) as error:
            raise CommandError(f"backup refused: {error}") from None
        rows = sum(header["counts"].values())
        record(Action.BACKUP_CREATED, actor=None, details={"rows": rows})
        self.stdout.write(f"backup written to {options['out']}: {rows} rows, sealed")

    def keygen(self) -> None:
        public_line, secret_line = new_backup_key_lines()
        self.stderr.write(
            "New backup key pair. Put the first line in the server's environment. Keep the "
            "second OFFLINE (password manager, paper in a safe, an encrypted USB stick) and "
            "never on the server: whoever holds it can read every backup."
        )
        self.stdout.write(public_line)
        self.stdout.write(secret_line)
