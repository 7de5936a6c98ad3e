from django.urls import reverse

from sanctuary.accounts.models import Role
from sanctuary.routes.models import StoredFact
from sanctuary.routes.services import do_import_knowledge, forget_live_base
from sanctuary.test import BaseTestCase, make_staff


class StaffPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        do_import_knowledge()

    def make_stale(self, fact_id: str) -> None:
        stored = StoredFact.objects.get(fact_id=fact_id)
        stored.data = {**stored.data, "last_verified": "2020-01-01"}
        stored.save(update_fields=["data"])
        forget_live_base()

    def test_it_requires_login(self) -> None:
        for url in (
            reverse("routes:facts"),
            reverse("routes:countries"),
            reverse("routes:country", args=["KZ"]),
            reverse("routes:fact", args=["A-KG-001"]),
            reverse("routes:proposals"),
        ):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertTrue(response["Location"].startswith(reverse("accounts:login")), url)

    def test_it_requires_the_second_factor(self) -> None:
        dana = make_staff("dana", Role.LAWYER, second_factor=False)
        self.client.force_login(dana)
        response = self.client.get(reverse("routes:facts"))
        self.assertEqual(response.status_code, 302)

    def test_it_lists_facts_with_staleness_badges_and_filters(self) -> None:
        self.make_stale("A-KG-001")
        self.log_in(self.bob)
        response = self.client.get(reverse("routes:facts"), {"place": "KG"}, headers={})
        page = response.content.decode()
        self.assertEqual(response.status_code, 200)
        self.assertIn("A-KG-001", page)
        self.assertIn("устарел: последняя проверка 1 января 2020", page)
        self.assertNotIn("A-GE-001", page)
        response = self.client.get(reverse("routes:facts"), {"status": "conflict"})
        statuses = {
            fact.data["status"]
            for fact in StoredFact.objects.all()
            if fact.fact_id in response.content.decode()
        }
        self.assertEqual(statuses, {"conflict"})

    def test_it_shows_a_country_profile(self) -> None:
        self.make_stale("A-KG-001")
        self.log_in(self.bob)
        response = self.client.get(reverse("routes:country", args=["KG"]))
        page = response.content.decode()
        self.assertEqual(response.status_code, 200)
        for section in ("Въезд", "Сроки пребывания", "Защита", "Риски"):
            self.assertIn(f"<h2>{section}</h2>", page)
        self.assertIn("Можно находиться до 90 дней из каждых 180.", page)
        self.assertIn("устарел: последняя проверка", page)
        self.assertIn(reverse("routes:fact", args=["A-KG-001"]), page)

    def test_it_answers_not_found_for_an_unknown_country_or_fact(self) -> None:
        self.log_in(self.bob)
        self.assertEqual(self.client.get(reverse("routes:country", args=["XX"])).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("routes:fact", args=["A-NONE-1"])).status_code, 404
        )

    def test_it_shows_routes_in_the_staff_menu(self) -> None:
        self.log_in(self.bob)
        page = self.client.get(reverse("accounts:home")).content.decode()
        self.assertIn(f'href="{reverse("routes:facts")}"', page)
