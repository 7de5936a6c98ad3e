"""Every code the engine or the data can emit has an English, a Russian and a Ukrainian text."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings

from sanctuary.routes import engine
from sanctuary.routes.engine import advise
from sanctuary.routes.knowledge import SCHEMA_DIR, default_knowledge_base
from sanctuary.routes.messages import LANGUAGES, MESSAGES, VOCABULARY, placeholders, render
from sanctuary.routes.situation import Situation
from sanctuary.routes.tests.test_properties import situations

KB = default_knowledge_base()


def _engine_codes() -> set[str]:
    source = Path(engine.__file__).read_text(encoding="utf-8")
    return set(re.findall(r'(?:Reason|Warning)\(\s*"([a-z_]+)"', source))


def _risk_kinds() -> set[str]:
    schema = json.loads((SCHEMA_DIR / "facts.schema.json").read_text(encoding="utf-8"))
    kinds: set[str] = set()
    for branch in schema["$defs"]["rule"]["allOf"]:
        kind = branch["then"].get("properties", {}).get("kind", {})
        if branch["if"]["properties"]["type"].get("const") in ("risk", "exit_control"):
            kinds |= set(kind["enum"])
    return kinds


def test_it_has_every_language_with_the_same_params_for_every_code() -> None:
    assert set(LANGUAGES) == {"en", "ru", "uk"}
    for code, texts in MESSAGES.items():
        assert set(texts) == set(LANGUAGES), code
        for lang in LANGUAGES:
            assert placeholders(texts[lang]) == placeholders(texts["en"]), (code, lang)


def test_it_covers_every_code_the_engine_and_the_data_can_emit() -> None:
    codes = _engine_codes() | {f"risk_{kind}" for kind in _risk_kinds()} | KB.warning_codes()
    assert len(_engine_codes()) > 15
    assert codes <= set(MESSAGES), sorted(codes - set(MESSAGES))


def test_it_translates_every_enum_value_used_as_a_param() -> None:
    for value in (
        "internal_passport",
        "international_passport",
        "birth_certificate",
        "land",
        "air",
        "asylum",
        "humanitarian_visa",
        "residence_permit",
        "good",
        "limited",
        "poor",
    ):
        assert set(VOCABULARY[value]) == set(LANGUAGES)


@settings(max_examples=150, deadline=None)
@given(situations())
def test_it_fills_every_param_of_every_emitted_message(data: dict[str, object]) -> None:
    result = advise(Situation.from_dict(data), KB)
    for lang in LANGUAGES:
        rendered = result.to_dict(lang)
        texts = [w["text"] for w in rendered["warnings"]]
        for option in rendered["options"]:
            texts += [r["text"] for r in option["reasons"]]
            texts += [r["text"] for r in option["risks"]]
        for text in texts:
            assert "{" not in text and "}" not in text and text.strip(), text
    for warning in result.warnings:
        for lang in LANGUAGES:
            assert render(warning.code, dict(warning.params), lang, result.place_names)


def test_it_chooses_the_plural_form_by_the_number() -> None:
    from sanctuary.routes.messages import plural_index

    assert [plural_index(n, "ru") for n in (1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111)] == [
        0, 1, 1, 2, 2, 2, 2, 0, 1, 2, 0, 2,
    ]  # fmt: skip
    assert [plural_index(n, "en") for n in (0, 1, 2, 21)] == [1, 0, 1, 1]
    assert render("registration", {"days": 1}, "ru") == (
        "Адрес нужно зарегистрировать в течение 1 дня."
    )
    assert render("registration", {"days": 22}, "uk") == (
        "Адресу треба зареєструвати протягом 22 днів."
    )
    assert render("stay_days", {"days": 1}, "en") == "You may stay up to 1 day."


def test_it_gives_every_plural_the_forms_its_language_needs() -> None:
    import re

    forms_needed = {"en": 2, "ru": 3, "uk": 3}
    for code, texts in MESSAGES.items():
        for lang, text in texts.items():
            for spec in re.findall(r"\{[a-z_]+:([^}]*)\}", text):
                assert len(spec.split("|")) == forms_needed[lang], (code, lang, spec)
