import copy
from typing import Any

from django.urls import reverse

from sanctuary.accounts.models import Role
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.routes.models import FactProposal, FactRevision, ProposalState, StoredFact
from sanctuary.routes.services import advice_for_situation, do_import_knowledge, fact_as_yaml
from sanctuary.routes.tests.helpers import check_options
from sanctuary.test import BaseTestCase, make_staff

KYRGYZSTAN_BY_AIR = {
    "status": "civilian",
    "location": {"kind": "russia"},
    "documents": {"internal_passport": True, "international_passport": None},
    "today": "2026-03-01",
}


def kyrgyz_stay_days() -> int:
    advice = advice_for_situation(KYRGYZSTAN_BY_AIR, "en")
    option = next(o for o in advice["options"] if o["id"] == "KG-air")
    days: int = option["stay_limit"]["days"]
    return days


class EditFlowTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        do_import_knowledge()
        self.dana = make_staff("dana", Role.LAWYER)
        self.fact = StoredFact.objects.get(fact_id="A-KG-001")

    def edited_yaml(self, days: int) -> str:
        data = copy.deepcopy(self.fact.data)
        stay = next(rule for rule in data["rules"] if rule.get("days"))
        stay["days"] = days
        return fact_as_yaml(data)

    def propose(self, **fields: Any) -> Any:
        answers = {
            "text": self.edited_yaml(60),
            "source_url": "https://example.org/kyrgyzstan-stay",
            "reason": "The limit was cut to 60 days.",
            **fields,
        }
        return self.client.post(reverse("routes:propose", args=[self.fact.fact_id]), answers)

    def test_it_takes_effect_only_after_a_second_person_approves(self) -> None:
        self.assertEqual(kyrgyz_stay_days(), 90)
        self.log_in(self.charlie)
        response = self.propose()
        proposal = FactProposal.objects.get()
        self.assertRedirects(response, reverse("routes:proposal", args=[proposal.pk]))
        self.assertEqual(kyrgyz_stay_days(), 90)

        # The proposer cannot approve his own edit.
        response = self.client.post(reverse("routes:approve", args=[proposal.pk]))
        self.assertEqual(response.status_code, 403)
        self.assertIn("Проверить ваше предложение должен другой человек", response.content.decode())
        proposal.refresh_from_db()
        self.assertEqual(proposal.state, ProposalState.PENDING)
        self.assertEqual(kyrgyz_stay_days(), 90)

        self.client.logout()
        self.log_in(self.dana)
        response = self.client.post(reverse("routes:approve", args=[proposal.pk]))
        self.assertRedirects(response, reverse("routes:fact", args=[self.fact.fact_id]))
        proposal.refresh_from_db()
        self.assertEqual(proposal.state, ProposalState.APPROVED)
        self.assertEqual(kyrgyz_stay_days(), 60)
        public = check_options(
            self.client,
            {
                "status": "civilian",
                "location": "russia",
                "internal_passport": "on",
                "criminal_case": "none",
                "children": "0",
            },
        )
        self.assertIn("Можно находиться до 60 дней из каждых 180.", public.content.decode())

        page = self.client.get(reverse("routes:fact", args=[self.fact.fact_id])).content.decode()
        self.assertIn("Версия 2", page)
        self.assertIn("Версия 1", page)
        self.assertIn("The limit was cut to 60 days.", page)
        self.assertRegex(page, r"\n\+[ -]+days: 60\n")
        revisions = FactRevision.objects.filter(fact=self.fact)
        self.assertEqual([r.number for r in revisions], [2, 1])
        self.assertEqual(revisions[0].proposed_by, self.charlie)
        self.assertEqual(revisions[0].approved_by, self.dana)

        actions = list(AuditEntry.objects.values_list("action", "actor_id"))
        self.assertIn((Action.ROUTES_EDIT_PROPOSED.value, self.charlie.pk), actions)
        self.assertIn((Action.ROUTES_EDIT_APPROVED.value, self.dana.pk), actions)

    def test_it_rejects_a_proposal_and_audits_it(self) -> None:
        self.log_in(self.dana)
        self.propose()
        proposal = FactProposal.objects.get()
        self.client.logout()
        self.log_in(self.charlie)
        response = self.client.post(
            reverse("routes:reject", args=[proposal.pk]), {"note": "source is a blog"}
        )
        self.assertRedirects(response, reverse("routes:proposals"))
        proposal.refresh_from_db()
        self.assertEqual(proposal.state, ProposalState.REJECTED)
        self.assertEqual(proposal.decided_by, self.charlie)
        self.assertEqual(kyrgyz_stay_days(), 90)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=Action.ROUTES_EDIT_REJECTED.value, actor_id=self.charlie.pk
            ).exists()
        )

    def test_it_refuses_a_counselor(self) -> None:
        self.log_in(self.bob)
        self.assertEqual(self.propose().status_code, 404)
        page = self.client.get(reverse("routes:propose", args=[self.fact.fact_id]))
        self.assertEqual(page.status_code, 404)
        self.assertFalse(FactProposal.objects.exists())

    def test_it_refuses_an_admin_who_is_not_a_lawyer_or_coordinator(self) -> None:
        self.log_in(self.alice)
        self.assertEqual(self.propose().status_code, 404)

    def test_it_needs_a_source_and_a_reason_and_keeps_the_input(self) -> None:
        self.log_in(self.charlie)
        response = self.propose(source_url="", reason="")
        page = response.content.decode()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(page.count("Обязательное поле."), 2)
        self.assertIn("days: 60", page)
        self.assertFalse(FactProposal.objects.exists())

    def test_it_names_the_field_of_a_schema_error_and_keeps_the_input(self) -> None:
        self.log_in(self.charlie)
        text = self.edited_yaml(60).replace("confidence: high", "confidence: certain")
        response = self.propose(text=text)
        page = response.content.decode()
        self.assertIn("confidence: &#x27;certain&#x27; is not one of: high, medium, low", page)
        self.assertIn("confidence: certain", page)
        self.assertFalse(FactProposal.objects.exists())

    def test_it_checks_references_against_the_whole_base(self) -> None:
        self.log_in(self.charlie)
        text = fact_as_yaml({**self.fact.data, "see": ["A-NOWHERE-001"]})
        page = self.propose(text=text).content.decode()
        self.assertIn("see: A-NOWHERE-001 is not a fact id", page)

    def test_it_refuses_to_change_the_id(self) -> None:
        self.log_in(self.charlie)
        text = fact_as_yaml({**self.fact.data, "id": "A-KG-999"})
        page = self.propose(text=text).content.decode()
        self.assertIn("id: must stay A-KG-001", page)

    def test_it_refuses_an_outdated_proposal(self) -> None:
        self.log_in(self.charlie)
        self.propose()
        self.propose(text=self.edited_yaml(45))
        first, second = FactProposal.objects.order_by("pk")
        self.client.logout()
        self.log_in(self.dana)
        self.client.post(reverse("routes:approve", args=[first.pk]))
        response = self.client.post(reverse("routes:approve", args=[second.pk]))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(kyrgyz_stay_days(), 60)
