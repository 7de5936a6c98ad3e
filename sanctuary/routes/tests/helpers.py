"""Building situations and advice for the routes tests."""

from __future__ import annotations

from typing import Any

from sanctuary.routes.engine import Advice, Option, advise
from sanctuary.routes.knowledge import default_knowledge_base
from sanctuary.routes.situation import Situation

VALID_PASSPORT = {"expires": "2031-01-01"}


def situation(**fields: Any) -> Situation:
    """A civilian in Russia with only an internal passport, changed by ``fields``."""
    data: dict[str, Any] = {
        "status": "civilian",
        "location": {"kind": "russia"},
        "documents": {"internal_passport": True, "international_passport": None},
        "today": "2026-03-01",
    }
    data.update(fields)
    return Situation.from_dict(data)


def advice(**fields: Any) -> Advice:
    return advise(situation(**fields), default_knowledge_base())


def option(result: Advice, destination: str, mode: str) -> Option:
    found = result.option(destination, mode)
    assert found is not None, f"no option {destination}-{mode}"
    return found


def risk_level(found: Option, kind: str) -> str | None:
    return next((risk.level for risk in found.risks if risk.kind == kind), None)


def risk_facts(found: Option, kind: str) -> tuple[str, ...]:
    return next((risk.fact_ids for risk in found.risks if risk.kind == kind), ())


def reason_codes(found: Option) -> set[str]:
    return {reason.code for reason in found.reasons}


def reason_facts(found: Option, code: str) -> tuple[str, ...]:
    return next((reason.fact_ids for reason in found.reasons if reason.code == code), ())


def warning_codes(result: Advice) -> set[str]:
    return {warning.code for warning in result.warnings}


def warning_facts(result: Advice, code: str) -> tuple[str, ...]:
    return next((w.fact_ids for w in result.warnings if w.code == code), ())


def check_options(client: Any, answers: dict[str, Any], lang: str = "ru") -> Any:
    """The options check as a browser sends it: the empty form fetched for its token, then the
    answers POSTed with it."""
    import re

    from django.urls import reverse
    from django.utils import translation

    with translation.override(lang):
        url = reverse("options:check")
    match = re.search(r'name="form_token" value="([^"]+)"', client.get(url).content.decode())
    assert match, "the options check has no form token"
    return client.post(url, {**answers, "form_token": match[1]})
