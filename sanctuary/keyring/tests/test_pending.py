"""No silent way in: a key that opens cases needs two colleagues, and never the inviter's yes.

The attack these tests replay (issue 12): with an admin's login, an attacker invites a
coordinator "mole" and accepts the link; the real coordinators' pending-access page must say who
invited him, one routine click must open nothing, and only a second coordinator's approval gives
him the intake key.
"""

import pytest
from django.test import Client
from django.urls import reverse

from sanctuary.accounts.models import Role, User
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.cases.models import Case
from sanctuary.intake.tests.helpers import submit
from sanctuary.keyring.models import Holder, PendingAccess, PendingApproval
from sanctuary.keyring.services import (
    ApprovalRefused,
    Keychain,
    NoAccess,
    approve_pending,
    forget_staff_keys,
    give_staff_keys,
    grant,
    group_holder,
    keychain_for,
    open_record,
    open_staff_secret,
    pending_for,
    seal_group_secret,
    sync_groups,
)
from sanctuary.test import PASSWORD, BaseTestCase, log_in, make_staff

MOLE_PASSWORD = "a mole chooses a long password too"


def keychain(user: User, password: str = PASSWORD) -> Keychain:
    keypair = open_staff_secret(user, password)
    assert keypair is not None
    return keychain_for(user, keypair)


