"""What hosts and guests ask for, said in the model: a network may make a shared language a
hard rule (by default it is only a score), and a host may take one party at a time."""

from django.test import override_settings
from django.utils import translation

from sanctuary.accounts.models import Role
from sanctuary.hosts.models import Offer
from sanctuary.shelter import services
from sanctuary.shelter.models import Proposal
from sanctuary.shelter.reasons import describe_all
from sanctuary.shelter.tests.factories import make_case, make_host_user, make_offer, make_request
from sanctuary.test import BaseTestCase, make_staff


class SharedLanguageTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sheila = make_staff("sheila", Role.SHELTER_COORDINATOR)
        _user, host = make_host_user("ani", languages=["hy"])
        self.offer = make_offer(host, beds=2, languages=["hy"])
        self.request = make_request(make_case(), languages=["ru"])

    def test_it_is_only_a_score_by_default(self) -> None:
        run = services.do_run_matcher(self.sheila)
        self.assertEqual(run.proposals.get().offer, self.offer)

    @override_settings(SHELTER_SHARED_LANGUAGE_REQUIRED=True)
    def test_it_proposes_no_host_without_a_shared_language_where_the_network_requires_one(
        self,
    ) -> None:
        run = services.do_run_matcher(self.sheila)
        self.assertFalse(Proposal.objects.exists())
        (unplaced,) = run.unplaced
        with translation.override("en"):
            (sentence,) = describe_all(unplaced["reasons"])
        self.assertIn("No language in common, and the network requires one (1)", sentence)

    @override_settings(SHELTER_SHARED_LANGUAGE_REQUIRED=True)
    def test_it_proposes_a_host_who_shares_a_language(self) -> None:
        self.offer.languages = ["hy", "ru"]
        self.offer.save()
        run = services.do_run_matcher(self.sheila)
        self.assertEqual(run.proposals.get().offer, self.offer)


class OnePartyTestCase(BaseTestCase):
    def test_it_proposes_one_party_at_a_time_to_a_host_who_asks_for_it(self) -> None:
        sheila = make_staff("sheila", Role.SHELTER_COORDINATOR)
        _user, host = make_host_user("ani")
        file = make_case()
        make_request(file)
        make_request(file)
        for one_party, proposed in ((False, 2), (True, 1)):
            Offer.objects.all().delete()
            offer = make_offer(host, beds=3, one_party=one_party)
            run = services.do_run_matcher(sheila)
            self.assertEqual(run.proposals.filter(offer=offer).count(), proposed, one_party)
        (unplaced,) = run.unplaced
        self.assertEqual(unplaced["reasons"][0][0], "all_full")
