"""Counselors' scenarios: a situation in plain words, what the answer must say and must not.

Each scenario is a dict: ``name`` (the counselor's own words), ``situation`` (fields over the
helpers' default: a civilian in Russia with only an internal passport on 2026-03-01), and
``must`` / ``must_not``: lists of checks. A check is a tuple whose first item names it:

- ``("verdict", "KZ-land", "unsafe")`` — the option exists with this verdict (or one of a tuple);
- ``("risk", "UZ-air", "handover", "high")`` — a documented risk of this kind (level or None);
- ``("default_risk", "UZ-air", "handover")`` — a prudent default of this kind;
- ``("reason", "AM-air", "exit_blocked")`` — a reason code on the option;
- ``("cites", "FR-air", "C-FR-001")`` — the option cites the fact;
- ``("option", "FI-land")`` — the route is offered at all;
- ``("warning", "current_country_unsafe")`` — a warning on the whole answer;
- ``("any_verdict", "recommended")`` — some option has this verdict;
- ``("stale", "A-KZ-001")`` — the answer names this fact as old (it decides a verdict);
- ``("above", "GE-air", "BY-land")`` — the first ranks above the second;
- ``("text", "ru", "допущение")`` — the rendered answer in that language contains the words;
- ``("protection", "DE-air", "asylum", "good")`` — the protection outlook shown;
- ``("here", "here_days_left", {"left": 57})`` — a line of "where you are now" (with params);
- ``("here_risk", "handover", "high")`` — a local risk where he is now;
- ``("explanation", "BY-land", "why_unsafe")`` — the option's one-line explanation;
- ``("explained", "ru")`` — every option carries a one-line explanation, rendered in that
  language;
- ``("warning_param", "summons_register_delivered", "date", "2026-12-07")`` — a warning with
  this parameter;
- ``("citation", "ru", "D-RU-003", "437")`` — the fact is cited with its own words in that
  language (its summary contains the words) and its source host and date.

``must_not`` negates each check; a check on a missing option is false, so ``must_not`` of
``("verdict", X, "recommended")`` also holds when X is not offered.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sanctuary.routes.engine import Advice, Option
from sanctuary.routes.tests.helpers import advice

Check = tuple[Any, ...]


def _option(result: Advice, option_id: str) -> Option | None:
    return next((o for o in result.options if o.id == option_id), None)


def _rendered(result: Advice, lang: str) -> str:
    return json.dumps(result.to_dict(lang), ensure_ascii=False)


def holds(result: Advice, check: Check) -> bool:
    """Whether ``check`` is true of ``result``."""
    name, *args = check
    if name == "warning":
        return any(w.code == args[0] for w in result.warnings)
    if name == "stale":
        return any(w.code == "stale_fact" and w.fact_ids == (args[0],) for w in result.warnings)
    if name == "any_verdict":
        return any(o.verdict == args[0] for o in result.options)
    if name == "here":
        # ("here", "code") or ("here", "code", {"param": value}): a line of "where you are now".
        lines = result.here.reasons if result.here else ()
        return any(
            r.code == args[0] and (len(args) < 2 or dict(r.params).items() >= args[1].items())
            for r in lines
        )
    if name == "here_risk":
        risks = result.here.risks if result.here else ()
        return any(r.kind == args[0] and (len(args) < 2 or r.level == args[1]) for r in risks)
    if name == "warning_param":
        return any(
            w.code == args[0] and dict(w.params).get(args[1]) == args[2] for w in result.warnings
        )
    if name == "explained":
        rendered = result.to_dict(args[0])["options"]
        return bool(rendered) and all(
            o["explanation"] and o["explanation"]["text"] for o in rendered
        )
    if name == "citation":
        cited = result.to_dict(args[0])["citations"].get(args[1])
        return (
            cited is not None
            and str(args[2]).lower() in cited["summary"].lower()
            and bool(cited["source_host"])
            and bool(cited["source_date"])
        )
    if name == "text":
        return str(args[1]).lower() in _rendered(result, args[0]).lower()
    if name == "above":
        ids = [o.id for o in result.options]
        return args[0] in ids and args[1] in ids and ids.index(args[0]) < ids.index(args[1])
    found = _option(result, args[0])
    if found is None:
        return False
    if name == "option":
        return True
    if name == "verdict":
        wanted = args[1] if isinstance(args[1], tuple) else (args[1],)
        return found.verdict in wanted
    if name == "risk":
        return any(
            r.kind == args[1] and not r.default and (args[2] is None or r.level == args[2])
            for r in found.risks
        )
    if name == "default_risk":
        return any(r.kind == args[1] and r.default for r in found.risks)
    if name == "reason":
        return any(r.code == args[1] for r in found.reasons)
    if name == "explanation":
        return found.explanation is not None and found.explanation.code == args[1]
    if name == "cites":
        return args[1] in found.citations
    if name == "protection":
        return any(
            r.code == "protection" and dict(r.params) == {"kind": args[1], "outlook": args[2]}
            for r in found.reasons
        )
    raise ValueError(f"unknown check {name!r}")


def failures(scenario: Mapping[str, Any]) -> list[str]:
    """Every check of the scenario that the engine's answer breaks, in words."""
    result = advice(**scenario["situation"])
    broken = [f"must: {check}" for check in scenario.get("must", ()) if not holds(result, check)]
    broken += [
        f"must not: {check}" for check in scenario.get("must_not", ()) if holds(result, check)
    ]
    return broken


def names(scenarios: Sequence[Mapping[str, Any]]) -> list[str]:
    return [scenario["name"] for scenario in scenarios]
