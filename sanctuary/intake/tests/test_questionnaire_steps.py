"""The questionnaire in steps: a question is asked only when an earlier answer calls for it,
nothing typed is lost going back and forth or on a refused page, and what he sends is a
situation the routes engine accepts."""

import html
import re
from typing import Any
from unittest import mock

from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from sanctuary.cases.models import Case
from sanctuary.intake import services
from sanctuary.intake.forms import REPLACED_FIELDS, STEPS, QuestionnaireForm
from sanctuary.intake.tests.helpers import answers_in, codename_in, token_in
from sanctuary.routes.knowledge import default_knowledge_base
from sanctuary.routes.services import do_import_knowledge
from sanctuary.routes.situation import Situation
from sanctuary.routes.tests.helpers import check_options
from sanctuary.test import BaseTestCase

YOU: dict[str, Any] = {"status": "civilian", "location": "russia", "on_behalf": "0"}
DOCUMENTS: dict[str, Any] = {"internal_passport": "on", "criminal_case": "none"}
TRIP: dict[str, Any] = {"children": "0", "adults": "0"}
CONTACT: dict[str, Any] = {"story": "canary-story-5c1e", "languages": ["ru"]}


def step_in(page: str) -> str:
    match = re.search(r'name="step" value="([a-z]+)"', page)
    assert match, "the page is no step of the questionnaire"
    return match[1]


def questions_in(page: str) -> set[str]:
    names = set(re.findall(r'<(?:input|select|textarea)[^>]* name="([a-z0-9_]+)"', page))
    return names - {"form_token", "answers", "step", "go"}


class Walk:
    """One browser going through the questionnaire, each page posted from the one before."""

    def __init__(self, client: Client, **headers: str) -> None:
        self.client = client
        self.headers = headers
        self.response = client.get(reverse("intake:start"))
        assert self.response.status_code == 200

    @property
    def page(self) -> str:
        return str(self.response.content.decode())

    @property
    def step(self) -> str:
        return step_in(self.page)

    def post(self, go: str = "next", token: str | None = None, **answers: Any) -> "Walk":
        page = self.page
        match = re.search(r'name="answers" value="([^"]+)"', page)
        assert match
        data = {
            "form_token": token_in(page) if token is None else token,
            "answers": match[1],
            "step": step_in(page),
            "go": go,
            **answers,
        }
        self.response = self.client.post(reverse("intake:start"), data, headers=self.headers)
        return self


def sent_situation(spy: mock.MagicMock) -> dict[str, Any]:
    answers: dict[str, Any] = spy.call_args[0][0]
    situation: dict[str, Any] = answers["situation"]
    Situation.from_dict(situation)  # the engine accepts it, or this raises
    return situation


class QuestionnaireStepsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        spy = mock.patch.object(services, "do_submit_case", wraps=services.do_submit_case)
        self.spy = spy.start()
        self.addCleanup(spy.stop)

    def test_it_asks_a_civilian_in_russia_only_the_common_questions(self) -> None:
        walk = Walk(self.client)
        self.assertEqual(walk.step, "you")
        self.assertEqual(
            questions_in(walk.page), {"on_behalf", "status", "other_statuses", "location", "age"}
        )
        seen = []
        for answers in (YOU, DOCUMENTS, TRIP):
            walk.post(**answers)
            seen.append(walk.step)
            for never in ("left_unit", "summons_date", "country", "child_0_age"):
                self.assertNotIn(never, questions_in(walk.page))
        self.assertEqual(seen, ["documents", "trip", "contact"])
        self.assertContains(walk.response, "Отправить")
        walk.post(go="send", **CONTACT)
        self.assertIn("codename", walk.page)
        situation = sent_situation(self.spy)
        self.assertIsNone(situation["summons"])
        self.assertEqual(situation["companions"], [])
        self.assertEqual(Case.objects.get().status, "civilian")

    def test_it_asks_the_deserter_when_he_left_his_unit_and_what_he_was(self) -> None:
        walk = Walk(self.client).post(
            **{**YOU, "status": "deserter", "other_statuses": ["contract_soldier"]}
        )
        self.assertEqual(walk.step, "unit")
        self.assertEqual(questions_in(walk.page), {"left_unit"})
        walk.post(left_unit="2026-10-01").post(**DOCUMENTS).post(**TRIP)
        walk.post(go="send", **CONTACT)
        situation = sent_situation(self.spy)
        self.assertEqual(situation["left_unit_date"], "2026-10-01")
        self.assertEqual(situation["other_statuses"], ["contract_soldier"])

    def test_it_asks_the_summons_as_two_dates_and_its_facts(self) -> None:
        walk = Walk(self.client).post(**{**YOU, "status": "summons_received"})
        self.assertEqual(walk.step, "summons")
        self.assertContains(walk.response, "День, когда она пришла")
        self.assertContains(walk.response, "День, когда по ней нужно явиться")
        walk.post(
            summons="paper",
            summons_date="2026-11-20",
            report_by="2026-12-15",
            served="on",
            purpose="mobilisation",
        )
        walk.post(**DOCUMENTS).post(**TRIP).post(go="send", **CONTACT)
        self.assertEqual(
            sent_situation(self.spy)["summons"],
            {
                "kind": "paper",
                "date": "2026-11-20",
                "report_by": "2026-12-15",
                "in_register": False,
                "served": True,
                "purpose": "mobilisation",
            },
        )

    def test_it_asks_the_summons_of_one_whose_other_status_is_a_summons(self) -> None:
        walk = Walk(self.client).post(
            **{**YOU, "status": "abroad", "other_statuses": ["summons_received"]}
        )
        self.assertEqual(walk.step, "summons")

    def test_it_refuses_a_day_to_report_before_the_day_it_came_in_plain_russian(self) -> None:
        walk = Walk(self.client).post(**{**YOU, "status": "summons_received"})
        walk.post(summons="electronic", summons_date="2026-11-20", report_by="2026-11-01")
        self.assertEqual(walk.step, "summons")
        self.assertContains(walk.response, "День явки не может быть раньше")
        self.assertContains(walk.response, 'value="2026-11-01"')

    def test_it_asks_where_he_is_only_when_he_is_abroad(self) -> None:
        walk = Walk(self.client).post(**{**YOU, "status": "abroad", "location": "abroad"})
        self.assertEqual(walk.step, "abroad")
        self.assertEqual(
            questions_in(walk.page), {"country", "since", "claim_country", "claim_date"}
        )
        walk.post(country="")
        self.assertEqual(walk.step, "abroad")
        self.assertContains(walk.response, "Выберите страну")
        walk.post(country="KZ", since="2026-10-02")
        self.assertEqual(walk.step, "documents")

    def test_it_asks_each_companions_own_age_and_documents(self) -> None:
        walk = Walk(self.client).post(**YOU).post(**DOCUMENTS)
        walk.post(children="2", adults="1")
        self.assertEqual(walk.step, "companions")
        self.assertContains(walk.response, "Ребёнок 2: возраст")
        self.assertContains(walk.response, "Взрослый 1: кто это?")
        walk.post(
            child_0_age="8",
            child_0_birth_certificate="on",
            child_1_age="15",
            child_1_birth_certificate="on",
            child_1_internal_passport="on",
            child_1_passport="on",
            adult_0_relation="partner",
            adult_0_age="34",
            adult_0_internal_passport="on",
        )
        self.assertEqual(walk.step, "contact")
        walk.post(go="send", **CONTACT)
        self.assertEqual(
            sent_situation(self.spy)["companions"],
            [
                {
                    "relation": "child",
                    "age": 8,
                    "birth_certificate": True,
                    "international_passport": False,
                    "internal_passport": False,
                },
                {
                    "relation": "child",
                    "age": 15,
                    "birth_certificate": True,
                    "international_passport": True,
                    "internal_passport": True,
                },
                {
                    "relation": "partner",
                    "age": 34,
                    "internal_passport": True,
                    "international_passport": False,
                },
            ],
        )

    def test_it_wants_each_childs_age(self) -> None:
        walk = Walk(self.client).post(**YOU).post(**DOCUMENTS).post(children="1", adults="0")
        walk.post(child_0_birth_certificate="on")
        self.assertEqual(walk.step, "companions")
        self.assertContains(walk.response, "Ответьте, пожалуйста, на этот вопрос.")

    def test_it_keeps_every_answer_going_back_and_forth(self) -> None:
        walk = Walk(self.client).post(**{**YOU, "status": "mobilized", "age": "41"})
        # A date he has not finished typing: Back does not check it, and keeps it as typed.
        walk.post(go="back", passport_expires="31.02", military_id="on", criminal_case="likely")
        self.assertEqual(walk.step, "you")
        self.assertContains(walk.response, 'value="mobilized" selected')
        self.assertContains(walk.response, 'value="41"')
        self.assertNotContains(walk.response, "error")
        walk.post(**{**YOU, "status": "mobilized", "age": "41"})
        self.assertEqual(walk.step, "documents")
        self.assertContains(walk.response, 'value="31.02"')
        self.assertContains(walk.response, 'value="likely" selected')
        self.assertRegex(walk.page, r'name="military_id"[^>]*checked')
        # An unticked box stays unticked: the internal passport was not ticked above.
        self.assertNotRegex(walk.page, r'name="internal_passport"[^>]*checked')
        # Next checks it, in plain Russian.
        walk.post(passport_expires="31.02", criminal_case="likely")
        self.assertEqual(walk.step, "documents")
        self.assertContains(walk.response, "Не получается прочитать дату")
        self.assertEqual(Case.objects.count(), 0)

    def test_it_drops_the_answers_of_questions_that_no_longer_apply(self) -> None:
        walk = Walk(self.client).post(**{**YOU, "status": "deserter"})
        walk.post(left_unit="2026-10-01").post(go="back", **DOCUMENTS)
        walk.post(go="back", left_unit="2026-10-01")
        self.assertEqual(walk.step, "you")
        walk.post(**YOU).post(**DOCUMENTS).post(**TRIP)
        # Still in the page, should he go back to it...
        self.assertEqual(answers_in(walk.page)["left_unit"], ["2026-10-01"])
        walk.post(go="send", **CONTACT)
        # ...but not in his situation.
        self.assertIsNone(sent_situation(self.spy)["left_unit_date"])

    def test_it_sets_no_cookie_and_stores_nothing_before_he_sends(self) -> None:
        walk = Walk(self.client)
        for answers in (YOU, DOCUMENTS, TRIP):
            walk.post(**answers)
            self.assertEqual(walk.response.cookies, {})
        self.assertEqual(Case.objects.count(), 0)
        self.spy.assert_not_called()

    def test_it_gives_a_fresh_token_on_every_page_and_refuses_a_replayed_one(self) -> None:
        walk = Walk(self.client)
        first = token_in(walk.page)
        walk.post(**YOU)
        self.assertNotEqual(token_in(walk.page), first)
        walk.post(token=first, **DOCUMENTS)
        self.assertEqual(walk.response.status_code, 400)
        self.assertEqual(walk.step, "documents")  # the same page again, not the next
        self.assertContains(walk.response, "уже была отправлена", status_code=400)

    def test_it_keeps_his_text_when_the_token_is_forged(self) -> None:
        walk = Walk(self.client).post(**YOU).post(**DOCUMENTS).post(**TRIP)
        walk.post(token="forged", go="send", story="canary-forged-7d10")
        self.assertEqual(walk.response.status_code, 400)
        self.assertEqual(walk.step, "contact")
        self.assertContains(walk.response, "canary-forged-7d10", status_code=400)
        self.assertContains(walk.response, "уже была отправлена", status_code=400)
        # The fresh token works: he presses Send again.
        walk.post(go="send", story="canary-forged-7d10")
        self.assertIn("codename", walk.page)

    def test_it_keeps_his_text_when_the_origin_is_refused(self) -> None:
        walk = Walk(self.client).post(**YOU).post(**DOCUMENTS).post(**TRIP)
        walk.headers = {"origin": "https://evil.example"}
        walk.post(go="send", story="canary-origin-2b8c")
        self.assertEqual(walk.response.status_code, 403)
        self.assertContains(walk.response, "canary-origin-2b8c", status_code=403)
        self.assertContains(walk.response, "с другого сайта", status_code=403)
        self.assertEqual(Case.objects.count(), 0)
        # The control: from our own page, the same answers are taken.
        walk.headers = {}
        walk.post(go="send", story="canary-origin-2b8c")
        self.assertEqual(Case.objects.count(), 1)

    def test_it_ignores_a_forged_answers_field(self) -> None:
        page = self.client.get(reverse("intake:start")).content.decode()
        data = {"form_token": token_in(page), "answers": "forged", "step": "you", **YOU}
        response = self.client.post(reverse("intake:start"), data)
        self.assertEqual(step_in(response.content.decode()), "documents")

    def test_it_speaks_english_too(self) -> None:
        with translation.override("en"):
            url = reverse("intake:start")
        response = self.client.get(url)
        self.assertContains(response, "About you")
        self.assertContains(response, "step 1 of 4")


class OptionsCarryOverTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        do_import_knowledge()

    def test_it_carries_the_options_checks_answers_into_the_questionnaire(self) -> None:
        options = {
            "status": "summons_received",
            "location": "abroad",
            "country": "KZ",
            "summons": "electronic",
            "summons_date": "2026-11-20",
            "criminal_case": "likely",
            "summons_served": "yes",
            "summons_in_register": "",
            "summons_purpose": "mobilisation",
            "children": "2",
            "children_ages": "3, 8",
            "children_passports": "on",
            "adults": "1",
            "adults_internal_passports": "no",
            "passport_expires": "2031-01-01",
        }
        answer = check_options(self.client, options).content.decode()
        form = re.search(
            r'<form method="post" action="([^"]+)" class="ask-for-help">(.*?)</form>', answer, re.S
        )
        assert form, "the answer page offers no way to ask for help"
        self.assertEqual(form[1], reverse("intake:start"))
        self.assertIn("Попросить сеть о помощи с этими ответами", form[2])
        fields: dict[str, list[str]] = {}
        for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', form[2]):
            fields.setdefault(name, []).append(html.unescape(value))
        self.assertNotIn("edit", fields)
        response = self.client.post(reverse("intake:start"), fields)
        page = response.content.decode()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.cookies, {})
        self.assertEqual(step_in(page), "you")
        self.assertIn("Ваши ответы из проверки вариантов уже вписаны", page)
        self.assertIn('value="summons_received" selected', page)
        self.assertIn('value="abroad" selected', page)
        carried = answers_in(page)
        self.assertEqual(carried["country"], ["KZ"])
        self.assertEqual(carried["criminal_case"], ["likely"])
        # His one answer for all the children becomes each child's own.
        for i in range(2):
            self.assertEqual(carried[f"child_{i}_passport"], ["on"])
            self.assertEqual(carried[f"child_{i}_birth_certificate"], [])
        self.assertNotIn("children_passports", carried)
        # The options check's other answers asked differently here land in their questions.
        self.assertEqual(carried["served"], ["on"])
        self.assertNotIn("in_register", carried)  # "I do not know" leaves it unanswered
        self.assertEqual(carried["purpose"], ["mobilisation"])
        self.assertEqual(carried["child_0_age"], ["3"])
        self.assertEqual(carried["child_1_age"], ["8"])
        self.assertEqual(carried["adult_0_internal_passport"], [])
        self.assertEqual(carried["adult_0_passport"], [])
        for name in ("summons_served", "summons_purpose", "children_ages", "adults_passports"):
            self.assertNotIn(name, carried)
        self.assertEqual(Case.objects.count(), 0)

    def test_it_offers_no_help_button_before_there_is_an_answer(self) -> None:
        page = self.client.get(reverse("options:check")).content.decode()
        self.assertNotIn("ask-for-help", page)


