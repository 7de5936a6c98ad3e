import argparse
import io
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from sanctuary.routes import cli


class Command(BaseCommand):
    help = (
        "check: validate the routes knowledge base (schema, references, dates) and list stale "
        "facts; exits non-zero on any error. advise FILE.json: print the advice for a "
        "situation as JSON."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        check = sub.add_parser("check", help="validate the knowledge base")
        check.add_argument("--data-dir", type=Path, help="another folder of YAML files")
        check.add_argument("--today", type=date.fromisoformat, help="judge staleness on this day")
        advise = sub.add_parser("advise", help="advice for a situation file")
        advise.add_argument("file", type=Path)
        advise.add_argument("--lang", choices=["en", "ru"], default="en")

    def handle(self, *args: Any, **options: Any) -> None:
        # The pure CLI prints with print(); Django's OutputWrapper would add line endings.
        buffer = io.StringIO()
        if options["subcommand"] == "check":
            status = cli.check(options["data_dir"], options["today"], out=buffer)
        else:
            status = cli.advise(options["file"], out=buffer, lang=options["lang"])
        self.stdout.write(buffer.getvalue(), ending="")
        if status:
            sys.exit(status)
