"""Real-world questions and the answers the sourced facts give. Each test names its question."""

from __future__ import annotations

import datetime as dt

from sanctuary.routes.engine import advise
from sanctuary.routes.knowledge import default_knowledge_base
from sanctuary.routes.tests.helpers import (
    VALID_PASSPORT,
    advice,
    option,
    reason_codes,
    reason_facts,
    risk_facts,
    risk_level,
    situation,
    warning_codes,
    warning_facts,
)

IN_KAZAKHSTAN = {"kind": "abroad", "country": "KZ"}
WITH_PASSPORT = {"internal_passport": True, "international_passport": VALID_PASSPORT}
CHILD_WITHOUT_PASSPORT = [{"relation": "child", "age": 8, "international_passport": False}]


def test_it_deserter_with_only_an_internal_passport_has_no_safe_route() -> None:
    result = advice(status="deserter", criminal_case="opened", left_unit_date="2026-02-01")
    assert option(result, "KZ", "land").verdict == "unsafe"
    assert "D-KZ-006" in risk_facts(option(result, "KZ", "land"), "handover")
    assert option(result, "AM", "air").verdict == "unsafe"
    assert risk_facts(option(result, "AM", "air"), "abduction") == ("D-AM-002",)
    assert option(result, "KG", "air").verdict == "unsafe"
    assert option(result, "BY", "land").verdict == "unsafe"
    assert option(result, "GE", "land").verdict == "not_possible"
    assert reason_codes(option(result, "GE", "land")) >= {"missing_document"}
    assert not [o for o in result.options if o.verdict in ("recommended", "possible")]
    assert warning_facts(result, "exposure_desertion") == ("E-338-001",)
    assert "no_safe_option" in warning_codes(result)


def test_it_deserter_absent_five_days_falls_under_article_337_part_2_1() -> None:
    result = advice(status="deserter", left_unit_date="2026-02-24")
    params = next(w.params for w in result.warnings if w.code == "exposure_awol")
    assert dict(params) == {"part": "2.1", "max_years": 5}


def test_it_deserter_absent_two_months_falls_under_article_337_part_5() -> None:
    result = advice(status="deserter", left_unit_date="2025-12-20")
    params = next(w.params for w in result.warnings if w.code == "exposure_awol")
    assert dict(params) == {"part": "5", "max_years": 10}


def test_it_reservist_with_an_electronic_summons_and_a_valid_international_passport() -> None:
    result = advice(
        status="summons_received",
        documents=WITH_PASSPORT,
        summons={"kind": "electronic", "date": "2026-02-20"},
    )
    assert warning_facts(result, "exit_ban_after_summons") == ("D-RU-002",)
    assert warning_facts(result, "exit_ban_from_sending") == ("D-RU-003",)
    # The exit ban is the verdict, not a side risk: every Russian border post will stop him.
    # Belarus alone has none on the way; it is judged by its own risks and says why.
    assert {o.verdict for o in result.options if o.destination != "BY"} <= {
        "exit_blocked",
        "not_possible",
    }
    belarus = option(result, "BY", "land")
    assert belarus.verdict == "unsafe"
    assert "no_border_post" in reason_codes(belarus)
    assert "exit_blocked" not in reason_codes(belarus)
    assert option(result, "AM", "air").verdict == "exit_blocked"
    assert reason_facts(option(result, "AM", "air"), "exit_blocked") == ("D-RU-002", "D-RU-003")
    assert "exposure_evasion" in warning_codes(result)


def test_it_man_with_a_paper_summons_in_october_2022_faced_no_exit_ban_yet() -> None:
    result = advice(
        status="summons_received",
        summons={"kind": "paper", "date": "2022-09-25"},
        today="2022-10-01",
    )
    assert "exit_ban_after_summons" not in warning_codes(result)
    assert warning_facts(result, "draft_points_at_border") == ("D-RU-001",)
    assert risk_level(option(result, "KZ", "land"), "detention") == "medium"
    assert option(result, "KZ", "land").verdict == "possible"


def test_it_same_paper_summons_in_2024_brings_the_exit_ban() -> None:
    result = advice(
        status="summons_received",
        summons={"kind": "paper", "date": "2024-03-01"},
        today="2024-03-10",
    )
    assert warning_facts(result, "exit_ban_after_summons") == ("D-RU-002",)
    assert "exit_ban_from_sending" not in warning_codes(result)
    assert option(result, "KZ", "land").verdict == "exit_blocked"
    assert reason_facts(option(result, "KZ", "land"), "exit_blocked") == ("D-RU-002",)


