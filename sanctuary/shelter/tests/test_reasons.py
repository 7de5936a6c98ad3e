"""Every reason code the matcher can give has a translated sentence on the coordinators' page."""

import datetime as dt
import re
from pathlib import Path

from django.test import SimpleTestCase
from django.utils import translation

from sanctuary.shelter import matcher
from sanctuary.shelter.reasons import SENTENCES, describe, place

PARAMS = {
    "city": "DE:berlin",
    "language": "ru",
    "free": 2,
    "beds": 3,
    "proposals": 1,
    "need": "children",
    "since": "2026-12-01T10:00:00+00:00",
    "segment": "single_men",
    "rule": "women_only",
    "reason": "on file",
    "party": "adult_men",
    "women_only": 2,
    "arrival": "2026-12-11",
    "nights": 3,
    "accepting": 2,
    "declined": 1,
    "offers": 4,
    "to": "0b9c2f4e-5d7a-4e61-9a3b-2c8d1e0f7a65",
    "why": "no_keys",
    "night": "2026-12-12",
    "men": 1,
    "women": 0,
    "children": 0,
    "count": 2,
    "offer": "5d7a2c8d-0b9c-4e61-9a3b-1e0f7a652f4e",
    "host": "H-7KQ2MX",
}


class ReasonSentencesTestCase(SimpleTestCase):
    def test_it_has_a_sentence_for_every_code_in_the_matcher(self) -> None:
        source = Path(matcher.__file__).read_text()
        codes = set(re.findall(r'Reason\(\s*"([a-z_]+)"', source))
        self.assertGreater(len(codes), 15)
        self.assertEqual(codes - set(SENTENCES), set())

    def test_it_renders_every_sentence_with_its_parameters(self) -> None:
        for code in SENTENCES:
            sentence = describe(code, PARAMS)
            self.assertNotEqual(sentence, code, code)
            self.assertNotIn("%(", sentence, code)
        self.assertIn(place(PARAMS["city"]), describe("same_city", PARAMS))
        self.assertIn("(2)", describe("no_host_accepts_party", PARAMS))

    def test_it_falls_back_to_the_code_for_missing_parameters(self) -> None:
        self.assertEqual(describe("best_fit", {}), "best_fit")
        self.assertEqual(describe("unknown_code", {}), "unknown_code")

    def test_it_explains_a_real_plan(self) -> None:
        day = dt.date(2026, 12, 11)
        offer = matcher.Offer("o", "h", "DE:berlin", 1, day, day, 1, tier=2)
        request = matcher.StayRequest("r", "DE:berlin", day, 1, dt.datetime(2026, 12, 1), 1, 0)
        plan = matcher.plan(matcher.Instance(offers=(offer,), requests=(request,)))
        with translation.override("en"):
            sentences = [describe(r.code, dict(r.params)) for r in plan.proposals[0].reasons]
        self.assertIn("Offer in Berlin, Germany, where the party arrives.", sentences)
        self.assertEqual(place("XX"), "XX")

    def test_it_names_the_city_and_country_in_the_readers_language(self) -> None:
        for lang, expected in (
            ("ru", "Берлин, Германия"),
            ("en", "Berlin, Germany"),
            ("uk", "Берлін, Німеччина"),
        ):
            with translation.override(lang):
                self.assertEqual(place("DE:berlin"), expected)
        with translation.override("ru"):
            self.assertEqual(place("KZ:nowhere"), "Nowhere, Казахстан")
