from django.test import TestCase

from sanctuary.accounts.models import User
from sanctuary.demo.seed import seed_case, seed_more_cases, seed_staff
from sanctuary.demo.shelter import seed_stay_requests
from sanctuary.shelter.models import MatchRun, Proposal, StayRequest
from sanctuary.shelter.tests.factories import make_host, make_offer


class DemoTestCase(TestCase):
    def test_it_seeds_stay_requests_from_the_demo_cases_once_and_runs_the_matcher(self) -> None:
        seed_staff()
        seed_case()
        seed_more_cases()
        host = make_host(User.objects.get(username="admin"), city="Uralsk", country="KZ")
        make_offer(host, beds=2)
        self.assertEqual(seed_stay_requests(), 4)
        self.assertEqual(seed_stay_requests(), 0)
        self.assertEqual(StayRequest.objects.count(), 4)
        tonight = set(StayRequest.objects.filter(city="Uralsk"))
        self.assertEqual(len(tonight), 2)
        self.assertEqual(MatchRun.objects.count(), 1)
        proposals = list(Proposal.objects.all())
        self.assertEqual({p.request for p in proposals}, tonight)  # the only offer is in Uralsk
        for proposal in proposals:
            self.assertEqual(proposal.reasons[0][0], "priority_immediate_danger")
