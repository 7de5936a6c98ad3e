"""Command logic for ``sanctuary routes check`` and ``sanctuary routes advise FILE.json``.

Pure functions that write to ``out`` and return an exit status; the project's console script
parses arguments and dispatches here.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TextIO

from sanctuary.routes import engine
from sanctuary.routes.knowledge import (
    KnowledgeBase,
    KnowledgeError,
    default_knowledge_base,
    load,
)
from sanctuary.routes.messages import LANGUAGES, MESSAGES, placeholders
from sanctuary.routes.situation import Situation, SituationError


def message_problems(kb: KnowledgeBase) -> list[str]:
    """Warning codes in the data must have texts, and their params must fill the texts."""
    problems: list[str] = []
    for fact in kb.facts.values():
        for rule in fact.rules:
            if not rule.code:
                continue
            if rule.code not in MESSAGES:
                problems.append(f"{fact.origin}: rules.code: {rule.code!r} has no message text")
                continue
            given = {key for key, _ in rule.params}
            for lang in LANGUAGES:
                needed = placeholders(MESSAGES[rule.code][lang])
                if needed != given:
                    problems.append(
                        f"{fact.origin}: rules.params: {rule.code!r} ({lang}) needs "
                        f"{sorted(needed)}, the data gives {sorted(given)}"
                    )
    return problems


def check(
    data_dir: Path | None = None, today: dt.date | None = None, out: TextIO = sys.stdout
) -> int:
    """Validate the knowledge base; list stale facts; return 1 on any error, else 0."""
    today = today or dt.date.today()
    try:
        kb = load(data_dir, today)
    except KnowledgeError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=out)
        print(f"{len(error.problems)} error(s)", file=out)
        return 1
    problems = message_problems(kb)
    for problem in problems:
        print(f"error: {problem}", file=out)
    stale = sorted((fact for fact in kb.facts.values() if fact.is_stale(today)), key=lambda f: f.id)
    for fact in stale:
        age = (today - fact.last_verified).days
        print(
            f"stale: {fact.origin}: {fact.id} last verified {fact.last_verified} ({age} days ago)",
            file=out,
        )
    print(
        f"{len(kb.facts)} facts, {len(kb.places)} places, {len(kb.routes)} routes, "
        f"{len(stale)} stale, {len(problems)} error(s)",
        file=out,
    )
    return 1 if problems else 0


def advise(path: str | Path, out: TextIO = sys.stdout, lang: str = "en") -> int:
    """Print the advice for the situation in JSON file ``path``; 2 on bad input, 1 on bad data."""
    if lang not in LANGUAGES:
        print(f"error: lang: {lang!r} is not one of: {', '.join(LANGUAGES)}", file=out)
        return 2
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        print(f"error: {path}: {error}", file=out)
        return 2
    try:
        situation = Situation.from_dict(data)
    except SituationError as error:
        print(f"error: {path}: {error}", file=out)
        return 2
    try:
        kb = default_knowledge_base()
    except KnowledgeError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=out)
        return 1
    advice = engine.advise(situation, kb, checked_on=dt.date.today())
    json.dump(advice.to_dict(lang), out, ensure_ascii=False, indent=2)
    print(file=out)
    return 0
