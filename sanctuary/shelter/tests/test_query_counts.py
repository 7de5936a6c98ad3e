"""The coordinators' plan page costs the same number of queries for a small plan as for a
large one."""

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sanctuary.accounts.models import Role
from sanctuary.shelter import services
from sanctuary.shelter.models import Proposal
from sanctuary.shelter.tests.factories import (
    approved,
    confirmed,
    make_case,
    make_host_user,
    make_offer,
    make_request,
    today,
)
from sanctuary.test import BaseTestCase, make_staff


class PlanPageQueriesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sheila = make_staff("sheila", Role.SHELTER_COORDINATOR)
        self.file = make_case()
        self.hosts = 0

    def grow(self, offers: int, requests: int) -> None:
        for _ in range(offers):
            self.hosts += 1
            _user, host = make_host_user(f"host{self.hosts}")
            make_offer(host, beds=2)
        for i in range(requests):
            make_request(self.file, arrival=today() + dt.timedelta(days=1 + i % 3))
        # Something of every kind the page lists: a waiting proposal, a stay, unplaced parties.
        first = make_request(self.file, city="Hamburg")
        make_request(self.file, city="Nowhere")
        hamburg_user, hamburg = make_host_user(f"hamburg{self.hosts}", city="Hamburg")
        make_offer(hamburg, beds=2)
        confirmed(first, self.sheila, hamburg_user)
        approved(make_request(self.file, city="Hamburg"), self.sheila)
        services.do_run_matcher(self.sheila)

    def queries(self) -> int:
        client = Client()
        self.log_in(self.sheila, client)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("shelter:plan"))
        self.assertEqual(response.status_code, 200)
        return len(captured)

    def test_it_costs_the_same_queries_for_a_larger_plan(self) -> None:
        self.grow(offers=2, requests=3)
        small = self.queries()
        self.grow(offers=6, requests=20)
        self.assertGreater(Proposal.objects.filter(status="proposed").count(), 6)
        self.assertEqual(self.queries(), small)
