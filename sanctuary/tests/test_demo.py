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
