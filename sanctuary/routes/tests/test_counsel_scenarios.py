"""The scenario suite, written as counselors write them (see ``counsel.py`` for the checks).

Every error class of issue 14 that this branch addresses has several scenarios here:
3 (a missing fact read as safety), 4 (protection by profile), 5 (a summons in the register and
the exit ban).
"""

from __future__ import annotations

from typing import Any

import pytest

from sanctuary.routes.tests.counsel import failures, names

PASSPORT = {"internal_passport": True, "international_passport": {"expires": "2031-01-01"}}
NO_PASSPORT = {"internal_passport": True, "international_passport": None}
LATE_2026 = "2026-12-03"


def abroad(country: str) -> dict[str, str]:
    return {"kind": "abroad", "country": country}


SCENARIOS: list[dict[str, Any]] = [
    # --- Error class 3: a missing fact must not read as safety -------------------------------
    {
        "name": "wanted deserter in Georgia with a passport asks about Uzbekistan and Tajikistan",
        "situation": {
            "status": "deserter",
            "criminal_case": "wanted",
            "documents": PASSPORT,
            "location": abroad("GE"),
            "today": LATE_2026,
        },
        "must": [
            ("verdict", "UZ-air", "unsafe"),
            ("default_risk", "UZ-air", "handover"),
            ("reason", "UZ-air", "basis_cis_search"),
            ("verdict", "TJ-air", "unsafe"),
            ("default_risk", "TJ-air", "handover"),
            ("text", "en", "a prudent default, not a documented case"),
            ("text", "ru", "осторожное допущение, а не задокументированный случай"),
            ("text", "uk", "обережне припущення, а не задокументований випадок"),
        ],
        "must_not": [
            ("verdict", "UZ-air", ("recommended", "possible")),
            ("verdict", "TJ-air", ("recommended", "possible")),
            ("risk", "UZ-air", "handover", None),
        ],
    },
    {
        "name": "wanted activist in Turkey flying to Uzbekistan is not told it is possible",
        "situation": {
            "status": "abroad",
            "criminal_case": "wanted",
            "public_activism": True,
            "documents": PASSPORT,
            "location": abroad("TR"),
            "today": LATE_2026,
        },
        "must": [("verdict", "UZ-air", "unsafe"), ("default_risk", "UZ-air", "handover")],
        "must_not": [("verdict", "UZ-air", ("recommended", "possible"))],
    },
    {
        "name": "a documented handover in Kazakhstan decides; no default is added on top",
        "situation": {"status": "deserter", "criminal_case": "wanted", "today": LATE_2026},
        "must": [("verdict", "KZ-land", "unsafe"), ("risk", "KZ-land", "handover", "high")],
        "must_not": [
            ("default_risk", "KZ-land", "handover"),
            ("reason", "KZ-land", "basis_cis_search"),
        ],
    },
    {
        "name": "a man with no criminal case gets no CIS default in Uzbekistan",
        "situation": {"status": "civilian", "documents": PASSPORT, "today": LATE_2026},
        "must": [("verdict", "UZ-air", ("recommended", "possible"))],
        "must_not": [("default_risk", "UZ-air", "handover"), ("verdict", "UZ-air", "unsafe")],
    },
    {
        "name": "an open case (not yet wanted): Uzbekistan is a medium default, not safe",
        "situation": {
            "status": "abroad",
            "criminal_case": "opened",
            "documents": PASSPORT,
            "location": abroad("TR"),
            "today": LATE_2026,
        },
        "must": [("verdict", "UZ-air", "possible"), ("default_risk", "UZ-air", "handover")],
        "must_not": [("verdict", "UZ-air", "recommended")],
    },
    {
        "name": "a deserter without a case: allied Tajikistan is a CSTO default, never recommended",
        "situation": {"status": "deserter", "documents": PASSPORT, "today": LATE_2026},
        "must": [("default_risk", "TJ-air", "handover"), ("reason", "TJ-air", "basis_csto")],
        "must_not": [
            ("verdict", "TJ-air", "recommended"),
            ("reason", "TJ-air", "basis_cis_search"),
        ],
    },
    {
        "name": "wanted deserter already in Uzbekistan is told where he is may not be safe",
        "situation": {
            "status": "deserter",
            "criminal_case": "wanted",
            "documents": PASSPORT,
            "location": abroad("UZ"),
            "today": LATE_2026,
        },
        "must": [
            ("warning", "current_country_unsafe_default"),
            ("text", "en", "This is a default, not a documented case"),
        ],
        "must_not": [("warning", "current_country_unsafe")],
    },
    {
        "name": "wanted deserter in Kazakhstan: the documented handovers, not a default",
        "situation": {
            "status": "deserter",
            "criminal_case": "wanted",
            "location": abroad("KZ"),
            "today": LATE_2026,
        },
        "must": [("warning", "current_country_unsafe")],
        "must_not": [("warning", "current_country_unsafe_default")],
    },
    {
        "name": "a man with a summons who goes to Belarus is told he may be stuck there",
        "situation": {
            "status": "summons_received",
            "summons": {"kind": "paper", "date": "2026-11-20"},
            "today": LATE_2026,
        },
        "must": [("default_risk", "BY-land", "trap"), ("reason", "BY-land", "basis_union_state")],
        "must_not": [("verdict", "BY-land", ("recommended", "possible"))],
    },
    {
        "name": "a civilian with nothing against him is not frightened with Union State defaults",
        "situation": {"status": "civilian", "today": LATE_2026},
        "must": [("option", "BY-land")],
        "must_not": [
            ("default_risk", "BY-land", "trap"),
            ("default_risk", "BY-land", "handover"),
        ],
    },
    {
        "name": "a wanted deserter in Armenia: the documented abduction decides, not a default",
        "situation": {"status": "deserter", "criminal_case": "wanted", "today": LATE_2026},
        "must": [("verdict", "AM-air", "unsafe"), ("risk", "AM-air", "abduction", "high")],
        "must_not": [("default_risk", "AM-air", "handover")],
    },
    {
        "name": "in Russian the default names the danger in words, not as a code",
        "situation": {
            "status": "deserter",
            "criminal_case": "wanted",
            "documents": PASSPORT,
            "location": abroad("GE"),
            "today": LATE_2026,
        },
        "must": [("text", "ru", "исходим из риска: выдача России"), ("text", "uk", "видача Росії")],
        "must_not": [("text", "ru", "{kind}"), ("text", "en", "risk of handover.")],
    },
    # --- Error class 1: where he is now, and since when --------------------------------------
    {
        "name": "a man in Kazakhstan since 1 November: 90 days, 57 left, and registration is late",
        "situation": {
            "status": "civilian",
            "location": abroad("KZ") | {"since": "2026-11-01"},
            "today": LATE_2026,
        },
        "must": [
            ("here", "here_days_left", {"days": 90, "left": 57, "date": "2027-01-29"}),
            ("here", "here_period", {"per_days": 180}),
            ("here", "here_register_passed", {"days": 30, "date": "2026-12-01"}),
            ("text", "ru", "осталось 57 дней"),
            ("text", "uk", "залишилося 57 днів"),
            ("text", "en", "57 days left"),
        ],
        "must_not": [("here", "here_overstay"), ("here", "here_register_by")],
    },
    {
        "name": "in Kazakhstan for 100 days: he is told he has overstayed, not that days are left",
        "situation": {
            "status": "civilian",
            "location": abroad("KZ") | {"since": "2026-08-26"},
            "today": LATE_2026,
        },
        "must": [("here", "here_overstay", {"days": 90}), ("text", "ru", "сверх срока")],
        "must_not": [("here", "here_days_left")],
    },
    {
        "name": "in Kazakhstan for 89 days: one day left, in the singular",
        "situation": {
            "status": "civilian",
            "location": abroad("KZ") | {"since": "2026-09-06"},
            "today": LATE_2026,
        },
        "must": [
            ("here", "here_days_left", {"left": 1}),
            ("text", "ru", "осталось 1 день"),
            ("text", "en", "1 day left"),
        ],
        "must_not": [("text", "ru", "1 дней"), ("text", "en", " 1 days")],
    },
    {
        "name": "arrived in Georgia three days ago: 365 days, and no registration duty is invented",
        "situation": {
            "status": "civilian",
            "documents": PASSPORT,
            "location": abroad("GE") | {"since": "2026-12-01"},
            "today": LATE_2026,
        },
        "must": [("here", "here_days_left", {"days": 365, "left": 362})],
        "must_not": [("here", "here_register_by"), ("here", "here_register_passed")],
    },
    {
        "name": "in Serbia since yesterday: registration deadline is named with its date",
        "situation": {
            "status": "civilian",
            "documents": PASSPORT,
            "location": abroad("RS") | {"since": "2026-12-02"},
            "today": LATE_2026,
        },
        "must": [("here", "here_register_by")],
        "must_not": [("here", "here_register_passed")],
    },
    {
        "name": "abroad without saying since when: he is asked for the day he arrived",
        "situation": {"status": "civilian", "location": abroad("KZ"), "today": LATE_2026},
        "must": [("here", "here_since_unknown"), ("here", "stay_days_in_period")],
        "must_not": [("here", "here_days_left")],
    },
    {
        "name": "a deserter in Kazakhstan hears the local dangers for him in the here section",
        "situation": {"status": "deserter", "location": abroad("KZ"), "today": LATE_2026},
        "must": [("here_risk", "handover", "high"), ("warning", "current_country_unsafe")],
    },
    {
        "name": "a man still in Russia gets no 'where you are now' section",
        "situation": {"status": "civilian", "today": LATE_2026},
        "must_not": [("here", "no_stay_fact"), ("here", "here_since_unknown")],
    },
    # --- Error class 7: routes start where he is, with that country's exit risks ------------
    {
        "name": "from Kazakhstan: no land route to Abkhazia, Belarus or Finland is offered",
        "situation": {
            "status": "civilian",
            "documents": PASSPORT,
            "location": abroad("KZ"),
            "today": LATE_2026,
        },
        "must": [("option", "GE-air"), ("option", "AM-air")],
        "must_not": [
            ("option", "abkhazia-land"),
            ("option", "BY-land"),
            ("option", "FI-land"),
            ("option", "south-ossetia-land"),
            ("option", "KZ-air"),
        ],
    },
    {
        "name": "from Serbia: only flights, never Russia's land borders",
        "situation": {
            "status": "abroad",
            "documents": PASSPORT,
            "location": abroad("RS"),
            "today": LATE_2026,
        },
        "must": [("option", "ME-air"), ("option", "TR-air")],
        "must_not": [("option", "GE-land"), ("option", "EE-land"), ("option", "MN-land")],
    },
    {
        "name": "from Georgia: Armenia by land is a real crossing",
        "situation": {
            "status": "abroad",
            "documents": PASSPORT,
            "location": abroad("GE"),
            "today": LATE_2026,
        },
        "must": [("option", "AM-land")],
        "must_not": [("option", "KZ-land")],
    },
    {
        "name": "deserter in Kazakhstan, case only likely: flights out carry the airport risk",
        "situation": {
            "status": "deserter",
            "criminal_case": "likely",
            "documents": PASSPORT,
            "location": abroad("KZ"),
            "today": LATE_2026,
        },
        "must": [
            ("risk", "IL-air", "departure_check", "high"),
            ("risk", "AE-air", "departure_check", "high"),
            ("risk", "TR-air", "departure_check", "high"),
            ("text", "en", "border control of the country you are in"),
        ],
        "must_not": [
            ("verdict", "IL-air", "recommended"),
            ("verdict", "AE-air", "recommended"),
            ("verdict", "TR-air", "recommended"),
        ],
    },
    {
        "name": "a civilian in Georgia: no departure risk is put on his flights",
        "situation": {
            "status": "abroad",
            "documents": PASSPORT,
            "location": abroad("GE"),
            "today": LATE_2026,
        },
        "must": [("any_verdict", "recommended")],
        "must_not": [("risk", "TR-air", "departure_check", None)],
    },
    # --- Error class 2: his age, what he wants, a claim already made ------------------------
    {
        "name": "a 35-year-old with a summons is not offered alternative civilian service",
        "situation": {
            "status": "summons_received",
            "summons": {"kind": "paper", "date": "2026-11-20"},
            "age": 35,
            "today": LATE_2026,
        },
        "must": [("warning", "exit_ban_after_summons")],
        "must_not": [("warning", "alternative_service"), ("warning", "exposure_evasion")],
    },
    {
        "name": "a 19-year-old with a summons hears of alternative service and Article 328",
        "situation": {
            "status": "summons_received",
            "summons": {"kind": "paper", "date": "2026-11-20"},
            "age": 19,
            "today": LATE_2026,
        },
        "must": [("warning", "alternative_service"), ("warning", "exposure_evasion")],
    },
    {
        "name": "a 29-year-old in 2023 was past conscription age; in 2024 he would not be",
        "situation": {
            "status": "civilian",
            "age": 29,
            "today": "2023-06-01",
        },
        "must_not": [("warning", "alternative_service")],
    },
    {
        "name": "a civilian who wants months abroad sees Georgia's 365 days above 30-day Serbia",
        "situation": {
            "status": "abroad",
            "documents": PASSPORT,
            "location": abroad("TR"),
            "wants": "months",
            "today": LATE_2026,
        },
        "must": [("above", "GE-air", "RS-air"), ("above", "GE-air", "ME-air")],
    },
    {
        "name": "a deserter who wants to settle sees France above Serbia",
        "situation": {
            "status": "deserter",
            "documents": PASSPORT,
            "location": abroad("TR"),
            "wants": "settle",
            "today": LATE_2026,
        },
        "must": [("above", "FR-air", "DE-air"), ("protection", "FR-air", "asylum", "good")],
    },
    {
        "name": "a man with a pending claim in Germany is told to ask his lawyer before travelling",
        "situation": {
            "status": "deserter",
            "documents": PASSPORT,
            "location": abroad("DE") | {"since": "2026-06-01"},
            "protection_claim": {"country": "DE", "date": "2026-06-10"},
            "today": LATE_2026,
        },
        "must": [("here", "here_claim_pending"), ("text", "ru", "отъезд может прекратить")],
    },
    {
        "name": "a claim made elsewhere is not reported as pending where he is now",
        "situation": {
            "status": "deserter",
            "documents": PASSPORT,
            "location": abroad("TR"),
            "protection_claim": {"country": "DE", "date": "2026-06-10"},
            "today": LATE_2026,
        },
        "must_not": [("here", "here_claim_pending")],
    },
    # --- Error class 4: the protection outlook depends on who asks ---------------------------
    {
        "name": "a deserter in Turkey: France's asylum court makes the outlook good there",
        "situation": {
            "status": "deserter",
            "documents": PASSPORT,
            "location": abroad("TR"),
            "today": LATE_2026,
        },
        "must": [
            ("protection", "FR-air", "asylum", "good"),
            ("cites", "FR-air", "C-FR-001"),
            ("protection", "DE-air", "asylum", "limited"),
            ("cites", "DE-air", "C-DE-003"),
            ("cites", "DE-air", "C-DE-007"),
        ],
        "must_not": [
            ("protection", "FR-air", "asylum", "limited"),
            ("protection", "DE-air", "asylum", "poor"),
        ],
    },
    {
        "name": "a man with a summons in Turkey: Germany is poor for him, unlike for deserters",
        "situation": {
            "status": "summons_received",
            "summons": {"kind": "electronic", "date": "2026-10-01"},
            "documents": PASSPORT,
            "location": abroad("TR"),
            "today": LATE_2026,
        },
        "must": [("protection", "DE-air", "asylum", "poor"), ("cites", "DE-air", "C-DE-004")],
        "must_not": [
            ("protection", "DE-air", "asylum", "good"),
            ("protection", "DE-air", "asylum", "limited"),
        ],
    },
    {
        "name": "the same evader in France: proof of the call-up makes the CNDA doctrine apply",
        "situation": {
            "status": "summons_received",
            "summons": {"kind": "paper", "date": "2026-10-01"},
            "documents": PASSPORT,
            "location": abroad("TR"),
            "today": LATE_2026,
        },
        "must": [("protection", "FR-air", "asylum", "good")],
    },
    {
        "name": "a mobilised man who leaves claims as a deserter in Germany, not as a reservist",
        "situation": {
            "status": "mobilized",
            "documents": PASSPORT,
            "location": abroad("AM"),
            "today": LATE_2026,
        },
        "must": [("protection", "DE-air", "asylum", "limited")],
        "must_not": [("protection", "DE-air", "asylum", "poor")],
    },
    {
        "name": "a mobilised man and Finland: its practice for mobilisation refusers is poor",
        "situation": {
            "status": "mobilized",
            "documents": PASSPORT,
            "location": abroad("AM"),
            "today": LATE_2026,
        },
        "must": [("protection", "FI-air", "asylum", "poor"), ("cites", "FI-air", "C-FI-001")],
        "must_not": [("protection", "FI-air", "asylum", "good")],
    },
    {
        "name": "a civilian with no call-up in Germany: the low grant rate for men his age",
        "situation": {
            "status": "civilian",
            "documents": PASSPORT,
            "location": abroad("RS"),
            "today": LATE_2026,
        },
        "must": [("protection", "DE-air", "asylum", "poor")],
        "must_not": [("protection", "FR-air", "asylum", "good")],
    },
    {
        "name": "a deserter in Kazakhstan: eleven refused deserters make asylum there poor",
        "situation": {"status": "deserter", "location": abroad("AM"), "today": LATE_2026},
        "must": [("protection", "KZ-air", "asylum", "poor"), ("cites", "KZ-air", "D-KZ-007")],
        "must_not": [("protection", "KZ-air", "asylum", "good"), ("option", "KZ-land")],
    },
    {
        "name": "a deserter asking about Czechia gets the EU law outlook, not a made-up practice",
        "situation": {
            "status": "deserter",
            "documents": PASSPORT,
            "location": abroad("TR"),
            "today": LATE_2026,
        },
        "must": [("protection", "CZ-air", "asylum", "limited"), ("cites", "CZ-air", "C-QD-001")],
        "must_not": [("protection", "CZ-air", "asylum", "good")],
    },
    {
        "name": "a German outlook of 2026 for a deserter differs from the 2022 minister's words",
        "situation": {
            "status": "deserter",
            "documents": PASSPORT,
            "location": abroad("TR"),
            "today": "2022-10-15",
        },
        "must": [("protection", "DE-air", "asylum", "good"), ("cites", "DE-air", "C-DE-002")],
    },
    # --- Error class 8: children are checked on every route ---------------------------------
    {
        "name": "a family whose 8-year-old has only a birth certificate is not sent to Armenia",
        "situation": {
            "status": "civilian",
            "companions": [{"relation": "child", "age": 8, "birth_certificate": True}],
            "today": LATE_2026,
        },
        "must": [
            ("reason", "AM-air", "no_child_rule"),
            ("verdict", "KZ-land", "not_possible"),
            ("reason", "KZ-land", "child_needs_document"),
            ("text", "ru", "нет проверенного правила о том, какие документы нужны детям"),
        ],
        "must_not": [("verdict", "AM-air", "recommended"), ("any_verdict", "recommended")],
    },
    {
        "name": "a family whose child has a passport can fly to Kyrgyzstan after January 2026",
        "situation": {
            "status": "civilian",
            "companions": [{"relation": "child", "age": 8, "international_passport": True}],
            "today": LATE_2026,
        },
        "must": [("reason", "KG-air", "child_document_ok")],
        "must_not": [("verdict", "KG-air", "not_possible")],
    },
    {
        "name": "a 15-year-old travels on his own internal passport: no child rule is needed",
        "situation": {
            "status": "civilian",
            "companions": [{"relation": "child", "age": 15}],
            "today": LATE_2026,
        },
        "must_not": [("reason", "AM-air", "no_child_rule"), ("verdict", "KZ-land", "not_possible")],
    },
    {
        "name": "a couple without children: no child line anywhere",
        "situation": {
            "status": "civilian",
            "companions": [{"relation": "partner", "age": 30}],
            "today": LATE_2026,
        },
        "must_not": [("reason", "AM-air", "no_child_rule"), ("text", "en", "children under 14")],
    },
    # --- Error class 11: staleness where it matters ------------------------------------------
    {
        "name": "late 2026: the answer names old facts behind its verdicts, each with its age",
        "situation": {"status": "civilian", "today": LATE_2026},
        "must": [
            ("warning", "stale_fact"),
            ("stale", "A-TJ-001"),
            ("text", "en", "was last checked 276 days ago"),
        ],
        "must_not": [("warning", "stale_facts"), ("text", "en", "more than 180 days")],
    },
    {
        "name": "the facts read again today decide Uzbekistan's default and are not called old",
        "situation": {
            "status": "deserter",
            "criminal_case": "wanted",
            "documents": PASSPORT,
            "location": abroad("GE"),
            "today": LATE_2026,
        },
        "must": [("verdict", "UZ-air", "unsafe"), ("cites", "UZ-air", "D-CIS-002")],
        "must_not": [("stale", "D-CIS-002"), ("stale", "C-FR-001")],
    },
    # --- Statuses and places, as counselors meet them ----------------------------------------
    {
        "name": "a contract soldier who left his unit and holds only his internal passport",
        "situation": {
            "status": "deserter",
            "left_unit_date": "2026-11-20",
            "today": LATE_2026,
        },
        "must": [
            ("verdict", "GE-land", "not_possible"),
            ("warning", "servicemen_without_passport"),
            ("warning", "exposure_awol"),
        ],
        "must_not": [("any_verdict", "recommended")],
    },
    {
        "name": "a conscript still serving asks about leaving: he is treated as a future deserter",
        "situation": {"status": "conscript", "today": LATE_2026},
        "must": [("verdict", "AM-air", "unsafe"), ("risk", "AM-air", "abduction", "high")],
        "must_not": [("verdict", "AM-air", "recommended")],
    },
    {
        "name": "a man in captivity gets no routes, only a counselor",
        "situation": {"status": "captivity", "today": LATE_2026},
        "must": [("warning", "captivity_no_routes")],
        "must_not": [("option", "GE-air"), ("option", "KZ-land")],
    },
    {
        "name": "Abkhazia is never a refuge, even for a civilian",
        "situation": {"status": "civilian", "today": LATE_2026},
        "must": [
            ("verdict", "abkhazia-land", "unsafe"),
            ("risk", "abkhazia-land", "russian_control", "high"),
        ],
        "must_not": [("verdict", "abkhazia-land", ("recommended", "possible"))],
    },
    {
        "name": "Finland's land border is closed in 2026, whatever his papers",
        "situation": {"status": "civilian", "documents": PASSPORT, "today": LATE_2026},
        "must": [("verdict", "FI-land", "not_possible"), ("reason", "FI-land", "entry_closed")],
    },
    {
        "name": "an expired foreign passport counts as none: Georgia is not possible",
        "situation": {
            "status": "civilian",
            "documents": {
                "internal_passport": True,
                "international_passport": {"expires": "2026-01-01"},
            },
            "today": LATE_2026,
        },
        "must": [("warning", "passport_expired"), ("verdict", "GE-air", "not_possible")],
    },
    {
        "name": "a publicly known activist is warned about Georgia's refusals at the border",
        "situation": {
            "status": "civilian",
            "public_activism": True,
            "documents": PASSPORT,
            "today": LATE_2026,
        },
        "must": [("risk", "GE-air", "refusal_at_border", "high")],
        "must_not": [("verdict", "GE-air", "recommended")],
    },
    {
        "name": "a wanted activist in Russia cannot use his foreign passport: it must be handed in",
        "situation": {
            "status": "civilian",
            "criminal_case": "wanted",
            "public_activism": True,
            "documents": PASSPORT,
            "today": LATE_2026,
        },
        "must": [("warning", "document_invalidated"), ("verdict", "TR-air", "not_possible")],
    },
    # --- Error class 5: a summons in the register and the exit ban ---------------------------
    {
        "name": "electronic summons in the register, passport in hand: every border stops him",
        "situation": {
            "status": "summons_received",
            "summons": {"kind": "electronic", "date": "2026-11-25"},
            "documents": PASSPORT,
            "today": LATE_2026,
        },
        "must": [
            ("verdict", "GE-land", "exit_blocked"),
            ("verdict", "AM-air", "exit_blocked"),
            ("verdict", "TR-air", "exit_blocked"),
            ("reason", "GE-land", "exit_blocked"),
            ("warning", "exit_ban_from_sending"),
            ("text", "en", "stopped at the Russian border post"),
            ("text", "ru", "На российском пункте пропуска вас, скорее всего, остановят"),
        ],
        "must_not": [
            ("any_verdict", "recommended"),
            ("any_verdict", "possible"),
            ("risk", "GE-land", "exit_ban", None),
        ],
    },
    {
        "name": "paper summons served in 2024: the exit ban is the verdict for Kazakhstan",
        "situation": {
            "status": "summons_received",
            "summons": {"kind": "paper", "date": "2024-03-01"},
            "today": "2024-03-10",
        },
        "must": [("verdict", "KZ-land", "exit_blocked"), ("reason", "KZ-land", "exit_blocked")],
        "must_not": [("verdict", "KZ-land", ("recommended", "possible"))],
    },
    {
        "name": "paper summons in October 2022, before the exit-ban law: no exit-blocked verdict",
        "situation": {
            "status": "summons_received",
            "summons": {"kind": "paper", "date": "2022-09-25"},
            "today": "2022-10-01",
        },
        "must": [("verdict", "KZ-land", "possible"), ("warning", "draft_points_at_border")],
        "must_not": [("any_verdict", "exit_blocked")],
    },
    {
        "name": "a summons but already abroad in Georgia: the Russian exit ban no longer blocks",
        "situation": {
            "status": "summons_received",
            "summons": {"kind": "electronic", "date": "2026-11-25"},
            "documents": PASSPORT,
            "location": abroad("GE"),
            "today": LATE_2026,
        },
        "must_not": [("any_verdict", "exit_blocked"), ("reason", "AM-air", "exit_blocked")],
    },
    {
        "name": "a summons and no document for Georgia: not possible comes before the exit ban",
        "situation": {
            "status": "summons_received",
            "summons": {"kind": "electronic", "date": "2026-11-25"},
            "today": LATE_2026,
        },
        "must": [("verdict", "GE-land", "not_possible"), ("verdict", "KZ-land", "exit_blocked")],
    },
    {
        "name": "a summons in occupied territory: Russian exit control applies there too",
        "situation": {
            "status": "summons_received",
            "summons": {"kind": "electronic", "date": "2026-11-25"},
            "location": {"kind": "occupied"},
            "documents": PASSPORT,
            "today": LATE_2026,
        },
        "must": [("verdict", "GE-air", "exit_blocked")],
        "must_not": [("any_verdict", "recommended")],
    },
    {
        "name": "no summons at all: no route is marked as stopped at the border",
        "situation": {"status": "civilian", "documents": PASSPORT, "today": LATE_2026},
        "must": [("any_verdict", "recommended")],
        "must_not": [("any_verdict", "exit_blocked")],
    },
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=names(SCENARIOS))
def test_it_answers_the_counselors_scenario(scenario: dict[str, Any]) -> None:
    assert failures(scenario) == []


def test_it_names_every_scenario_once() -> None:
    assert len(set(names(SCENARIOS))) == len(SCENARIOS)


def test_it_can_see_a_wrong_answer() -> None:
    """Positive control: a scenario that demands the opposite of the answer fails."""
    wrong = {
        "name": "control",
        "situation": {"status": "civilian", "documents": PASSPORT, "today": LATE_2026},
        "must": [("any_verdict", "exit_blocked"), ("text", "en", "no such words anywhere")],
        "must_not": [("any_verdict", "recommended")],
    }
    assert len(failures(wrong)) == 3
