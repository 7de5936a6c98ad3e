"""A network may make a shared language a hard rule: the matcher then never proposes a host
who shares no language with the party, and says so; by default it is only a score."""

from django.test import override_settings
from django.utils import translation

from sanctuary.accounts.models import Role
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
