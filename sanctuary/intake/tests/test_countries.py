"""The questionnaire's "which country" offers the one country list, not only the places the
routes base has facts about."""

from django.test import SimpleTestCase
from django.utils import timezone

from sanctuary import countries
from sanctuary.intake.forms import QuestionnaireForm
from sanctuary.intake.tests.helpers import ANSWERS
from sanctuary.routes.knowledge import default_knowledge_base


def questionnaire(lang: str, **changes: str) -> QuestionnaireForm:
    return QuestionnaireForm(
        {**ANSWERS, **changes}, kb=default_knowledge_base(), lang=lang, today=timezone.localdate()
    )


class QuestionnaireCountryTestCase(SimpleTestCase):
    def test_it_offers_every_country_and_territory_but_russia_by_name(self) -> None:
        field = questionnaire("uk").fields["country"]
        offered = dict(field.choices)  # type: ignore[attr-defined]
        self.assertEqual(offered["ES"], "Іспанія")  # no fact about Spain in the routes base
        self.assertEqual(offered["abkhazia"], "Абхазія")
        self.assertNotIn("RU", offered)
        self.assertEqual(len(offered), len(countries.codes()) - 1 + 2 + 1)  # + territories, "—"

    def test_it_keeps_the_code_of_a_country_outside_the_routes_base(self) -> None:
        form = questionnaire("ru", location="abroad", country="ES")
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.answers()["situation"]["location"]["country"], "ES")

    def test_it_refuses_a_made_up_country_in_the_seekers_language(self) -> None:
        form = questionnaire("ru", location="abroad", country="XX")
        self.assertFalse(form.is_valid())
        self.assertIn("Выберите", " ".join(str(e) for e in form.errors["country"]))
