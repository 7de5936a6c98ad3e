from typing import TYPE_CHECKING

from django.urls import reverse

from sanctuary.accounts.models import LoginSession, User
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.test import PASSWORD, BaseTestCase, totp_for

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse


class LoginTestCase(BaseTestCase):
    def post_login(self, username: str, password: str = PASSWORD) -> "_MonkeyPatchedWSGIResponse":
        return self.client.post(
            reverse("accounts:login"), {"username": username, "password": password}
        )

    def test_it_shows_the_form(self) -> None:
        response = self.get("accounts:login")
        self.assertContains(response, 'name="password"')
        self.assertContains(response, 'autocomplete="current-password"')

    def test_it_asks_for_the_second_factor_after_the_password(self) -> None:
        response = self.post_login("alice")
        self.assertRedirects(
            response, reverse("accounts:verify") + "?next=%2Fru%2Fstaff%2F", target_status_code=200
        )
        # The password alone opens no staff page.
        self.assertRedirects(self.get("accounts:people"), reverse("accounts:verify"))
        response = self.client.post(reverse("accounts:verify"), {"token": totp_for(self.alice)})
        self.assertRedirects(response, reverse("accounts:home"))
        self.assertEqual(self.get("accounts:people").status_code, 200)
        actions = AuditEntry.objects.in_chain_order().values_list("action", flat=True)
        self.assertEqual(list(actions)[-2:], [Action.LOGIN, Action.OTP_VERIFIED])

    def test_it_sends_a_person_without_second_factor_to_enrol(self) -> None:
        User.objects.create_user("dora", PASSWORD)
        response = self.post_login("dora")
        self.assertTrue(response["Location"].startswith(reverse("accounts:enrol")))
        self.assertRedirects(self.get("accounts:home"), reverse("accounts:enrol"))

    def test_it_refuses_a_wrong_password_and_keeps_the_username(self) -> None:
        response = self.post_login("alice", "wrong password here")
        self.assertContains(response, "Неверное имя пользователя или пароль.")
        self.assertContains(response, 'value="alice"')
        entry = AuditEntry.objects.get(action=Action.LOGIN_FAILED)
        self.assertEqual(entry.actor_id, self.alice.pk)

    def test_it_answers_an_unknown_username_like_a_wrong_password(self) -> None:
        response = self.post_login("nobody")
        self.assertContains(response, "Неверное имя пользователя или пароль.")
        entry = AuditEntry.objects.get(action=Action.LOGIN_FAILED)
        self.assertEqual(entry.actor_id, None)
        self.assertNotIn("nobody", str(entry.details))

    def test_it_speaks_english_under_the_english_prefix(self) -> None:
        response = self.client.post(
            "/en/staff/login/", {"username": "alice", "password": "wrong password here"}
        )
        self.assertContains(response, "Wrong username or password.")

    def test_it_never_writes_the_client_address(self) -> None:
        self.client.post(
            reverse("accounts:login"),
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR="203.0.113.77",
        )
        self.log_in(self.alice)
        for entry in AuditEntry.objects.all():
            self.assertNotIn("203.0.113.77", str(entry.as_link()))
        self.assertNotIn("203.0.113.77", str(list(User.objects.values())))

    def test_it_refuses_a_disabled_account(self) -> None:
        self.bob.is_active = False
        self.bob.save()
        self.assertContains(self.post_login("bob"), "Неверное имя пользователя или пароль.")

    def test_it_ignores_an_offsite_next(self) -> None:
        response = self.client.post(
            reverse("accounts:login") + "?next=https://evil.example/",
            {"username": "alice", "password": PASSWORD},
        )
        self.assertNotIn("evil.example", response["Location"])

    def test_it_logs_out_with_post_only(self) -> None:
        self.log_in(self.alice)
        self.assertEqual(self.get("accounts:logout").status_code, 405)
        response = self.client.post(reverse("accounts:logout"))
        self.assertRedirects(response, reverse("accounts:logged_out"))
        page = self.get("accounts:logged_out")
        self.assertContains(page, "Вы вышли из системы.")
        self.assertContains(page, f'action="{reverse("accounts:login")}"')
        self.assertFalse(LoginSession.objects.exists())
        self.assertRedirects(
            self.get("accounts:home"), reverse("accounts:login") + "?next=/ru/staff/"
        )
        self.assertTrue(AuditEntry.objects.filter(action=Action.LOGOUT).exists())

    def test_it_hashes_passwords_with_argon2id(self) -> None:
        self.assertTrue(self.alice.password.startswith("argon2$argon2id$"))
