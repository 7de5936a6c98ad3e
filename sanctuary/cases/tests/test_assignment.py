"""Assignment suggestions on the case page, and the counselor's languages and countries."""

from django.test import Client
from django.urls import reverse

from sanctuary.accounts.models import Role
from sanctuary.cases.models import CaseFile, CounselorProfile
from sanctuary.intake.tests.helpers import submit
from sanctuary.test import BaseTestCase, make_staff


class AssignmentTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dora = make_staff("dora", Role.COUNSELOR)
        submit(Client())
        self.file = CaseFile.objects.select_related("case").get()

    def test_it_saves_a_counselors_languages_and_countries(self) -> None:
        self.log_in(self.dora)
        response = self.client.post(
            reverse("cases:profile"), {"languages": ["ru", "kk"], "countries": ["KZ"]}
        )
        self.assertEqual(response.status_code, 302)
        profile = CounselorProfile.objects.get(user=self.dora)
        self.assertEqual((profile.languages, profile.countries), (["kk", "ru"], ["KZ"]))
        page = self.client.get(reverse("cases:profile"))
        self.assertEqual(page.context["form"].initial["countries"], ["KZ"])

    def test_it_refuses_unknown_choices_and_keeps_the_rest(self) -> None:
        self.log_in(self.dora)
        response = self.client.post(
            reverse("cases:profile"), {"languages": ["ru", "xx"], "countries": ["ZZ"]}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(set(response.context["form"].errors), {"languages", "countries"})
        self.assertFalse(CounselorProfile.objects.exists())

    def test_it_keeps_the_profile_page_for_counselors(self) -> None:
        self.log_in(self.charlie)
        self.assertEqual(self.client.get(reverse("cases:profile")).status_code, 404)
        anonymous = Client().get(reverse("cases:profile"))
        self.assertEqual(anonymous.status_code, 302)

    def test_it_suggests_who_speaks_his_language_and_knows_his_country_first(self) -> None:
        case = self.file.case
        CounselorProfile.objects.create(user=self.bob, languages=["en"], countries=[])
        CounselorProfile.objects.create(
            user=self.dora, languages=list(case.languages), countries=[case.country or "RU"]
        )
        self.log_in(self.charlie)
        page = self.client.get(reverse("cases:case", args=[case.pk]))
        names = [s["user"].username for s in page.context["suggestions"]]
        self.assertEqual(names[0], "dora")
        choices = list(page.context["assign_form"].fields["counselor"].choices)
        self.assertEqual(choices[1][0], self.dora.pk)
        self.assertIn("dora", str(choices[1][1]))

    def test_it_weighs_the_load_of_open_cases(self) -> None:
        for user in (self.bob, self.dora):
            CounselorProfile.objects.create(
                user=user, languages=list(self.file.case.languages), countries=[]
            )
        submit(Client())
        other = CaseFile.objects.exclude(pk=self.file.pk).get()
        self.log_in(self.charlie)
        self.client.post(reverse("cases:assign", args=[other.pk]), {"counselor": self.bob.pk})
        page = self.client.get(reverse("cases:case", args=[self.file.pk]))
        rows = page.context["suggestions"]
        self.assertEqual([r["user"].username for r in rows], ["dora", "bob"])
        self.assertEqual([r["open_cases"] for r in rows], [0, 1])

    def test_it_refuses_an_assignment_to_someone_who_is_not_a_counselor(self) -> None:
        self.log_in(self.charlie)
        url = reverse("cases:assign", args=[self.file.pk])
        response = self.client.post(url, {"counselor": self.alice.pk, "keep_previous": "on"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("counselor", response.context["assign_form"].errors)
        self.file.refresh_from_db()
        self.assertIsNone(self.file.counselor)
