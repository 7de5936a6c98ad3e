import argparse
import io
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sanctuary.routes import cli
from sanctuary.routes.knowledge import KnowledgeError
from sanctuary.routes.messages import LANGUAGES
from sanctuary.routes.services import do_import_knowledge, export_knowledge


class Command(BaseCommand):
    help = (
        "check: validate the routes knowledge base (schema, references, dates) and list stale "
        "facts; exits non-zero on any error. advise FILE.json: print the advice for a "
        "situation as JSON. import: add the facts of the YAML files that the live database "
        "lacks (idempotent; facts already there are never overwritten). export --out DIR: "
        "write the live database back to YAML files shaped like data/."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        check = sub.add_parser("check", help="validate the knowledge base")
        check.add_argument("--data-dir", type=Path, help="another folder of YAML files")
        check.add_argument("--today", type=date.fromisoformat, help="judge staleness on this day")
        advise = sub.add_parser("advise", help="advice for a situation file")
        advise.add_argument("file", type=Path)
        advise.add_argument("--lang", choices=list(LANGUAGES), default="en")
        load = sub.add_parser("import", help="seed the live database from the YAML files")
        load.add_argument("--data-dir", type=Path, help="another folder of YAML files")
        dump = sub.add_parser("export", help="write the live database as YAML files")
        dump.add_argument("--out", type=Path, default=Path("routes-export"), help="folder")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import":
            self._import(options["data_dir"])
            return
        if options["subcommand"] == "export":
            self._export(options["out"])
            return
        # The pure CLI prints with print(); Django's OutputWrapper would add line endings.
        buffer = io.StringIO()
        if options["subcommand"] == "check":
            status = cli.check(options["data_dir"], options["today"], out=buffer)
        else:
            status = cli.advise(options["file"], out=buffer, lang=options["lang"])
        self.stdout.write(buffer.getvalue(), ending="")
        if status:
            sys.exit(status)

    def _import(self, data_dir: Path | None) -> None:
        try:
            result = do_import_knowledge(data_dir)
        except KnowledgeError as error:
            raise CommandError("\n".join(error.problems)) from None
        self.stdout.write(f"{result.created} facts added, {result.unchanged} already up to date")
        for fact_id in result.differing:
            self.stdout.write(
                f"kept: {fact_id} differs from the file; the live version stays (edit it "
                "through a proposal)"
            )

    def _export(self, out: Path) -> None:
        try:
            written = export_knowledge(out)
        except KnowledgeError as error:
            raise CommandError("\n".join(error.problems)) from None
        self.stdout.write(f"{len(written)} files written to {out}")
