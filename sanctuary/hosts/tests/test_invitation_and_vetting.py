"""Inviting a host, his accepting, and vetting him: through the pages, with their audit."""

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from sanctuary.accounts.models import Invitation
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.hosts.models import Host, Tier, VettingStep
from sanctuary.hosts.policy import allows_for
from sanctuary.hosts.tests.helpers import HOST_DATA, SEALED_VALUES, HostsTestCase, keychain_of
from sanctuary.keyring.groups import SHELTER_COORDINATORS
from sanctuary.keyring.models import Holder, SealedKey
from sanctuary.keyring.services import group_holder, open_record
from sanctuary.shelter.services import policy as matcher_policy


def holders(host: Host) -> set[Holder]:
    ids = SealedKey.objects.for_record(host).values_list("holder_id", flat=True)
    return set(Holder.objects.filter(pk__in=ids))


class InvitationTestCase(HostsTestCase):
    def test_it_seals_a_new_host_to_the_shelter_coordinators_only(self) -> None:
        host, _token = self.invite()
        self.assertEqual(holders(host), {group_holder(SHELTER_COORDINATORS)})
        self.assertEqual((host.country, host.city, host.tier), ("KZ", "Almaty", Tier.REGISTERED))
        self.assertEqual(host.languages, ["kk", "ru"])
        opened = open_record(host, keychain_of(self.erin))
        self.assertEqual(opened.text("address"), HOST_DATA["address"])
        for value in SEALED_VALUES:
            self.assertNotIn(value.encode(), bytes(host.name or b"") + bytes(host.address or b""))
        invitation = host.invitation
        assert invitation is not None
        self.assertEqual(invitation.roles, ["host"])
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        self.assertTrue({Action.HOST_INVITED, Action.INVITATION_CREATED} <= actions)
        entry = AuditEntry.objects.get(action=Action.HOST_INVITED)
        self.assertNotIn("Zarina", str(entry.details))

    def test_it_links_the_account_and_seals_his_own_record_to_him(self) -> None:
        host, token = self.invite()
        user = self.accept(token)
        host.refresh_from_db()
        self.assertEqual(host.user, user)
        self.assertIsNone(host.invitation_key)
        self.assertEqual(
            holders(host), {group_holder(SHELTER_COORDINATORS), Holder.objects.get(user=user)}
        )
        self.assertTrue(AuditEntry.objects.filter(action=Action.HOST_LINKED).exists())
        granted = AuditEntry.objects.get(action=Action.KEY_GRANTED, object_type="hosts.host")
        self.assertEqual(granted.details["via"], "invitation")
        client = Client()
        self.log_in(user, client)
        page = client.get(reverse("portal:home")).content.decode()
        self.assertIn(HOST_DATA["address"], page)

    def test_it_gives_a_host_without_an_account_a_new_link(self) -> None:
        host, old_token = self.invite()
        self.log_in(self.erin)
        response = self.client.post(reverse("hosts:invitation", args=[host.pk]))
        self.assertEqual(response.status_code, 200)
        new_token = response.content.decode().split("/staff/invitation/", 1)[1].split("/")[0]
        self.assertNotEqual(new_token, old_token)
        # The first link no longer works; the new one links the account.
        refused = Client().get(reverse("accounts:accept", args=[old_token]))
        self.assertEqual(refused.status_code, 404)
        user = self.accept(new_token)
        host.refresh_from_db()
        self.assertEqual(host.user, user)
        # Now he has an account: no further link.
        self.client.post(reverse("hosts:invitation", args=[host.pk]))
        self.assertEqual(Invitation.objects.filter(roles=["host"]).count(), 2)

    def test_it_keeps_what_was_typed_when_the_form_is_wrong(self) -> None:
        self.log_in(self.dora)
        data = {**HOST_DATA, "country": "XX", "city": ""}
        response = self.client.post(reverse("hosts:invite"), data)
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn(HOST_DATA["address"], page)
        self.assertIn('class="error"', page)
        self.assertEqual(Host.objects.count(), 0)

    def test_it_refuses_hosts_work_to_admins_and_other_staff(self) -> None:
        for user in (self.alice, self.bob, self.charlie):
            client = Client()
            self.log_in(user, client)
            response = client.post(reverse("hosts:invite"), HOST_DATA)
            self.assertEqual(response.status_code, 404, user.username)
        self.assertEqual(Host.objects.count(), 0)


