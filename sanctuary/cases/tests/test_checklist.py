"""The emergency checklist: editable per country, shown on a case flagged detained or missing,
each step ticked and audited, and the flag escalating the case to the coordinators' queue."""

import uuid

from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from sanctuary.accounts.models import Role, User
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.cases.models import CaseFile, ChecklistItem, ChecklistTick
from sanctuary.intake.tests.helpers import submit
from sanctuary.test import BaseTestCase, log_in, make_staff

LOGIN = "login"


def step(country: str, text: str, position: int = 10) -> ChecklistItem:
    return ChecklistItem.objects.create(
        country=country, position=position, text_en=text, text_ru=f"ru {text}"
    )


class ChecklistTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        ChecklistItem.objects.all().delete()  # the starting steps of the data migration
        self.holder = make_staff("holder", Role.COUNSELOR)
        self.lawyer = make_staff("lena", Role.LAWYER)
        self.seeker = Client()
        submit(self.seeker)
        self.file = CaseFile.objects.select_related("case").get()
        self.case = self.file.case
        self.log_in(self.charlie)
        self.client.post(
            reverse("cases:assign", args=[self.case.pk]), {"counselor": self.holder.pk}
        )
        self.general = step("", "write down what is known", 10)
        self.local = step(self.case.country, "call the duty lawyer in the country", 5)
        self.elsewhere = step("AM" if self.case.country != "AM" else "GE", "far away step")

    def flag(self, client: Client, on: bool = True) -> None:
        client.post(
            reverse("cases:detained", args=[self.case.pk]), {"detained": "1" if on else "0"}
        )

    def test_it_shows_the_country_steps_first_then_every_country_only_when_flagged(self) -> None:
        holder = Client()
        self.log_in(self.holder, holder)
        page = holder.get(reverse("cases:case", args=[self.case.pk]))
        self.assertNotContains(page, "call the duty lawyer")
        self.flag(holder)
        page = holder.get(reverse("cases:case", args=[self.case.pk]))
        texts = [s["item"].pk for s in page.context["checklist"]]
        self.assertEqual(texts, [self.local.pk, self.general.pk])
        self.assertContains(page, "ru call the duty lawyer")  # the suite runs in Russian
        self.assertNotContains(page, "far away step")

    def test_it_shows_another_countrys_steps_on_request(self) -> None:
        holder = Client()
        self.log_in(self.holder, holder)
        self.flag(holder)
        url = reverse("cases:case", args=[self.case.pk])
        page = holder.get(url, {"checklist": self.elsewhere.country})
        self.assertContains(page, "far away step")
        # An unknown country falls back to the case's own.
        page = holder.get(url, {"checklist": "<script>"})
        self.assertContains(page, "call the duty lawyer")

    def test_it_escalates_a_flagged_case_to_the_top_of_the_coordinators_queue(self) -> None:
        submit(Client(), status="deserter", left_unit="2026-11-01", summons="", summons_date="")
        rows = self.get("cases:triage").context["rows"]
        self.assertNotIn(self.file, [r["file"] for r in rows])  # assigned: not in the queue
        holder = Client()
        self.log_in(self.holder, holder)
        self.flag(holder)
        rows = self.get("cases:triage").context["rows"]
        self.assertEqual(rows[0]["file"], self.file)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=Action.CASE_DETAINED_FLAG, object_id=str(self.case.pk)
            ).exists()
        )
        self.flag(holder, on=False)
        rows = self.get("cases:triage").context["rows"]
        self.assertNotIn(self.file, [r["file"] for r in rows])

    def test_it_ticks_a_step_once_and_audits_it(self) -> None:
        holder = Client()
        self.log_in(self.holder, holder)
        self.flag(holder)
        url = reverse("cases:checklist_tick", args=[self.case.pk, self.local.pk])
        holder.post(url)
        holder.post(url)
        tick = ChecklistTick.objects.get()
        self.assertEqual((tick.item, tick.by), (self.local, self.holder))
        entries = AuditEntry.objects.filter(action=Action.CHECKLIST_STEP_DONE)
        self.assertEqual(entries.count(), 1)
        page = holder.get(reverse("cases:case", args=[self.case.pk]))
        self.assertContains(page, "holder")

    def test_it_refuses_to_tick_on_an_unflagged_case_or_another_countrys_step(self) -> None:
        holder = Client()
        self.log_in(self.holder, holder)
        url = reverse("cases:checklist_tick", args=[self.case.pk, self.local.pk])
        self.assertEqual(holder.post(url).status_code, 404)
        self.flag(holder)
        other = reverse("cases:checklist_tick", args=[self.case.pk, self.elsewhere.pk])
        self.assertEqual(holder.post(other).status_code, 404)
        response = holder.post(other, {"country": self.elsewhere.country})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(ChecklistTick.objects.filter(item=self.local).exists())

    def test_it_lets_coordinators_and_lawyers_edit_steps_with_an_audit_entry(self) -> None:
        lawyer = Client()
        self.log_in(self.lawyer, lawyer)
        values = {
            "country": "KZ",
            "position": "3",
            "kind": "lawyer",
            "text_en": "ask Aigerim",
            "text_ru": "спросить Айгерим",
            "contact": "duty line",
        }
        response = lawyer.post(reverse("cases:checklists"), values)
        self.assertEqual(response.status_code, 302)
        item = ChecklistItem.objects.get(text_en="ask Aigerim")
        self.assertEqual((item.country, item.position, item.updated_by), ("KZ", 3, self.lawyer))
        url = reverse("cases:checklist_item", args=[item.pk])
        lawyer.post(url, {**values, "text_en": "ask the duty lawyer"})
        item.refresh_from_db()
        self.assertEqual(item.text_en, "ask the duty lawyer")
        lawyer.post(reverse("cases:checklist_remove", args=[item.pk]))
        self.assertFalse(ChecklistItem.objects.filter(pk=item.pk).exists())
        changes = AuditEntry.objects.filter(action=Action.CHECKLIST_CHANGED).order_by("seq")
        self.assertEqual([e.details["change"] for e in changes], ["added", "edited", "removed"])
        self.assertNotIn("Aigerim", str([e.details for e in changes]))

    def test_it_keeps_what_was_typed_when_a_step_is_refused(self) -> None:
        values = {
            "country": "XX",
            "position": "-1",
            "kind": "call",
            "text_en": "typed text stays",
            "text_ru": "",
            "contact": "",
        }
        response = self.client.post(reverse("cases:checklists"), values)
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(set(form.errors), {"country", "position", "text_ru"})
        self.assertContains(response, "typed text stays")
        self.assertFalse(ChecklistItem.objects.filter(text_en="typed text stays").exists())

    def test_it_answers_each_visitor_as_expected(self) -> None:
        clients = {"anonymous": Client(), "seeker": self.seeker}
        for name, user in (
            ("holding counselor", self.holder),
            ("other counselor", self.bob),
            ("coordinator", self.charlie),
            ("lawyer", self.lawyer),
            ("admin", self.alice),
        ):
            clients[name] = Client()
            self.log_in(user, clients[name])
        self.flag(clients["holding counselor"])
        edit_urls = [
            ("get", reverse("cases:checklists")),
            ("get", reverse("cases:checklist_item", args=[self.general.pk])),
        ]
        tick = reverse("cases:checklist_tick", args=[self.case.pk, self.general.pk])
        missing_case = reverse("cases:checklist_tick", args=[uuid.uuid4(), self.general.pk])
        missing_step = reverse("cases:checklist_item", args=[999999])
        editors = {"coordinator", "lawyer"}
        holders = {"holding counselor", "coordinator"}
        for name, client in clients.items():
            for method, url in edit_urls:
                got = self.answer(client, method, url)
                want = (
                    LOGIN if name in ("anonymous", "seeker") else (200 if name in editors else 404)
                )
                self.assertEqual(got, want, f"{name} {url}")
            want_tick = (
                LOGIN if name in ("anonymous", "seeker") else 302 if name in holders else 404
            )
            self.assertEqual(self.answer(client, "post", tick), want_tick, name)
            gone = LOGIN if name in ("anonymous", "seeker") else 404
            self.assertEqual(self.answer(client, "post", missing_case), gone, name)
            self.assertEqual(self.answer(client, "get", missing_step), gone, name)

    def answer(self, client: Client, method: str, url: str) -> int | str:
        response = getattr(client, method)(url)
        if response.status_code == 302 and "/staff/login/" in response["Location"]:
            return LOGIN
        return int(response.status_code)


class ChecklistBadInputTestCase(HypothesisTestCase):
    """Whatever is posted to the step form: no 500, and a refused form keeps the text."""

    editor: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.editor = make_staff("editor", Role.COORDINATOR)

    def setUp(self) -> None:
        self.client = Client()
        log_in(self.client, self.editor)

    @settings(max_examples=40, deadline=None)
    @given(
        country=st.text(max_size=4),
        position=st.text(max_size=6),
        kind=st.text(max_size=8),
        text_en=st.text(max_size=600),
    )
    def test_it_never_fails_on_any_input(
        self, country: str, position: str, kind: str, text_en: str
    ) -> None:
        values = {
            "country": country,
            "position": position,
            "kind": kind,
            "text_en": text_en,
            "text_ru": "шаг",
        }
        response = self.client.post(reverse("cases:checklists"), values)
        self.assertIn(response.status_code, (200, 302))
        if response.status_code == 200:
            self.assertTrue(response.context["form"].errors)
