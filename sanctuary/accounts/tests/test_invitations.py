from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from sanctuary.accounts.models import Invitation, Role, User, token_digest
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.test import BaseTestCase

NEW_PASSWORD = "quiet river under old bridges"


class InvitationsTestCase(BaseTestCase):
    def invite(self, *roles: str) -> str:
        self.log_in(self.alice)
        response = self.client.post(reverse("accounts:invitations"), {"roles": list(roles)})
        self.assertEqual(response.status_code, 200)
        link: str = response.context["created_link"]
        self.client.post(reverse("accounts:logout"))
        return link

    def test_it_requires_the_admin_role(self) -> None:
        self.log_in(self.bob)
        self.assertEqual(self.get("accounts:invitations").status_code, 404)
        response = self.client.post(reverse("accounts:invitations"), {"roles": ["admin"]})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Invitation.objects.exists())

    def test_it_requires_login(self) -> None:
        response = self.get("accounts:invitations")
        self.assertRedirects(response, reverse("accounts:login") + "?next=/ru/staff/invitations/")

    def test_it_shows_the_link_once_and_stores_only_a_digest(self) -> None:
        link = self.invite("counselor", "lawyer")
        token = link.rstrip("/").rsplit("/", 1)[1]
        invitation = Invitation.objects.get()
        self.assertEqual(invitation.token_hash, token_digest(token))
        self.assertNotIn(token, str(list(Invitation.objects.values())))
        self.assertEqual(invitation.roles, ["counselor", "lawyer"])
        self.assertEqual(invitation.expires_at - invitation.created_at, timedelta(hours=72))
        self.log_in(self.alice)
        self.assertNotContains(self.get("accounts:invitations"), token)
        entry = AuditEntry.objects.get(action=Action.INVITATION_CREATED)
        self.assertEqual(entry.details, {"roles": ["counselor", "lawyer"]})

    def test_it_asks_for_at_least_one_role(self) -> None:
        self.log_in(self.alice)
        response = self.client.post(reverse("accounts:invitations"), {})
        self.assertContains(response, "Обязательное поле.")
        self.assertFalse(Invitation.objects.exists())

    def test_it_creates_the_account_with_the_invited_roles(self) -> None:
        link = self.invite("counselor", "lawyer")
        response = self.client.post(
            link,
            {"username": "Eva", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        )
        self.assertRedirects(response, reverse("accounts:login"))
        eva = User.objects.get(username="eva")
        self.assertEqual(eva.roles, {Role.COUNSELOR.value, Role.LAWYER.value})
        self.assertTrue(eva.check_password(NEW_PASSWORD))
        self.assertFalse(eva.has_second_factor())
        self.assertTrue(AuditEntry.objects.filter(action=Action.INVITATION_ACCEPTED).exists())

    def test_it_works_only_once(self) -> None:
        link = self.invite("counselor")
        data = {"username": "eva", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
        self.client.post(link, data)
        response = self.client.post(link, {**data, "username": "eve"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(User.objects.filter(username="eve").exists())

    def test_it_expires_after_72_hours(self) -> None:
        link = self.invite("counselor")
        with time_machine.travel(timezone.now() + timedelta(hours=72, minutes=1)):
            response = self.client.get(link)
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "больше не действует", status_code=404)

    def test_it_keeps_what_was_typed_when_the_password_is_weak(self) -> None:
        link = self.invite("counselor")
        response = self.client.post(
            link, {"username": "eva", "password": "short", "password_again": "short"}
        )
        self.assertContains(response, 'value="eva"')
        self.assertContains(response, "Введённый пароль слишком короткий")
        self.assertFalse(User.objects.filter(username="eva").exists())

    def test_it_refuses_a_taken_username_and_mismatched_passwords(self) -> None:
        link = self.invite("counselor")
        response = self.client.post(
            link, {"username": "bob", "password": NEW_PASSWORD, "password_again": "other words"}
        )
        self.assertContains(response, "Это имя уже занято")
        self.assertEqual(Invitation.objects.get().used_at, None)

    def test_it_can_be_revoked(self) -> None:
        link = self.invite("counselor")
        self.log_in(self.alice)
        invitation = Invitation.objects.get()
        self.client.post(reverse("accounts:revoke_invitation", args=[invitation.pk]))
        self.client.post(reverse("accounts:logout"))
        self.assertEqual(self.client.get(link).status_code, 404)
        self.assertTrue(AuditEntry.objects.filter(action=Action.INVITATION_REVOKED).exists())
