from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase

from sanctuary.accounts.models import User
from sanctuary.cases.models import CaseFile
from sanctuary.demo import DEMO_LOGINS, seed_case, seed_staff
from sanctuary.intake import services as intake
from sanctuary.intake.models import Case, Message
from sanctuary.keyring.services import keychain_for, open_record, open_staff_secret


class DemoSeedTestCase(TestCase):
    def test_it_refuses_to_run_outside_demo_mode(self) -> None:
        with pytest.raises(CommandError, match="SANCTUARY_DEMO"):
            call_command("seed_demo", stdout=StringIO())

    def test_it_seeds_staff_keys_and_a_case_and_can_run_twice(self) -> None:
        with self.settings(DEMO=True):
            out = StringIO()
            call_command("seed_demo", stdout=out)
            call_command("seed_demo", stdout=StringIO())
        self.assertIn("demo-admin-passphrase", out.getvalue())
        self.assertEqual(Case.objects.count(), 4)
        self.assertEqual(Message.objects.count(), 1)
        stages = set(CaseFile.objects.values_list("case_type", "stage"))
        self.assertIn(("deserter_russia", "counselling"), stages)
        self.assertEqual(CaseFile.objects.filter(counselor__username="counselor").count(), 2)
        for login in DEMO_LOGINS:
            user = User.objects.get(username=login.username)
            self.assertIsNotNone(open_staff_secret(user, login.password))
        found = intake.find_case(seed_case())
        assert found is not None
        case, keypair = found
        key = intake.case_key(case, keypair)
        self.assertIn("электронная повестка", intake.read_case(case, key)["story"])

    def test_it_keeps_group_keys_readable_across_runs(self) -> None:
        seed_staff()
        seed_case()
        seed_staff()
        coordinator = User.objects.get(username="coordinator")
        keypair = open_staff_secret(coordinator, "demo-coordinator-passphrase")
        assert keypair is not None
        opened = open_record(Case.objects.get(), keychain_for(coordinator, keypair))
        self.assertIn("повестка", opened.text("story"))
