import base64
from datetime import timedelta

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sanctuary.accounts.models import Role, Session
from sanctuary.keyring.models import Holder
from sanctuary.keyring.services import open_staff_secret
from sanctuary.keyring.session import SESSION_FIELD, keychain
from sanctuary.test import PASSWORD, BaseTestCase


class KeySessionTestCase(BaseTestCase):
    def session_rows(self) -> str:
        return " ".join(str(session.get_decoded()) for session in Session.objects.all())

    def test_it_keeps_only_a_wrapped_key_in_the_session_and_the_key_in_a_cookie(self) -> None:
        self.log_in(self.charlie)
        cookie = self.client.cookies["keyring"]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Strict")
        keypair = open_staff_secret(self.charlie, PASSWORD)
        assert keypair is not None
        stored = self.session_rows() + " ".join(
            session.session_data for session in Session.objects.all()
        )
        self.assertIn(SESSION_FIELD, stored)
        for secret in (keypair.secret_key.hex(), base64.b64encode(keypair.secret_key).decode()):
            self.assertNotIn(secret, stored)
        self.assertNotIn(cookie.value, stored)

    def test_it_opens_the_keychain_with_cookie_and_session_together(self) -> None:
        self.log_in(self.charlie)
        response = self.get("keyring:pending")
        found = keychain(response.wsgi_request)
        assert found is not None
        intake = Holder.objects.get(group="intake")
        self.assertTrue(found.holds(intake.pk))
        # The session without the cookie opens nothing.
        del self.client.cookies["keyring"]
        response = self.get("keyring:pending")
        self.assertIsNone(keychain(response.wsgi_request))
        self.assertContains(response, "Ваши ключи не открыты")

    def test_it_refuses_a_cookie_from_another_session(self) -> None:
        self.log_in(self.charlie)
        stolen = self.client.cookies["keyring"].value
        other = Client()
        self.log_in(self.charlie, other)
        other.cookies["keyring"] = stolen
        response = other.get(reverse("keyring:pending"))
        self.assertIsNone(keychain(response.wsgi_request))

    def test_it_forgets_the_key_at_logout(self) -> None:
        self.log_in(self.charlie)
        response = self.client.post(reverse("accounts:logout"))
        self.assertEqual(response.cookies["keyring"].value, "")
        self.assertNotIn(SESSION_FIELD, self.session_rows())

    def test_it_forgets_the_key_when_the_session_idles_out(self) -> None:
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            self.log_in(self.charlie)
        with time_machine.travel(start + timedelta(minutes=31), tick=False):
            response = self.get("keyring:pending")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response.cookies["keyring"].value, "")

    def test_it_forgets_the_key_when_an_admin_disables_the_account(self) -> None:
        self.log_in(self.charlie)
        admin = Client()
        self.log_in(self.alice, admin)
        admin.post(reverse("accounts:set_active", args=[self.charlie.pk]), {"active": "0"})
        self.assertFalse(
            any(
                SESSION_FIELD in str(s.get_decoded())
                and s.get_decoded().get("_auth_user_id") == str(self.charlie.pk)
                for s in Session.objects.all()
            )
        )


class PendingPageTestCase(BaseTestCase):
    def test_it_lets_a_group_member_grant_a_new_member(self) -> None:
        self.log_in(self.alice)
        self.client.post(
            reverse("accounts:person", args=[self.bob.pk]), {"roles": ["counselor", "coordinator"]}
        )
        self.client.post(reverse("accounts:logout"))
        self.log_in(self.charlie)
        response = self.get("keyring:pending")
        self.assertContains(response, "bob")
        (shown,) = response.context["rows"]
        self.client.post(reverse("keyring:fulfil", args=[shown.row.pk]))
        self.assertContains(self.get("keyring:pending"), "Никто не ждёт")
        bob_holder = Holder.objects.get(user=self.bob)
        self.assertTrue(bob_holder.group_rows.filter(group__group="intake").exists())

    def test_it_hides_rows_the_person_cannot_grant(self) -> None:
        self.log_in(self.alice)
        self.client.post(reverse("accounts:person", args=[self.bob.pk]), {"roles": ["coordinator"]})
        response = self.get("keyring:pending")
        self.assertEqual(response.context["rows"], [])
        self.assertEqual(self.client.post(reverse("keyring:fulfil", args=[1])).status_code, 404)

    def test_it_never_gives_the_intake_key_at_once_even_when_the_admin_holds_it(self) -> None:
        self.alice.set_roles([Role.ADMIN.value, Role.COORDINATOR.value])
        from sanctuary.keyring.services import sync_groups

        sync_groups(self.alice, acting_user=None, keychain=None)
        # Alice became pending, as she holds no intake key; Charlie, its only member, grants her.
        self.log_in(self.charlie)
        (shown,) = self.get("keyring:pending").context["rows"]
        self.client.post(reverse("keyring:fulfil", args=[shown.row.pk]))
        self.client.post(reverse("accounts:logout"))
        self.log_in(self.alice)
        self.client.post(reverse("accounts:person", args=[self.bob.pk]), {"roles": ["coordinator"]})
        bob_holder = Holder.objects.get(user=self.bob)
        self.assertFalse(bob_holder.group_rows.filter(group__group="intake").exists())
        self.assertTrue(bob_holder.pending.filter(group__group="intake").exists())
