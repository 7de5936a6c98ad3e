"""Every casework URL with every kind of visitor: the answer is the same for a missing case
and for a case that is not yours."""

import uuid

from django.test import Client
from django.urls import reverse

from sanctuary.accounts.models import Role
from sanctuary.cases.models import CaseFile, Task
from sanctuary.intake.tests.helpers import submit
from sanctuary.test import BaseTestCase, make_staff

LOGIN = "login"


class AccessMatrixTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.holder = make_staff("holder", Role.COUNSELOR)
        self.seeker = Client()
        submit(self.seeker)
        self.file = CaseFile.objects.get()
        self.log_in(self.charlie)
        self.client.post(
            reverse("cases:assign", args=[self.file.pk]), {"counselor": self.holder.pk}
        )
        self.client.post(
            reverse("cases:task", args=[self.file.pk]), {"text": "t", "due_date": "2099-01-01"}
        )
        self.task = Task.objects.get()
        self.client.post(reverse("accounts:logout"))

    def visitors(self) -> dict[str, Client]:
        clients = {"anonymous": Client(), "seeker": self.seeker}
        for name, user in (
            ("holding counselor", self.holder),
            ("other counselor", self.bob),
            ("coordinator", self.charlie),
            ("admin", self.alice),
        ):
            clients[name] = Client()
            self.log_in(user, clients[name])
        return clients

    def urls(self, case_id: object) -> list[tuple[str, str]]:
        pk = [case_id]
        return [
            ("get", reverse("cases:case", args=pk)),
            ("post", reverse("cases:reply", args=pk)),
            ("post", reverse("cases:note", args=pk)),
            ("post", reverse("cases:task", args=pk)),
            ("post", reverse("cases:task_done", args=[case_id, self.task.pk])),
            ("post", reverse("cases:stage", args=pk)),
            ("post", reverse("cases:detained", args=pk)),
        ]

    def answer(self, client: Client, method: str, url: str) -> int | str:
        response = getattr(client, method)(url, {})
        if response.status_code == 302 and "/staff/login/" in response["Location"]:
            return LOGIN
        return int(response.status_code)

    def test_it_answers_each_visitor_as_expected(self) -> None:
        expected_for_case = {
            "anonymous": LOGIN,
            "seeker": LOGIN,
            "holding counselor": "ok",
            "other counselor": 404,
            "coordinator": "ok",
            "admin": 404,
        }
        for name, client in self.visitors().items():
            for method, url in self.urls(self.file.pk):
                got = self.answer(client, method, url)
                want = expected_for_case[name]
                if want == "ok":
                    self.assertIn(got, (200, 302), f"{name} {method} {url}")
                else:
                    self.assertEqual(got, want, f"{name} {method} {url}")
            # A case that does not exist answers exactly like one that is not yours.
            for method, url in self.urls(uuid.uuid4()):
                got = self.answer(client, method, url)
                self.assertEqual(got, LOGIN if expected_for_case[name] == LOGIN else 404, url)

    def test_it_keeps_triage_and_assignment_for_the_intake_group(self) -> None:
        for name, client in self.visitors().items():
            triage = self.answer(client, "get", reverse("cases:triage"))
            assign = self.answer(client, "post", reverse("cases:assign", args=[self.file.pk]))
            if name == "coordinator":
                self.assertEqual((triage, assign), (200, 200), name)
            elif name in ("anonymous", "seeker"):
                self.assertEqual((triage, assign), (LOGIN, LOGIN), name)
            else:
                self.assertEqual((triage, assign), (404, 404), name)
