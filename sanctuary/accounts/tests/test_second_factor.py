from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanctuary.accounts.models import RecoveryCode, User
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.keyring.services import give_staff_keys
from sanctuary.test import PASSWORD, BaseTestCase, log_in, totp_code


class EnrolTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dora = User.objects.create_user("dora", PASSWORD)
        give_staff_keys(self.dora, PASSWORD)
        self.client.post(reverse("accounts:login"), {"username": "dora", "password": PASSWORD})

    def test_it_shows_a_qr_code_rendered_here(self) -> None:
        response = self.get("accounts:enrol")
        self.assertContains(response, "<svg")
        device = TOTPDevice.objects.get(user=self.dora, confirmed=False)
        self.assertNotContains(response, "<img")
        # The same unconfirmed device is reused when the page reloads.
        self.get("accounts:enrol")
        self.assertEqual(TOTPDevice.objects.filter(user=self.dora).count(), 1)
        self.assertEqual(device.user_id, self.dora.pk)

    def test_it_confirms_the_device_and_shows_ten_recovery_codes_once(self) -> None:
        self.get("accounts:enrol")
        device = TOTPDevice.objects.get(user=self.dora)
        response = self.client.post(reverse("accounts:enrol"), {"token": totp_code(device)})
        self.assertEqual(response.status_code, 200)
        codes = response.context["codes"]
        self.assertEqual(len(codes), 10)
        self.assertEqual(len(set(codes)), 10)
        for code in codes:
            self.assertContains(response, code)
            for row in RecoveryCode.objects.all():
                self.assertNotIn(code.encode(), bytes(row.digest))
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertEqual(self.get("accounts:home").status_code, 200)
        self.assertTrue(AuditEntry.objects.filter(action=Action.OTP_ENROLLED).exists())

    def test_it_refuses_a_wrong_code_and_stays_unconfirmed(self) -> None:
        self.get("accounts:enrol")
        response = self.client.post(reverse("accounts:enrol"), {"token": "000000"})
        self.assertContains(response, "Код не подошёл")
        self.assertFalse(TOTPDevice.objects.get(user=self.dora).confirmed)
        self.assertRedirects(self.get("accounts:home"), reverse("accounts:enrol"))

    def test_it_explains_a_malformed_code(self) -> None:
        response = self.client.post(reverse("accounts:enrol"), {"token": "12ab"})
        self.assertContains(response, "Введите шесть цифр")

    def test_it_asks_for_the_password_again_when_the_session_lost_the_keys(self) -> None:
        self.get("accounts:enrol")
        device = TOTPDevice.objects.get(user=self.dora)
        del self.client.cookies["keyring"]
        response = self.get("accounts:enrol")
        self.assertContains(response, "Ваши ключи не открыты в этом сеансе")
        self.assertNotContains(response, "<svg")
        response = self.client.post(reverse("accounts:enrol"), {"token": totp_code(device)})
        self.assertFalse(TOTPDevice.objects.get(pk=device.pk).confirmed)


class RecoveryCodeTestCase(BaseTestCase):
    def issue_codes(self) -> list[str]:
        log_in(self.client, self.alice)
        response = self.client.post(reverse("accounts:recovery_codes"))
        self.client.post(reverse("accounts:logout"))
        return list(response.context["codes"])

    def test_it_lets_a_recovery_code_in_once(self) -> None:
        code = self.issue_codes()[3]
        self.client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
        response = self.client.post(reverse("accounts:verify"), {"token": code.upper()})
        self.assertRedirects(response, reverse("accounts:home"))
        self.client.post(reverse("accounts:logout"))
        self.client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
        response = self.client.post(reverse("accounts:verify"), {"token": code})
        self.assertContains(response, "Этот код не действует")
        used = AuditEntry.objects.get(action=Action.RECOVERY_CODE_USED)
        self.assertEqual(used.details, {"codes_left": 9})

    def test_it_replaces_old_codes(self) -> None:
        old = self.issue_codes()
        self.issue_codes()
        self.client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
        response = self.client.post(reverse("accounts:verify"), {"token": old[0]})
        self.assertContains(response, "Этот код не действует")