def test_it_family_with_a_child_under_14_after_20_january_2026() -> None:
    result = advice(companions=CHILD_WITHOUT_PASSPORT, today="2026-02-01")
    kazakhstan = option(result, "KZ", "land")
    assert kazakhstan.verdict == "not_possible"
    assert reason_facts(kazakhstan, "child_lacks_document") == ("A-INTPASS-002",)
    assert option(result, "KG", "air").verdict == "not_possible"
    # Armenia has no child-document rule: no rule is not permission, so it is never
    # recommended for the family, and the answer says why.
    assert option(result, "AM", "air").verdict == "possible"
    assert "no_child_rule" in reason_codes(option(result, "AM", "air"))


def test_it_family_with_a_child_under_14_before_20_january_2026() -> None:
    result = advice(companions=CHILD_WITHOUT_PASSPORT, today="2026-01-19")
    kazakhstan = option(result, "KZ", "land")
    assert kazakhstan.verdict == "possible"
    assert reason_facts(kazakhstan, "child_document_ok") == ("A-INTPASS-003",)
    assert option(result, "KG", "air").verdict == "recommended"


def test_it_family_whose_child_has_a_passport_can_still_go_to_kyrgyzstan_in_2026() -> None:
    child = [{"relation": "child", "age": 8, "international_passport": True}]
    result = advice(companions=child)
    assert option(result, "KG", "air").verdict == "recommended"
    assert "child_international_passport" in option(result, "KG", "air").documents_required


def test_it_wants_to_cross_into_finland_by_land_in_2026() -> None:
    result = advice(documents=WITH_PASSPORT)
    finland = option(result, "FI", "land")
    assert finland.verdict == "not_possible"
    assert reason_facts(finland, "entry_closed") == ("B-FI-002",)
    assert option(result, "FI", "air").verdict == "possible"
    assert "visa" in option(result, "FI", "air").documents_required


def test_it_wanted_to_cross_into_finland_by_land_in_october_2022() -> None:
    result = advice(documents=WITH_PASSPORT, today="2022-10-15")
    finland = option(result, "FI", "land")
    assert finland.verdict == "possible"
    assert risk_facts(finland, "refusal_at_border") == ("B-EU-GUIDE-002", "B-FI-001")
    assert risk_level(finland, "refusal_at_border") == "high"


def test_it_finland_land_border_was_briefly_open_on_14_december_2023() -> None:
    open_day = advice(documents=WITH_PASSPORT, today="2023-12-14")
    closed_day = advice(documents=WITH_PASSPORT, today="2023-12-16")
    assert option(open_day, "FI", "land").verdict == "possible"
    assert option(closed_day, "FI", "land").verdict == "not_possible"


def test_it_wanted_activist_should_not_fly_to_kyrgyzstan() -> None:
    result = advice(criminal_case="wanted", public_activism=True)
    kyrgyzstan = option(result, "KG", "air")
    assert kyrgyzstan.verdict == "unsafe"
    assert risk_facts(kyrgyzstan, "handover") == ("D-KG-001",)
    assert risk_facts(kyrgyzstan, "trap") == ("D-CSTO-001",)


def test_it_wanted_person_to_kazakhstan_in_2026_faces_extradition() -> None:
    result = advice(criminal_case="wanted")
    kazakhstan = option(result, "KZ", "air")
    assert kazakhstan.verdict == "unsafe"
    assert risk_facts(kazakhstan, "extradition") == ("D-KZ-001", "D-KZ-006")


def test_it_wanted_person_to_kazakhstan_in_2025_faced_a_medium_extradition_risk() -> None:
    result = advice(criminal_case="wanted", today="2025-06-01")
    kazakhstan = option(result, "KZ", "air")
    assert risk_level(kazakhstan, "extradition") == "medium"
    assert risk_level(kazakhstan, "trap") == "high"
    assert kazakhstan.verdict == "possible"


def test_it_civilian_without_summons_can_fly_to_armenia_on_the_internal_passport() -> None:
    result = advice()
    armenia = option(result, "AM", "air")
    assert armenia.verdict == "recommended"
    assert reason_facts(armenia, "entry_allowed") == ("A-AM-001", "A-INTPASS-001")
    assert armenia.stay_limit is not None and armenia.stay_limit.days == 180
    assert option(result, "AM", "land").verdict == "not_possible"


def test_it_kazakhstan_cannot_be_recommended_while_its_residence_rules_are_unverified() -> None:
    result = advice()
    kazakhstan = option(result, "KZ", "land")
    assert kazakhstan.verdict == "possible"
    assert "A-KZ-002" in reason_facts(kazakhstan, "relies_on_unconfirmed")


