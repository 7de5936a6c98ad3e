from django.test import Client
from django.urls import reverse

from sanctuary.audit.models import Action, AuditEntry
from sanctuary.keyring.models import Holder, PendingAccess
from sanctuary.keyring.services import open_staff_secret
from sanctuary.test import PASSWORD, BaseTestCase

NEW = "a different long passphrase"


class ChangePasswordTestCase(BaseTestCase):
    def test_it_changes_the_password_and_rewraps_the_same_keys(self) -> None:
        before = open_staff_secret(self.bob, PASSWORD)
        other_browser = Client()
        self.log_in(self.bob, other_browser)
        self.log_in(self.bob)
        response = self.client.post(
            reverse("accounts:change_password"),
            {"current": PASSWORD, "password": NEW, "password_again": NEW},
        )
        self.assertRedirects(response, reverse("accounts:home"))
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.check_password(NEW))
        after = open_staff_secret(self.bob, NEW)
        assert before is not None and after is not None
        self.assertEqual(before.public_key, after.public_key)
        self.assertEqual(self.get("accounts:home").status_code, 200)  # this session goes on
        self.assertEqual(other_browser.get(reverse("accounts:home")).status_code, 302)
        self.assertTrue(AuditEntry.objects.filter(action=Action.PASSWORD_CHANGED).exists())

    def test_it_refuses_a_wrong_current_password_and_keeps_the_keys(self) -> None:
        self.log_in(self.bob)
        response = self.client.post(
            reverse("accounts:change_password"),
            {"current": "not my password", "password": NEW, "password_again": NEW},
        )
        self.assertContains(response, "Текущий пароль указан неверно.")
        self.assertIsNotNone(open_staff_secret(self.bob, PASSWORD))

    def test_it_refuses_a_short_new_password(self) -> None:
        self.log_in(self.bob)
        response = self.client.post(
            reverse("accounts:change_password"),
            {"current": PASSWORD, "password": "short", "password_again": "short"},
        )
        self.assertContains(response, "слишком короткий")


class ResetPasswordTestCase(BaseTestCase):
    def test_it_gives_new_keys_through_a_single_use_link(self) -> None:
        self.log_in(self.alice)
        response = self.client.post(reverse("accounts:reset_password", args=[self.charlie.pk]))
        link = response.context["reset_link"]
        self.assertEqual(response.context["lost"], 0)
        self.charlie.refresh_from_db()
        self.assertFalse(self.charlie.has_usable_password())
        self.assertFalse(self.charlie.has_second_factor())
        holder = Holder.objects.get(user=self.charlie)
        self.assertFalse(holder.has_key)
        self.assertTrue(PendingAccess.objects.filter(holder=holder).exists())  # intake group
        self.client.post(reverse("accounts:logout"))

        response = self.client.post(link, {"password": NEW, "password_again": NEW})
        self.assertRedirects(response, reverse("accounts:login"))
        self.charlie.refresh_from_db()
        self.assertTrue(self.charlie.check_password(NEW))
        self.assertIsNotNone(open_staff_secret(self.charlie, NEW))
        self.assertEqual(self.client.get(link).status_code, 404)
        entry = AuditEntry.objects.get(action=Action.KEYS_RESET)
        self.assertEqual(entry.details["records_lost"], 0)

    def test_it_keeps_an_admin_from_resetting_themselves(self) -> None:
        self.log_in(self.alice)
        response = self.client.post(
            reverse("accounts:reset_password", args=[self.alice.pk]), follow=True
        )
        self.assertContains(response, "Смените свой пароль")

    def test_it_is_for_admins_only(self) -> None:
        self.log_in(self.charlie)
        response = self.client.post(reverse("accounts:reset_password", args=[self.bob.pk]))
        self.assertEqual(response.status_code, 404)
