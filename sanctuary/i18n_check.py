"""Checks the translation catalogues: every string translated, nothing fuzzy, .mo up to date.

`python -m sanctuary.i18n_check` first refreshes the catalogues with makemessages when GNU
gettext is installed (CI installs it), so a string added without a translation fails here.
"""

import gettext
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("ru", "en", "uk")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False


def _unquote(line: str) -> str:
    text = line[line.index('"') + 1 : line.rindex('"')]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), text)


def parse_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] = ("msgid", 0)

    def finish() -> None:
        nonlocal entry
        if entry.msgid or entry.msgstr:
            entries.append(entry)
        entry = Entry()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,") and "fuzzy" in line:
            entry.fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural"):
            target = ("msgid_plural", 0)
            entry.msgid_plural = _unquote(line)
        elif line.startswith("msgid"):
            if entry.msgstr:
                finish()
            target = ("msgid", 0)
            entry.msgid = _unquote(line)
        elif line.startswith("msgstr"):
            index = int(line[7]) if line.startswith("msgstr[") else 0
            target = ("msgstr", index)
            entry.msgstr[index] = _unquote(line)
        elif line.startswith('"'):
            kind, index = target
            if kind == "msgstr":
                entry.msgstr[index] += _unquote(line)
            elif kind == "msgid_plural":
                entry.msgid_plural += _unquote(line)
            else:
                entry.msgid += _unquote(line)
    finish()
    return entries


def problems(language: str) -> list[str]:
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    found = []
    compiled = gettext.GNUTranslations(mo.open("rb"))
    for entry in parse_po(po):
        if not entry.msgid:
            continue
        label = f"{language}: {entry.msgid[:60]!r}"
        if entry.fuzzy:
            found.append(f"{label} is marked fuzzy")
        if not all(entry.msgstr.values()) or not entry.msgstr:
            found.append(f"{label} is not translated")
            continue
        if entry.msgid_plural:
            current = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
        else:
            current = compiled.gettext(entry.msgid)
        if current != entry.msgstr[0]:
            found.append(f"{label}: the .mo file is older than the .po file (make messages)")
    return found


def main() -> int:
    if shutil.which("xgettext"):
        import os

        import django
        from django.core.management import call_command

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanctuary.settings")
        django.setup()
        os.chdir(LOCALE_DIR.parent)
        call_command(
            "makemessages",
            locale=list(LANGUAGES),
            no_obsolete=True,
            no_location=True,
            verbosity=0,
        )
    else:
        print("GNU gettext is not installed: checking the committed catalogues only.")
    found = [problem for language in LANGUAGES for problem in problems(language)]
    for problem in found:
        print(problem)
    print(f"translation catalogues: {len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