def test_it_kazakhstan_stay_limit_is_90_in_180_only_from_27_january_2023() -> None:
    after = option(advice(today="2023-01-27"), "KZ", "land")
    before = option(advice(today="2023-01-26"), "KZ", "land")
    assert after.stay_limit is not None and (after.stay_limit.days, after.stay_limit.per_days) == (
        90,
        180,
    )
    assert before.stay_limit is not None and before.stay_limit.days is None
    assert "A-KZ-001" not in before.citations


def test_it_contract_soldier_thinking_of_leaving_for_kazakhstan() -> None:
    result = advice(status="contract_soldier")
    assert option(result, "KZ", "land").verdict == "unsafe"
    assert "D-KZ-005" in risk_facts(option(result, "KZ", "land"), "handover")
    assert warning_facts(result, "exposure_leaving_unit") == ("E-338-001",)
    assert warning_facts(result, "exposure_refusing_orders") == ("E-332-001",)
    assert warning_facts(result, "servicemen_without_passport") == ("D-RU-012",)


def test_it_mobilized_reservist_holding_a_passport_after_november_2023_cannot_use_it() -> None:
    result = advice(status="mobilized", documents=WITH_PASSPORT, today="2024-01-10")
    assert warning_facts(result, "document_invalidated") == ("D-RU-005",)
    assert option(result, "GE", "land").verdict == "not_possible"
    assert "mobilisation_not_ended" in warning_codes(result)


def test_it_mobilized_reservist_holding_a_passport_in_2022_could_still_use_it() -> None:
    result = advice(status="mobilized", documents=WITH_PASSPORT, today="2022-10-20")
    assert "document_invalidated" not in warning_codes(result)
    assert option(result, "GE", "land").verdict == "possible"


def test_it_deserter_already_in_kazakhstan_with_a_wanted_notice() -> None:
    result = advice(status="deserter", criminal_case="wanted", location=IN_KAZAKHSTAN)
    assert result.option("KZ", "land") is None
    assert warning_facts(result, "trapped_by_wanted_list") == ("D-CSTO-001",)
    assert "D-KZ-006" in warning_facts(result, "current_country_unsafe")
    assert all(risk_level(o, "detention") == "high" for o in result.options)
    assert not [o for o in result.options if o.verdict in ("recommended", "possible")]


def test_it_conscript_is_told_about_alternative_civilian_service_before_call_up() -> None:
    result = advice(status="summons_received", summons={"kind": "paper", "date": "2026-02-25"})
    assert warning_facts(result, "alternative_service") == ("E-ACS-001",)
    assert warning_facts(result, "exposure_evasion") == ("E-328-001",)


def test_it_passport_expiring_in_two_months_does_not_get_him_into_turkey() -> None:
    result = advice(
        documents={"internal_passport": True, "international_passport": {"expires": "2026-05-01"}}
    )
    turkey = option(result, "TR", "air")
    assert turkey.verdict == "not_possible"
    assert reason_facts(turkey, "passport_validity_short") == ("A-TR-001",)
    assert option(result, "GE", "air").verdict == "possible"


def test_it_turkey_is_open_but_residence_permits_are_refused_since_december_2022() -> None:
    result = advice(documents=WITH_PASSPORT)
    turkey = option(result, "TR", "air")
    assert turkey.verdict == "recommended"
    assert turkey.confidence == "medium"
    assert reason_facts(turkey, "relies_on_changed") == ("A-TR-002",)
    protection = next(r for r in turkey.reasons if r.code == "protection")
    assert dict(protection.params) == {"kind": "residence_permit", "outlook": "poor"}


def test_it_known_activist_flying_to_serbia_risks_expulsion() -> None:
    result = advice(documents=WITH_PASSPORT, public_activism=True)
    serbia = option(result, "RS", "air")
    assert risk_level(serbia, "expulsion") == "high"
    assert serbia.verdict == "possible"


def test_it_known_activist_at_the_georgian_border_risks_refusal() -> None:
    activist = option(advice(documents=WITH_PASSPORT, public_activism=True), "GE", "land")
    ordinary = option(advice(documents=WITH_PASSPORT), "GE", "land")
    assert risk_level(activist, "refusal_at_border") == "high"
    assert risk_level(ordinary, "refusal_at_border") == "medium"
    assert risk_facts(activist, "refusal_at_border") == ("D-GE-001",)


def test_it_norway_turns_away_russian_visitors_since_29_may_2024() -> None:
    result = advice(documents=WITH_PASSPORT, today="2025-03-01")
    norway = option(result, "NO", "land")
    assert norway.verdict == "possible"
    assert risk_facts(norway, "refusal_at_border") == ("B-NO-001",)


def test_it_deserter_with_a_passport_asking_about_france() -> None:
    result = advice(status="deserter", documents=WITH_PASSPORT)
    france = option(result, "FR", "air")
    assert france.verdict == "possible"
    protection = next(
        r for r in france.reasons if r.code == "protection" and ("kind", "asylum") in r.params
    )
    assert "C-FR-001" in protection.fact_ids
    assert risk_facts(france, "entry_ban") == ("B-EU-COMBATANTS-2026",)


