"""The scenario suite, written as counselors write them (see ``counsel.py`` for the checks).

Every error class of issue 14 that this branch addresses has several scenarios here:
3 (a missing fact read as safety), 4 (protection by profile), 5 (a summons in the register and
the exit ban; in the register, served or neither, and what it calls him for), 8 (every person
in the party on his or her own documents), 9 (reservists never get conscripts' advice; several
statuses), 10 (a fact's own words and a plain line for every verdict), the travel date, the
Belarus route with no Russian border post, and ranking by what he wants.
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
            ("reason", "KZ-land", "child_lacks_document"),
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
    # --- Error class 5 (summons as facts): in the register, served, neither; what for ---------
    {
        "name": "e-summons placed in the register four days ago: blocked at the border now",
        "situation": {
            "status": "summons_received",
            "age": 22,
            "summons": {
                "kind": "electronic",
                "date": "2026-11-29",
                "in_register": True,
                "purpose": "conscription",
            },
            "documents": PASSPORT,
            "today": LATE_2026,
        },
        "must": [
            ("verdict", "GE-air", "exit_blocked"),
            ("explanation", "GE-air", "why_exit_blocked"),
            ("warning_param", "summons_register_delivered", "date", "2026-12-06"),
            ("text", "ru", "считается врученной"),
        ],
        "must_not": [("any_verdict", "recommended"), ("any_verdict", "possible")],
    },
    {
        "name": "paper summons neither handed over nor in the register does not bar leaving yet",
        "situation": {
            "status": "summons_received",
            "age": 24,
            "summons": {
                "kind": "paper",
                "date": "2026-11-30",
                "in_register": False,
                "served": False,
                "purpose": "conscription",
            },
            "documents": PASSPORT,
            "today": LATE_2026,
        },
        "must": [("warning", "summons_not_binding"), ("verdict", "AM-air", "recommended")],
        "must_not": [
            ("any_verdict", "exit_blocked"),
            ("warning", "exit_ban_after_summons"),
            ("warning", "restrictions_after_20_days"),
        ],
    },
    {
        "name": "paper summons signed for: blocked, and the day to report is said",
        "situation": {
            "status": "summons_received",
            "age": 23,
            "summons": {
                "kind": "paper",
                "date": "2026-11-28",
                "served": True,
                "report_by": "2026-12-10",
                "purpose": "conscription",
            },
            "documents": PASSPORT,
            "today": LATE_2026,
        },
        "must": [
            ("verdict", "AM-air", "exit_blocked"),
            ("warning", "exit_ban_after_summons"),
            ("warning_param", "summons_report_by", "date", "2026-12-10"),
        ],
        "must_not": [("warning", "summons_not_binding"), ("any_verdict", "recommended")],
    },
    {
        "name": "paper summons, he does not know if it is in the register: prudence reads it so",
        "situation": {
            "status": "summons_received",
            "summons": {"kind": "paper", "date": "2026-11-28"},
            "documents": PASSPORT,
            "today": LATE_2026,
        },
        "must": [("verdict", "GE-air", "exit_blocked")],
        "must_not": [("warning", "summons_not_binding"), ("any_verdict", "recommended")],
    },
    {
        "name": "the register's own words reach the reader in every language, with their source",
        "situation": {
            "status": "summons_received",
            "summons": {"kind": "electronic", "date": "2026-11-29", "in_register": True},
            "documents": PASSPORT,
            "today": LATE_2026,
        },
        "must": [
            ("citation", "en", "D-RU-003", "437-FZ"),
            ("citation", "ru", "D-RU-003", "437-ФЗ"),
            ("citation", "uk", "D-RU-003", "437-ФЗ"),
            ("citation", "ru", "D-RU-002", "Госуслуг"),
        ],
    },
    # --- Error class 9: what the summons calls him for; reservists; several statuses ---------
    {
        "name": "a 20-year-old called up for conscription hears of alternative civilian service",
        "situation": {
            "status": "summons_received",
            "age": 20,
            "summons": {
                "kind": "electronic",
                "date": "2026-11-29",
                "in_register": True,
                "purpose": "conscription",
            },
            "today": LATE_2026,
        },
        "must": [("warning", "alternative_service"), ("warning", "exposure_evasion")],
    },
    {
        "name": "a 28-year-old called up for mobilisation is not given conscripts' advice",
        "situation": {
            "status": "summons_received",
            "age": 28,
            "summons": {
                "kind": "paper",
                "date": "2026-11-29",
                "served": True,
                "purpose": "mobilisation",
            },
            "today": LATE_2026,
        },
        "must": [("verdict", "KZ-land", "exit_blocked")],
        "must_not": [("warning", "alternative_service"), ("warning", "exposure_evasion")],
    },
    {
        "name": "a 45-year-old reservist with a summons is past conscription age",
        "situation": {
            "status": "summons_received",
            "age": 45,
            "summons": {"kind": "electronic", "date": "2026-11-29"},
            "today": LATE_2026,
        },
        "must": [("warning", "exit_ban_after_summons")],
        "must_not": [("warning", "alternative_service"), ("warning", "exposure_evasion")],
    },
    {
        "name": "a mobilised man who also got a summons earlier is still no conscript",
        "situation": {
            "status": "mobilized",
            "other_statuses": ["summons_received"],
            "age": 26,
            "today": LATE_2026,
        },
        "must": [("warning", "alternative_service_mobilized")],
        "must_not": [("warning", "alternative_service"), ("warning", "exposure_evasion")],
    },
    {
        "name": "a contract soldier who left his unit: deserter's and contract soldier's exposure",
        "situation": {
            "status": "deserter",
            "other_statuses": ["contract_soldier"],
            "left_unit_date": "2026-11-01",
            "today": LATE_2026,
        },
        "must": [
            ("warning", "exposure_desertion"),
            ("warning", "exposure_leaving_unit"),
            ("warning", "servicemen_without_passport"),
        ],
        "must_not": [("warning", "alternative_service"), ("any_verdict", "recommended")],
    },
    {
        "name": "a deserter who never served on contract gets no contract soldier's exposure",
        "situation": {"status": "deserter", "left_unit_date": "2026-11-01", "today": LATE_2026},
        "must": [("warning", "exposure_desertion")],
        "must_not": [("warning", "exposure_leaving_unit")],
    },
    {
        "name": "abroad in Georgia after mobilisation: mobilisation has not ended for him",
        "situation": {
            "status": "abroad",
            "other_statuses": ["mobilized"],
            "documents": PASSPORT,
            "location": abroad("GE"),
            "today": LATE_2026,
        },
        "must": [("warning", "mobilisation_not_ended"), ("option", "TR-air")],
        "must_not": [("warning", "alternative_service")],
    },
    # --- Error class 8: every person in the party, each on his or her own documents ----------
    {
        "name": "his wife has no internal passport and no passport: no CIS route for them",
        "situation": {
            "status": "civilian",
            "companions": [{"relation": "partner", "age": 30, "internal_passport": False}],
            "today": LATE_2026,
        },
        "must": [
            ("verdict", "KZ-land", "not_possible"),
            ("reason", "KZ-land", "companion_needs_document"),
            ("explanation", "KZ-land", "why_not_possible_companion"),
        ],
        "must_not": [("any_verdict", "recommended"), ("any_verdict", "possible")],
    },
    {
        "name": "his wife's internal passport not said: not recommended, and it says why",
        "situation": {
            "status": "civilian",
            "companions": [{"relation": "partner", "age": 30}],
            "today": LATE_2026,
        },
        "must": [
            ("verdict", "KZ-land", "possible"),
            ("reason", "KZ-land", "companion_documents_unknown"),
            ("explanation", "AM-air", "why_possible_companions"),
        ],
        "must_not": [("any_verdict", "recommended")],
    },
    {
        "name": "his wife holds an internal passport: the CIS routes are open to both",
        "situation": {
            "status": "civilian",
            "companions": [{"relation": "partner", "age": 30, "internal_passport": True}],
            "today": LATE_2026,
        },
        "must": [("verdict", "AM-air", "recommended")],
        "must_not": [
            ("reason", "AM-air", "companion_documents_unknown"),
            ("reason", "AM-air", "companion_needs_document"),
        ],
    },
    {
        "name": "father with a passport, son of 16 with only his internal passport",
        "situation": {
            "status": "civilian",
            "documents": PASSPORT,
            "companions": [{"relation": "child", "age": 16, "internal_passport": True}],
            "today": LATE_2026,
        },
        "must": [
            ("verdict", "GE-air", "not_possible"),
            ("reason", "GE-air", "companion_needs_document"),
            ("verdict", "AM-air", "recommended"),
        ],
        "must_not": [("verdict", "TR-air", ("recommended", "possible"))],
    },
    {
        "name": "two children, only the younger has a passport: Kazakhstan says which child",
        "situation": {
            "status": "civilian",
            "documents": PASSPORT,
            "companions": [
                {"relation": "child", "age": 8, "birth_certificate": True},
                {"relation": "child", "age": 5, "international_passport": True},
            ],
            "today": LATE_2026,
        },
        "must": [
            ("verdict", "KZ-land", "not_possible"),
            ("reason", "KZ-land", "child_lacks_document"),
            ("text", "en", "your child aged 8 does not have it"),
            ("text", "ru", "у вашего ребёнка 8 лет его нет"),
            ("reason", "AM-air", "no_child_rule"),
        ],
        "must_not": [("any_verdict", "recommended"), ("text", "en", "child aged 5 does not")],
    },
    {
        "name": "an 8-year-old with a birth certificate only is never recommended Armenia by air",
        "situation": {
            "status": "civilian",
            "companions": [{"relation": "child", "age": 8, "birth_certificate": True}],
            "today": LATE_2026,
        },
        "must": [
            ("reason", "AM-air", "no_child_rule"),
            ("explanation", "AM-air", "why_possible_children"),
        ],
        "must_not": [("verdict", "AM-air", "recommended")],
    },
    # --- Travel date: entry rules and staleness on the day he travels -------------------------
    {
        "name": "advice on 10 January for a trip on 25 January: the child's passport rule applies",
        "situation": {
            "status": "civilian",
            "companions": [{"relation": "child", "age": 8, "birth_certificate": True}],
            "today": "2026-01-10",
            "travel_date": "2026-01-25",
        },
        "must": [
            ("verdict", "KZ-land", "not_possible"),
            ("cites", "KZ-land", "A-INTPASS-002"),
        ],
        "must_not": [("verdict", "KZ-land", ("recommended", "possible"))],
    },
    {
        "name": "the same family travelling on 10 January still goes on the birth certificate",
        "situation": {
            "status": "civilian",
            "companions": [{"relation": "child", "age": 8, "birth_certificate": True}],
            "today": "2026-01-10",
        },
        "must": [("verdict", "KZ-land", ("recommended", "possible"))],
        "must_not": [("verdict", "KZ-land", "not_possible")],
    },
    {
        "name": "his passport runs out before the day he travels",
        "situation": {
            "status": "civilian",
            "documents": {
                "internal_passport": True,
                "international_passport": {"expires": "2027-01-15"},
            },
            "today": LATE_2026,
            "travel_date": "2027-02-01",
        },
        "must": [
            ("warning", "passport_expires_before_travel"),
            ("verdict", "GE-air", "not_possible"),
            ("verdict", "AM-air", "recommended"),
        ],
        "must_not": [("verdict", "TR-air", ("recommended", "possible"))],
    },
    {
        "name": "facts fresh on the day of advice but old by the day he travels are named",
        "situation": {
            "status": "civilian",
            "documents": PASSPORT,
            "today": "2026-08-01",
            "travel_date": "2026-10-01",
        },
        # A-ME-001 (Montenegro) was last verified on 2026-03-02: 152 days on the day of advice,
        # 213 by the day he travels (the December 2026 re-verification left it as it was).
        "must": [("stale", "A-ME-001")],
    },
    {
        "name": "travelling the same week, the same facts are not yet old",
        "situation": {"status": "civilian", "documents": PASSPORT, "today": "2026-08-01"},
        "must_not": [("stale", "A-ME-001")],
    },
    # --- Belarus: no Russian border post on the way -------------------------------------------
    {
        "name": "summons served: Belarus is not stopped at a Russian border post but is unsafe",
        "situation": {
            "status": "summons_received",
            "summons": {"kind": "paper", "date": "2026-11-20", "served": True},
            "today": LATE_2026,
        },
        "must": [
            ("verdict", "BY-land", "unsafe"),
            ("reason", "BY-land", "no_border_post"),
            ("default_risk", "BY-land", "trap"),
            ("verdict", "KZ-land", "exit_blocked"),
            ("text", "ru", "нет российского пункта пропуска"),
        ],
        "must_not": [
            ("verdict", "BY-land", "exit_blocked"),
            ("reason", "BY-land", "exit_blocked"),
            ("verdict", "BY-land", ("recommended", "possible")),
        ],
    },
    {
        "name": "e-summons for a man with his internal passport only: Belarus still a trap",
        "situation": {
            "status": "summons_received",
            "summons": {"kind": "electronic", "date": "2026-11-25", "in_register": True},
            "today": LATE_2026,
        },
        "must": [("reason", "BY-land", "no_border_post"), ("verdict", "AM-air", "exit_blocked")],
        "must_not": [("verdict", "BY-land", "exit_blocked"), ("any_verdict", "recommended")],
    },
    {
        "name": "no summons: Belarus carries no word about border posts",
        "situation": {"status": "civilian", "today": LATE_2026},
        "must": [("option", "BY-land")],
        "must_not": [("reason", "BY-land", "no_border_post"), ("any_verdict", "exit_blocked")],
    },
    # --- Error class 10 and the plain line: every verdict explained, facts in their words ----
    {
        "name": "every route is explained in one line, in Russian and Ukrainian",
        "situation": {"status": "deserter", "documents": PASSPORT, "today": LATE_2026},
        "must": [("explained", "ru"), ("explained", "uk"), ("explained", "en")],
    },
    {
        "name": "a wanted deserter in Georgia: documented and default dangers are told apart",
        "situation": {
            "status": "deserter",
            "criminal_case": "wanted",
            "documents": PASSPORT,
            "location": abroad("GE"),
            "today": LATE_2026,
        },
        "must": [
            ("explanation", "UZ-air", "why_unsafe_default"),
            ("explanation", "KZ-air", "why_unsafe"),
            ("text", "ru", "случаев мы не знаем"),
            ("citation", "ru", "D-CIS-002", "розыск"),
        ],
        "must_not": [("explanation", "UZ-air", "why_unsafe")],
    },
    {
        "name": "a civilian with a passport: recommended routes say why in plain words",
        "situation": {"status": "civilian", "documents": PASSPORT, "today": LATE_2026},
        "must": [
            ("explanation", "AM-air", "why_recommended"),
            ("explanation", "GE-air", "why_possible_risk"),
            ("text", "en", "Possible, but with a medium risk for you"),
        ],
    },
    # --- What he wants weighs the ranking -----------------------------------------------------
    {
        "name": "a stay of some months puts Armenia's 180 days above Kyrgyzstan's 90",
        "situation": {
            "status": "civilian",
            "documents": PASSPORT,
            "wants": "months",
            "today": LATE_2026,
        },
        "must": [("above", "AM-air", "KG-air")],
    },
    {
        "name": "a short visit leaves Kyrgyzstan first",
        "situation": {"status": "civilian", "documents": PASSPORT, "today": LATE_2026},
        "must": [("above", "KG-air", "AM-air")],
    },
    {
        "name": "a deserter in Georgia who wants to settle ranks France's asylum above Serbia",
        "situation": {
            "status": "deserter",
            "documents": PASSPORT,
            "location": abroad("GE"),
            "wants": "settle",
            "today": LATE_2026,
        },
        "must": [("above", "FR-air", "RS-air"), ("protection", "FR-air", "asylum", "good")],
    },
    {
        "name": "the same deserter only passing through puts visa-free Serbia above France",
        "situation": {
            "status": "deserter",
            "documents": PASSPORT,
            "location": abroad("GE"),
            "wants": "transit",
            "today": LATE_2026,
        },
        "must": [("above", "RS-air", "FR-air")],
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


def test_it_can_see_a_wrong_explanation_citation_or_warning() -> None:
    """Positive control for the newer checks: each fails on an answer that breaks it."""
    wrong = {
        "name": "control",
        "situation": {
            "status": "summons_received",
            "summons": {"kind": "electronic", "date": "2026-11-29", "in_register": True},
            "documents": PASSPORT,
            "today": LATE_2026,
        },
        "must": [
            ("explanation", "GE-air", "why_recommended"),
            ("warning_param", "summons_register_delivered", "date", "2026-11-29"),
            ("citation", "ru", "D-RU-003", "words the summary does not hold"),
            ("citation", "ru", "D-KZ-002", "Казахстан"),  # not cited for him
        ],
        "must_not": [("explained", "uk"), ("reason", "BY-land", "no_border_post")],
    }
    assert len(failures(wrong)) == 6