class TwoCoordinatorsTestCase(BaseTestCase):
    """Charlie and Dora hold the intake key; a seeker's case is sealed to the intake group."""

    def setUp(self) -> None:
        super().setUp()
        self.dora = make_staff("dora", Role.COORDINATOR)
        # Charlie is the group's only member so far: his approval alone lets Dora in.
        (shown,) = pending_for(keychain(self.charlie))
        self.assertTrue(shown.alone)
        self.assertTrue(approve_pending(shown.row, keychain=keychain(self.charlie)))
        submit(Client())
        self.case = Case.objects.get()

    def invite_mole(self, inviter: User) -> User:
        """The attacker's part: an invitation made with the admin's login, accepted as mole."""
        client = Client()
        log_in(client, inviter)
        response = client.post(reverse("accounts:invitations"), {"roles": ["coordinator"]})
        link = response.context["created_link"]
        response = Client().post(
            link,
            {"username": "mole", "password": MOLE_PASSWORD, "password_again": MOLE_PASSWORD},
        )
        self.assertRedirects(response, reverse("accounts:login"))
        return User.objects.get(username="mole")

    def mole_opens_the_case(self, mole: User) -> bool:
        try:
            opened = open_record(self.case, keychain(mole, MOLE_PASSWORD))
        except NoAccess:
            return False
        return "canary-story-7f3a" in opened.text("story")

    def approve_as(self, user: User, pk: int) -> str:
        client = Client()
        log_in(client, user)
        response = client.post(reverse("keyring:fulfil", args=[pk]), follow=True)
        self.assertEqual(response.status_code, 200)
        return " ".join(str(message) for message in response.context["messages"])

    def test_it_needs_a_second_coordinator_before_the_mole_opens_anything(self) -> None:
        mole = self.invite_mole(self.alice)
        row = PendingAccess.objects.get(holder__user=mole)
        self.assertEqual(row.requested_by, self.alice)
        self.assertEqual(row.reason, PendingAccess.Reason.INVITATION)

        # The page says who invited him, when and with which role.
        log_in(self.client, self.charlie)
        response = self.get("keyring:pending")
        (shown,) = response.context["rows"]
        self.assertEqual(shown.row.holder.user, mole)
        self.assertEqual(shown.needed, 2)
        assert shown.row.invitation is not None
        self.assertEqual(shown.row.invitation.created_by, self.alice)
        self.assertEqual(shown.row.invitation.roles, ["coordinator"])
        self.assertContains(response, "Пригласил(а) alice")
        self.assertContains(response, "Координатор")
        self.assertContains(response, "0 из 2")

        # One routine click: an approval is recorded, nothing is sealed.
        self.client.post(reverse("keyring:fulfil", args=[row.pk]))
        self.assertFalse(self.mole_opens_the_case(mole))
        self.assertFalse(Holder.objects.get(user=mole).group_rows.exists())
        self.assertContains(self.get("keyring:pending"), "1 из 2")
        # The same coordinator clicking again is still one approval.
        self.client.post(reverse("keyring:fulfil", args=[row.pk]))
        self.assertFalse(self.mole_opens_the_case(mole))
        self.assertEqual(PendingApproval.objects.filter(pending=row).count(), 1)

        # A second, different coordinator approves: now, and only now, he opens the case.
        self.assertIn("Доступ предоставлен", self.approve_as(self.dora, row.pk))
        self.assertTrue(self.mole_opens_the_case(mole))
        self.assertFalse(PendingAccess.objects.filter(holder__user=mole).exists())

        actions = list(
            AuditEntry.objects.filter(object_type="user", object_id=str(mole.pk))
            .in_chain_order()
            .values_list("action", "actor_id")
        )
        self.assertIn((Action.ACCESS_PENDING.value, mole.pk), actions)
        self.assertIn((Action.ACCESS_APPROVED.value, self.charlie.pk), actions)
        self.assertIn((Action.ACCESS_APPROVED.value, self.dora.pk), actions)
        joined = AuditEntry.objects.get(
            action=Action.GROUP_JOINED, object_id=str(mole.pk), actor_id=self.dora.pk
        )
        self.assertEqual(joined.details["approved_by"], sorted([self.charlie.pk, self.dora.pk]))

    def test_it_refuses_the_inviting_admin_even_when_he_holds_the_key(self) -> None:
        # Alice is admin and coordinator: she holds the intake key and invites the mole.
        self.alice.set_roles([Role.ADMIN.value, Role.COORDINATOR.value])
        sync_groups(self.alice, acting_user=None, keychain=None)
        alice_row = PendingAccess.objects.get(holder__user=self.alice)
        approve_pending(alice_row, keychain=keychain(self.charlie))
        approve_pending(alice_row, keychain=keychain(self.dora))
        self.assertTrue(keychain(self.alice).holds_group("intake"))

        mole = self.invite_mole(self.alice)
        row = PendingAccess.objects.get(holder__user=mole)
        message = self.approve_as(self.alice, row.pk)
        self.assertIn("Вы пригласили этого человека", message)
        self.assertFalse(PendingApproval.objects.filter(pending=row).exists())
        refused = AuditEntry.objects.get(action=Action.ACCESS_REFUSED)
        self.assertEqual(refused.actor_id, self.alice.pk)
        self.assertEqual(refused.object_id, str(mole.pk))
        # Her page shows the row without a button, and one coordinator is still not enough.
        log_in(self.client, self.alice)
        response = self.get("keyring:pending")
        self.assertNotContains(response, reverse("keyring:fulfil", args=[row.pk]))
        approve_pending(row, keychain=keychain(self.charlie))
        self.assertFalse(self.mole_opens_the_case(mole))

    def test_it_keeps_an_admin_who_holds_the_key_from_giving_it_with_a_role(self) -> None:
        self.alice.set_roles([Role.ADMIN.value, Role.COORDINATOR.value])
        sync_groups(self.alice, acting_user=None, keychain=None)
        alice_row = PendingAccess.objects.get(holder__user=self.alice)
        approve_pending(alice_row, keychain=keychain(self.charlie))
        approve_pending(alice_row, keychain=keychain(self.dora))
        log_in(self.client, self.alice)
        self.client.post(reverse("accounts:person", args=[self.bob.pk]), {"roles": ["coordinator"]})
        bob_holder = Holder.objects.get(user=self.bob)
        self.assertFalse(bob_holder.group_rows.exists())
        row = PendingAccess.objects.get(holder=bob_holder)
        self.assertEqual((row.reason, row.requested_by), (PendingAccess.Reason.ROLES, self.alice))
        with pytest.raises(ApprovalRefused):
            approve_pending(row, keychain=keychain(self.alice))
        self.assertTrue(AuditEntry.objects.filter(action=Action.ACCESS_REFUSED).exists())

    def give_intake_key(self, user: User) -> None:
        """As a founding member holds it, without the approvals these tests are about."""
        intake = group_holder("intake")
        assert intake is not None
        holder = Holder.objects.get(user=user)
        seal_group_secret(intake, keychain(self.charlie).keypairs[intake.pk], holder)

    def test_it_refuses_the_person_approving_their_own_access(self) -> None:
        # Bob lost his own copy of the case in a reset; holding the intake key he can open it,
        # yet he may not re-grant it to himself.
        grant(self.case, to=self.bob.holder, keychain=keychain(self.charlie))
        forget_staff_keys(self.bob, acting_user=self.alice)
        give_staff_keys(self.bob, PASSWORD)
        self.give_intake_key(self.bob)
        row = PendingAccess.objects.get(holder__user=self.bob, group__isnull=True)
        with pytest.raises(ApprovalRefused, match="самому себе"):
            approve_pending(row, keychain=keychain(self.bob))
        refused = AuditEntry.objects.get(action=Action.ACCESS_REFUSED)
        self.assertEqual(refused.actor_id, self.bob.pk)
        self.assertFalse(PendingApproval.objects.exists())

    def test_it_refuses_the_admin_who_reset_the_password(self) -> None:
        grant(self.case, to=self.bob.holder, keychain=keychain(self.charlie))
        self.alice.set_roles([Role.ADMIN.value, Role.COORDINATOR.value])
        self.give_intake_key(self.alice)
        log_in(self.client, self.alice)
        self.client.post(reverse("accounts:reset_password", args=[self.bob.pk]))
        give_staff_keys(self.bob, PASSWORD)
        row = PendingAccess.objects.get(holder__user=self.bob, group__isnull=True)
        self.assertEqual((row.reason, row.requested_by), (PendingAccess.Reason.RESET, self.alice))
        log_in(self.client, self.charlie)
        self.assertContains(self.get("keyring:pending"), "Пароль сбросил(а) alice")
        with pytest.raises(ApprovalRefused):
            approve_pending(row, keychain=keychain(self.alice))
        self.assertTrue(approve_pending(row, keychain=keychain(self.charlie)))
        self.assertTrue(keychain(self.bob).opens(self.case))

    def test_it_shows_who_first_invited_someone_given_a_new_role(self) -> None:
        # The attacker's slower way: invite a counselor, later make him a coordinator.
        client = Client()
        log_in(client, self.alice)
        response = client.post(reverse("accounts:invitations"), {"roles": ["counselor"]})
        Client().post(
            response.context["created_link"],
            {"username": "mole", "password": MOLE_PASSWORD, "password_again": MOLE_PASSWORD},
        )
        mole = User.objects.get(username="mole")
        client.post(reverse("accounts:person", args=[mole.pk]), {"roles": ["coordinator"]})
        log_in(self.client, self.charlie)
        response = self.get("keyring:pending")
        (shown,) = response.context["rows"]
        self.assertEqual(shown.row.reason, PendingAccess.Reason.ROLES)
        assert shown.account_invitation is not None
        self.assertEqual(shown.account_invitation.roles, ["counselor"])
        self.assertContains(response, "Роль дал(а) alice")
        self.assertContains(response, "Пригласил(а) alice")
        with pytest.raises(ApprovalRefused):
            approve_pending(shown.row, keychain=keychain(self.alice))
        approve_pending(shown.row, keychain=keychain(self.charlie))
        self.assertFalse(self.mole_opens_the_case(mole))
