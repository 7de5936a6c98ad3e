from django.test import Client
from django.urls import reverse

from sanctuary.accounts.models import Role, Session
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.test import BaseTestCase


class PeopleTestCase(BaseTestCase):
    def test_it_lists_people_with_their_roles_for_admins(self) -> None:
        self.log_in(self.alice)
        response = self.get("accounts:people")
        self.assertContains(response, "bob")
        self.assertContains(response, "Консультант")

    def test_it_is_not_found_for_other_roles(self) -> None:
        self.log_in(self.charlie)
        self.assertEqual(self.get("accounts:people").status_code, 404)
        self.assertEqual(self.get("accounts:person", self.bob.pk).status_code, 404)

    def test_it_changes_roles_and_audits_the_change(self) -> None:
        self.log_in(self.alice)
        response = self.client.post(
            reverse("accounts:person", args=[self.bob.pk]), {"roles": ["counselor", "lawyer"]}
        )
        self.assertRedirects(response, reverse("accounts:person", args=[self.bob.pk]))
        self.bob.refresh_from_db()
        del self.bob._roles
        self.assertEqual(self.bob.roles, {Role.COUNSELOR.value, Role.LAWYER.value})
        entry = AuditEntry.objects.get(action=Action.ROLES_CHANGED)
        self.assertEqual(entry.details, {"before": ["counselor"], "after": ["counselor", "lawyer"]})
        self.assertEqual(entry.actor_id, self.alice.pk)

    def test_it_keeps_an_admin_from_removing_their_own_admin_role(self) -> None:
        self.log_in(self.alice)
        response = self.client.post(
            reverse("accounts:person", args=[self.alice.pk]), {"roles": ["counselor"]}
        )
        self.assertContains(response, "Нельзя снять роль администратора")
        self.assertTrue(self.alice.has_role(Role.ADMIN))

    def test_it_disables_an_account_and_ends_its_sessions_at_once(self) -> None:
        bobs_browser = Client()
        self.log_in(self.bob, bobs_browser)
        self.assertEqual(bobs_browser.get(reverse("accounts:home")).status_code, 200)
        self.log_in(self.alice)
        self.client.post(reverse("accounts:set_active", args=[self.bob.pk]), {"active": "0"})
        self.bob.refresh_from_db()
        self.assertFalse(self.bob.is_active)
        self.assertEqual(Session.objects.count(), 1)  # only Alice's
        response = bobs_browser.get(reverse("accounts:home"))
        self.assertRedirects(response, reverse("accounts:login") + "?next=/ru/staff/")
        entry = AuditEntry.objects.get(action=Action.ACCOUNT_DISABLED)
        self.assertEqual(entry.details, {"sessions_ended": 1})

    def test_it_enables_an_account_again(self) -> None:
        self.bob.is_active = False
        self.bob.save()
        self.log_in(self.alice)
        self.client.post(reverse("accounts:set_active", args=[self.bob.pk]), {"active": "1"})
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_active)

    def test_it_keeps_an_admin_from_disabling_themselves(self) -> None:
        self.log_in(self.alice)
        response = self.client.post(
            reverse("accounts:set_active", args=[self.alice.pk]), {"active": "0"}, follow=True
        )
        self.assertContains(response, "Нельзя отключить собственную учётную запись.")
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.is_active)
