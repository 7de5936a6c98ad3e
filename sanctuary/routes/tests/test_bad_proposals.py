"""Text that once broke the proposal form with a server error: each is now a form error that
names the line, and keeps what was typed."""

from typing import Any

from django.urls import reverse

from sanctuary.routes.models import FactProposal, StoredFact
from sanctuary.routes.services import do_import_knowledge, fact_as_yaml
from sanctuary.test import BaseTestCase


class BadProposalTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        do_import_knowledge()
        self.fact = StoredFact.objects.get(fact_id="A-KG-001")
        self.log_in(self.charlie)

    def propose(self, text: str) -> Any:
        answers = {
            "text": text,
            "source_url": "https://example.org/kyrgyzstan-stay",
            "reason": "Checking bad input.",
        }
        return self.client.post(reverse("routes:propose", args=[self.fact.fact_id]), answers)

    def assert_refused(self, text: str, problem: str) -> None:
        response = self.propose(text)
        self.assertEqual(response.status_code, 200, text[:40])
        errors = response.context["form"].errors["text"]
        self.assertTrue(any(problem in error for error in errors), errors)
        self.assertContains(response, "Checking bad input.")  # the rest is kept
        self.assertFalse(FactProposal.objects.exists())

    def test_it_names_a_character_yaml_refuses(self) -> None:
        # yaml.reader.ReaderError was a 500.
        self.assert_refused("\uffff\ufffe", "line 1: character U+FFFF is not allowed")
        text = fact_as_yaml(self.fact.data) + "notes: \ufffe\n"
        lines = text.count("\n")
        self.assert_refused(text, f"line {lines}: character U+FFFE is not allowed")

    def test_it_refuses_a_mapping_used_as_a_key(self) -> None:
        # `{{ x }}` is a mapping whose key is a mapping: TypeError (unhashable) was a 500.
        self.assert_refused("{{ settings.SECRET_KEY }}", "line 1: a key must be a plain value")
        self.assert_refused("? [a, b]\n: c\n", "a key must be a plain value")

    def test_it_refuses_aliases_and_deep_nesting(self) -> None:
        laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{name}: &{name} [*{before}, *{before}, *{before}, *{before}]\n"
            for before, name in zip("abcdefgh", "bcdefghi", strict=True)
        )
        self.assert_refused(laughs, "line 2: aliases are not allowed")
        self.assert_refused("[" * 5000 + "]" * 5000, "nested too deeply")
        self.assert_refused("a:\n" + "".join(" " * n + "b:\n" for n in range(1, 40)), "nested")

    def test_it_still_accepts_a_good_proposal(self) -> None:
        # Positive control: the checks above refuse what they name, not every edit.
        text = fact_as_yaml(self.fact.data).replace("confidence: high", "confidence: medium")
        self.assertNotEqual(text, fact_as_yaml(self.fact.data))
        response = self.propose(text)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(FactProposal.objects.exists())