def test_it_puts_every_question_in_one_step() -> None:
    """A question added to the options check or the questionnaire must be placed in a step (or
    knowingly replaced), or the questionnaire would never ask it."""
    placed = [name for step in STEPS for name in step.fields]
    assert len(placed) == len(set(placed))
    assert set(QuestionnaireForm.base_fields) == set(placed) | set(REPLACED_FIELDS)


def test_it_needs_only_what_the_case_cannot_be_read_without() -> None:
    form = QuestionnaireForm(
        {"status": "civilian", "location": "russia", "criminal_case": "none"},
        kb=default_knowledge_base(),
        lang="uk",
        today=timezone.localdate(),
    )
    assert form.is_valid(), form.errors
    answers = form.answers()
    assert answers["languages"] == ["uk"]
    assert answers["story"] == "" and answers["help_wanted"] == []
    Situation.from_dict(answers["situation"])


def test_it_explains_every_error_in_its_own_words() -> None:
    """None of Django's stock sentences: each is replaced by the form's own."""
    form = QuestionnaireForm(
        {
            "status": "nonsense",
            "location": "abroad",
            "age": "сорок",
            "children": "99",
            "wished": ["atlantis"],
            "passport_expires": "вчера",
            "story": "я" * 30_000,
        },
        kb=default_knowledge_base(),
        lang="ru",
        today=timezone.localdate(),
    )
    with translation.override("ru"):
        assert not form.is_valid()
        errors = {name: " ".join(str(e) for e in errors) for name, errors in form.errors.items()}
    stock = [
        "Убедитесь",
        "Введите",
        "Выберите корректный",
        "Обязательное поле",
        "Ensure",
        "Enter a",
    ]
    for name in ("status", "age", "children", "wished", "passport_expires", "story"):
        assert name in errors, name
        assert not any(phrase in errors[name] for phrase in stock), errors[name]
    assert "Напишите число цифрами" in errors["age"]
    assert "не больше 10" in errors["children"] or "больше 10" in errors["children"]


class UpdateSituationTestCase(BaseTestCase):
    def test_it_updates_a_situation_with_the_new_answers(self) -> None:
        from sanctuary.intake.tests.helpers import ANSWERS, submit

        codename_in(submit(self.client).content.decode())
        page = self.client.get(reverse("intake:update")).content.decode()
        self.assertIn("canary-story-7f3a", page)
        self.assertIn("День, когда по ней нужно явиться", page)
        data = {
            **{k: v for k, v in ANSWERS.items() if k not in ("step", "go")},
            "status": "summons_received",
            "summons": "electronic",
            "summons_date": "2026-11-20",
            "report_by": "2026-12-20",
            "children": "1",
            "child_0_age": "6",
            "form_token": token_in(page),
        }
        response = self.client.post(reverse("intake:update"), data)
        self.assertEqual(response.status_code, 302)
        page = self.client.get(reverse("intake:update")).content.decode()
        self.assertIn('value="2026-12-20"', page)
        self.assertIn("Ребёнок 1: возраст", page)
        self.assertRegex(page, r'name="child_0_age" value="6"')
