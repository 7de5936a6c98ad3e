"""`make demo`'s seeder: every case type at a realistic stage, and a second run adds nothing."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from sanctuary.cases.models import Case, CaseFile, CheckIn, Note
from sanctuary.cases.stages import CaseType, Stage


class DemoSeederTestCase(TestCase):
    def seed(self) -> str:
        out = StringIO()
        with override_settings(DEMO=True):
            call_command("seed_demo", stdout=out)
        return out.getvalue()

    def test_it_seeds_every_case_type_at_realistic_stages(self) -> None:
        printed = self.seed()
        self.assertIn("amber canyon delta", printed)
        files = CaseFile.objects.all()
        self.assertEqual({f.case_type for f in files}, {t.value for t in CaseType})
        stages = {f.stage for f in files}
        self.assertTrue({Stage.NEW, Stage.COUNSELLING, Stage.IN_TRANSIT} <= stages)
        self.assertTrue(files.filter(detained=True).exists())
        self.assertTrue(files.filter(counselor__username="counselor").count() >= 5)
        self.assertTrue(CheckIn.objects.exists() and Note.objects.exists())

    def test_it_adds_nothing_when_run_twice(self) -> None:
        self.seed()
        counts = (Case.objects.count(), Note.objects.count(), CheckIn.objects.count())
        self.seed()
        self.assertEqual(
            (Case.objects.count(), Note.objects.count(), CheckIn.objects.count()), counts
        )

    def test_it_refuses_outside_demo_mode(self) -> None:
        with override_settings(DEMO=False), self.assertRaises(CommandError):
            call_command("seed_demo", stdout=StringIO())

    def test_it_prints_secrets_and_codes_that_pass_the_second_factor(self) -> None:
        import base64
        import re

        from django.test import Client
        from django.urls import reverse
        from django_otp.oath import TOTP

        printed = self.seed()
        found = re.search(r"coordinator +password (\S+) +TOTP secret (\S+)", printed)
        assert found is not None, printed
        password, secret = found[1], base64.b32decode(found[2])
        out = StringIO()
        with override_settings(DEMO=True):
            call_command("demo_code", "coordinator", stdout=out)
        code = out.getvalue().strip()
        # The step may turn between the command and this line: the code is this step's or the last.
        self.assertIn(code, {f"{TOTP(secret, drift=drift).token():06d}" for drift in (-1, 0)})
        client = Client()
        client.post(reverse("accounts:login"), {"username": "coordinator", "password": password})
        response = client.post(reverse("accounts:verify"), {"token": code})
        self.assertRedirects(response, reverse("accounts:home"))
