import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sanctuary.audit.services import Checkpoint, head_checkpoint, verify


class Command(BaseCommand):
    help = (
        "verify: check the audit log's keyed hash chain and name the first bad entry. "
        "checkpoint: print (or write to a file) the head of the chain; keep it off this server "
        "and pass it to verify to catch entries removed from the end."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify_parser = sub.add_parser("verify", help="verify the chain")
        verify_parser.add_argument("--checkpoint", type=Path, help="a file written by checkpoint")
        checkpoint_parser = sub.add_parser("checkpoint", help="print the chain's head")
        checkpoint_parser.add_argument("--out", type=Path, help="write it to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "checkpoint":
            checkpoint = head_checkpoint()
            if options["out"]:
                options["out"].write_text(checkpoint.dump())
            self.stdout.write(checkpoint.dump(), ending="")
            return
        saved = Checkpoint.load(options["checkpoint"]) if options["checkpoint"] else None
        problem = verify(saved)
        if problem is not None:
            raise CommandError(f"audit log broken at entry #{problem.seq}: {problem.reason}")
        self.stdout.write("audit log intact")