def test_it_conscript_age_man_asking_about_germany_sees_the_berlin_rulings() -> None:
    result = advice(
        status="summons_received",
        documents=WITH_PASSPORT,
        summons={"kind": "paper", "date": "2022-09-23"},
        today="2022-09-25",
    )
    germany = option(result, "DE", "air")
    assert "C-DE-005" not in germany.citations
    later = option(
        advice(
            status="summons_received",
            documents=WITH_PASSPORT,
            summons={"kind": "paper", "date": "2025-03-01"},
            location={"kind": "abroad", "country": "TR"},
            today="2025-03-05",
        ),
        "DE",
        "air",
    )
    assert "C-DE-005" in later.citations


def test_it_soldier_in_captivity_gets_no_routes_but_the_surrender_article() -> None:
    result = advice(status="captivity", location={"kind": "abroad", "country": "UA"})
    assert result.options == ()
    assert warning_facts(result, "exposure_surrender") == ("E-352-1-001",)
    assert "captivity_no_routes" in warning_codes(result)


def test_it_reservist_should_not_hide_in_belarus() -> None:
    result = advice(status="mobilized")
    assert option(result, "BY", "land").verdict == "unsafe"
    assert risk_facts(option(result, "BY", "land"), "handover") == ("A-BY-001",)


def test_it_abkhazia_is_no_refuge_even_for_a_civilian() -> None:
    result = advice()
    abkhazia = option(result, "abkhazia", "land")
    assert abkhazia.verdict == "unsafe"
    assert risk_facts(abkhazia, "russian_control") == ("A-INTPASS-001",)
    assert abkhazia.score < min(o.score for o in result.options if o.verdict == "possible")


def test_it_tajikistan_and_uzbekistan_need_the_international_passport() -> None:
    result = advice()
    assert reason_facts(option(result, "TJ", "air"), "missing_document") == ("A-TJ-001",)
    assert reason_facts(option(result, "UZ", "air"), "missing_document") == ("A-UZ-001",)


def test_it_mongolia_option_relies_on_a_conflicting_fact_and_cannot_be_recommended() -> None:
    mongolia = option(advice(documents=WITH_PASSPORT), "MN", "land")
    assert mongolia.verdict == "possible"
    assert reason_facts(mongolia, "relies_on_unconfirmed") == ("A-MN-001",)


def test_it_expired_passport_counts_as_no_passport() -> None:
    result = advice(
        documents={"internal_passport": True, "international_passport": {"expires": "2025-12-31"}}
    )
    assert "passport_expired" in warning_codes(result)
    assert option(result, "GE", "land").verdict == "not_possible"


def test_it_uzbekistan_registration_deadline_moved_from_3_to_15_days_in_june_2022() -> None:
    before = option(advice(documents=WITH_PASSPORT, today="2022-06-03"), "UZ", "air")
    after = option(advice(documents=WITH_PASSPORT, today="2022-06-04"), "UZ", "air")
    assert before.stay_limit is not None and before.stay_limit.registration_days == 3
    assert after.stay_limit is not None and after.stay_limit.registration_days == 15


def test_it_advice_in_late_2026_names_only_the_stale_facts_that_decide_a_verdict() -> None:
    result = advice(today="2026-11-27")
    stale = {
        w.fact_ids[0]: dict(w.params)["days"] for w in result.warnings if w.code == "stale_fact"
    }
    deciding = {fact_id for o in result.options for fact_id in o.deciding}
    assert stale and set(stale) <= deciding
    cited = {fact_id for o in result.options for fact_id in o.citations}
    assert cited - deciding, "some cited facts decide nothing and must not be named"
    assert stale["A-TJ-001"] == 270  # 2026-03-02 to 2026-11-27
    assert all(o.stale == any(f in stale for f in o.deciding) for o in result.options)
    assert not advice(today="2026-03-01").options[0].stale


def test_it_measures_staleness_from_the_day_of_the_advice_not_the_situation() -> None:
    """Advice about a past date, given today, still says which facts are old today."""
    past = situation(today="2023-03-01")
    kb = default_knowledge_base()
    assert "stale_fact" not in warning_codes(advise(past, kb))
    given_today = advise(past, kb, checked_on=dt.date(2026, 12, 3))
    assert "stale_fact" in warning_codes(given_today)
    assert any(o.stale for o in given_today.options)


def test_it_wished_destinations_are_marked() -> None:
    result = advice(wished_destinations=["AM"])
    assert option(result, "AM", "air").wished
    assert not option(result, "KG", "air").wished
