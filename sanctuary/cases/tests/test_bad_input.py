"""Bad input on every casework form: never a server error, a refused form explains itself in
the user's language and keeps what was typed, and nothing is written."""

import html
from typing import Any, ClassVar

from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from sanctuary.accounts.models import Role, User
from sanctuary.cases.models import CaseFile, CheckIn, Message, Note, Task
from sanctuary.intake.tests.helpers import submit
from sanctuary.test import log_in, make_staff

# Each form: its URL name, the fields posted, and which of them hold typed text.
FORMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "cases:reply": (("body",), ("body",)),
    "cases:note": (("note",), ("note",)),
    "cases:task": (("text", "due_date"), ("text",)),
    "cases:check_in": (("label", "due_at"), ("label",)),
    "cases:stage": (("case_type", "stage"), ()),
    "cases:assign": (("counselor", "keep_previous"), ()),
}
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=120)


def written() -> tuple[int, ...]:
    return (
        Message.objects.count(),
        Note.objects.count(),
        Task.objects.count(),
        CheckIn.objects.count(),
    )


class CaseworkBadInputTestCase(HypothesisTestCase):
    coordinator: ClassVar[User]
    file: ClassVar[CaseFile]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.coordinator = make_staff("charlie", Role.COORDINATOR)
        make_staff("bob", Role.COUNSELOR)
        submit(Client())
        cls.file = CaseFile.objects.get()

    def setUp(self) -> None:
        self.client = Client()
        log_in(self.client, self.coordinator)

    def post(self, name: str, data: dict[str, Any]) -> Any:
        return self.client.post(reverse(name, args=[self.file.pk]), data)

    @settings(max_examples=80, deadline=None)
    @given(form=st.sampled_from(sorted(FORMS)), values=st.lists(TEXT, min_size=2, max_size=2))
    def test_it_never_fails_and_keeps_what_was_typed(self, form: str, values: list[str]) -> None:
        fields, typed = FORMS[form]
        data = dict(zip(fields, values, strict=False))
        before = written()
        response = self.post(form, data)
        self.assertIn(response.status_code, (200, 302), (form, data))
        if response.status_code == 302:
            return  # accepted: a valid value, written as any other
        page = response.content.decode()
        self.assertIn('lang="ru"', page)
        self.assertIn("error", page)
        self.assertEqual(written(), before)
        for field in typed:
            value = data[field]
            if value and "\x00" not in value and value.strip() == value and "\r" not in value:
                self.assertTrue(
                    html.escape(value, quote=False) in page or html.escape(value) in page,
                    (form, field, value),
                )

    def test_it_explains_each_refusal_in_russian(self) -> None:
        cases = [
            ("cases:reply", {"body": ""}, "Обязательное поле."),
            ("cases:task", {"text": "позвонить", "due_date": "2001-01-01"}, "прош"),
            ("cases:task", {"text": "позвонить", "due_date": "завтра"}, "Введите"),
            ("cases:check_in", {"label": "граница", "due_at": "2001-01-01T10:00"}, "прош"),
            ("cases:stage", {"case_type": "pirate", "stage": "new"}, "Выберите"),
            ("cases:assign", {"counselor": "999999"}, "Выберите"),
        ]
        for name, data, phrase in cases:
            response = self.post(name, data)
            self.assertEqual(response.status_code, 200, name)
            page = response.content.decode()
            self.assertIn(phrase, page, name)
            for value in data.values():
                if value and name != "cases:assign":
                    self.assertIn(html.escape(value), page, name)
