from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from sanctuary.accounts.models import User
from sanctuary.demo.hosts import DEMO_HOSTS, PORTAL_HOST, demo_host_id
from sanctuary.hosts.models import Host, Offer
from sanctuary.keyring.services import keychain_for, open_record, open_staff_secret

CITIES = {"Almaty", "Astana", "Uralsk", "Tbilisi", "Yerevan", "Bishkek", "Istanbul", "Belgrade"}


class DemoHostsTestCase(TestCase):
    def test_it_seeds_hosts_in_every_city_once_with_a_portal_login(self) -> None:
        with self.settings(DEMO=True):
            out = StringIO()
            call_command("seed_demo", stdout=out)
            call_command("seed_demo", stdout=StringIO())
        self.assertIn("demo-host-passphrase", out.getvalue())
        self.assertEqual(Host.objects.count(), len(DEMO_HOSTS))
        self.assertEqual(set(Host.objects.values_list("city", flat=True)), CITIES)
        tiers = list(Host.objects.values_list("tier", flat=True))
        self.assertGreater(tiers.count(1), tiers.count(2))
        self.assertGreater(tiers.count(2), 0)
        self.assertGreater(tiers.count(0), 0)
        self.assertTrue(Offer.objects.filter(women_only=True).exists())
        self.assertTrue(Offer.objects.filter(families_only=True).exists())
        self.assertTrue(Offer.objects.filter(accepts_pets=True, step_free=True).exists())
        # The two-person rule holds in the demo data too.
        for host in Host.objects.filter(tier=2):
            seen = host.vetting_steps.get(kind="identity_seen").by
            self.assertNotEqual(host.vetting_steps.get(kind="second_approval").by, seen)
        user = User.objects.get(username="host")
        host = Host.objects.get(user=user)
        self.assertEqual(host.pk, demo_host_id(PORTAL_HOST))
        keypair = open_staff_secret(user, "demo-host-passphrase")
        assert keypair is not None
        opened = open_record(host, keychain_for(user, keypair))
        self.assertIn("вымышленный", opened.text("address"))
        shelter = User.objects.get(username="shelter2")
        keypair = open_staff_secret(shelter, "demo-shelter2-passphrase")
        assert keypair is not None
        offer = host.offers.order_by("first_night").first()
        assert offer is not None
        opened = open_record(host, keychain_for(shelter, keypair))
        self.assertIn("Ключ", opened.read_from(offer, "notes"))