class VettingTestCase(HostsTestCase):
    def step(self, client: Client, host: Host, kind: str, target: str = "") -> str:
        response = client.post(
            reverse("hosts:vet", args=[host.pk]), {"kind": kind, "target": target}, follow=True
        )
        self.assertEqual(response.status_code, 200)
        return str(response.content.decode())

    def test_it_needs_two_coordinators_for_tier_2(self) -> None:
        host, _token = self.invite()
        dora, erin = Client(), Client()
        self.log_in(self.dora, dora)
        self.log_in(self.erin, erin)
        self.step(dora, host, "interview")
        self.step(dora, host, "identity_seen")
        self.step(erin, host, "reference")
        page = self.step(dora, host, "second_approval")
        self.assertIn("error-summary", page)
        host.refresh_from_db()
        self.assertEqual(host.tier, 1)
        self.step(erin, host, "second_approval")
        host.refresh_from_db()
        self.assertEqual(host.tier, 2)
        kinds = list(host.vetting_steps.values_list("kind", "tier_after", "by__username"))
        self.assertEqual(
            kinds,
            [
                ("interview", 1, "dora"),
                ("identity_seen", 1, "dora"),
                ("reference", 1, "erin"),
                ("second_approval", 2, "erin"),
            ],
        )
        self.assertEqual(AuditEntry.objects.filter(action=Action.HOST_VETTED).count(), 4)

    def test_it_lowers_the_tier_and_deactivates(self) -> None:
        host, _token = self.invite()
        self.log_in(self.dora)
        self.step(self.client, host, "interview")
        page = self.step(self.client, host, "downgrade")  # no target tier chosen
        self.assertIn('class="error"', page)
        self.step(self.client, host, "downgrade", "0")
        host.refresh_from_db()
        self.assertEqual(host.tier, 0)
        self.client.post(reverse("hosts:active", args=[host.pk]), {"active": "0"})
        host.refresh_from_db()
        self.assertFalse(host.active)
        self.assertEqual(
            host.vetting_steps.order_by("-at", "-pk").first().kind,  # type: ignore[union-attr]
            VettingStep.Kind.DEACTIVATED,
        )
        self.assertTrue(AuditEntry.objects.filter(action=Action.HOST_ACTIVE_CHANGED).exists())
        self.client.post(reverse("hosts:active", args=[host.pk]), {"active": "1"})
        host.refresh_from_db()
        self.assertTrue(host.active)

    def test_it_refuses_an_unknown_step_with_a_clear_error(self) -> None:
        host, _token = self.invite()
        self.log_in(self.dora)
        page = self.step(self.client, host, "bribe")
        self.assertIn('class="error"', page)
        self.assertEqual(host.vetting_steps.count(), 0)

    def test_it_reads_the_network_policy_from_settings(self) -> None:
        self.assertEqual(
            (matcher_policy().min_tier_for_guests, matcher_policy().min_tier_for_children), (1, 2)
        )
        self.assertFalse(allows_for(1).families)
        with override_settings(SHELTER_MIN_TIER_FOR_GUESTS=0, SHELTER_MIN_TIER_FOR_CHILDREN=1):
            policy = matcher_policy()
            self.assertEqual((policy.min_tier_for_guests, policy.min_tier_for_children), (0, 1))
            self.assertTrue(allows_for(0).guests)
            self.assertTrue(allows_for(1).families)
            host, _token = self.invite()
            self.log_in(self.dora)
            with translation.override("en"):
                url = reverse("hosts:host", args=[host.pk])
            page = self.client.get(url).content.decode()
            self.assertIn("may receive adult guests, but not families", page)
        page = self.client.get(url).content.decode()
        self.assertIn("may not receive guests yet", page)
