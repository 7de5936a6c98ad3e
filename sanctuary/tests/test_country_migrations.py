"""The data migrations of hosts, shelter and referrals store ISO codes: a code in any case
becomes the code, and a value that names no country is kept as it is and reported (no row
is lost). The same helper normalises the case's country column for the lead's migration."""

import contextlib
import importlib
import io

from django.apps import apps

from sanctuary.accounts.models import Role
from sanctuary.cases.models import Case
from sanctuary.country_fields import normalise_stored_countries
from sanctuary.hosts.models import Host, Offer
from sanctuary.referrals.models import Partner
from sanctuary.shelter.models import StayRequest
from sanctuary.shelter.tests.factories import make_case, make_host, make_offer, make_request
from sanctuary.test import BaseTestCase, make_staff


def run(migration: str) -> str:
    """Run a migration's data function on the database as it is; its report."""
    module = importlib.import_module(migration)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        module.normalise_countries(apps, None)
    return out.getvalue()


class CountryMigrationTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_staff("dora", Role.SHELTER_COORDINATOR)  # the shelter group exists with her

    def test_it_stores_codes_and_keeps_what_names_no_country(self) -> None:
        hosts = [make_host(country="DE") for _ in range(3)]
        offers = [make_offer(host) for host in hosts]
        for host, offer, stored in zip(hosts, offers, ("kz", "Ge", "X1"), strict=True):
            Host.objects.filter(pk=host.pk).update(country=stored)
            Offer.objects.filter(pk=offer.pk).update(country=stored.lower())
        report = run("sanctuary.hosts.migrations.0003_country_codes")
        self.assertEqual([Host.objects.get(pk=h.pk).country for h in hosts], ["KZ", "GE", "X1"])
        self.assertEqual([Offer.objects.get(pk=o.pk).country for o in offers], ["KZ", "GE", "x1"])
        self.assertIn("hosts.Host: kept as stored, names no known country: 'X1' (1 rows)", report)
        self.assertIn("hosts.Offer: kept as stored, names no known country: 'x1' (1 rows)", report)

        partners = [
            Partner.objects.create(organisation=name, country=stored, services="Law")
            for name, stored in (("A", "am"), ("B", "AM"), ("C", "zz"))
        ]
        report = run("sanctuary.referrals.migrations.0002_country_codes")
        self.assertEqual(
            [Partner.objects.get(pk=p.pk).country for p in partners], ["AM", "AM", "zz"]
        )
        self.assertIn("'zz' (1 rows)", report)

        file = make_case()
        requests = [make_request(file, country=stored) for stored in ("de", "DE", "D1")]
        report = run("sanctuary.shelter.migrations.0002_country_codes")
        self.assertEqual(
            [StayRequest.objects.get(pk=r.pk).country for r in requests], ["DE", "DE", "D1"]
        )
        self.assertIn("'D1' (1 rows)", report)
        self.assertEqual(run("sanctuary.shelter.migrations.0002_country_codes"), report)  # again
        self.assertEqual(StayRequest.objects.filter(country="DE").count(), 2)

    def test_the_case_column_takes_names_and_territories(self) -> None:
        files = [make_case() for _ in range(5)]
        stored = ["Грузия", "ru", "Абхазия", "", "Narnia"]
        for file, value in zip(files, stored, strict=True):
            Case.objects.filter(pk=file.case.pk).update(country=value)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            kept = normalise_stored_countries(Case, label="cases.Case", territories=True)
        self.assertEqual(kept, {"Narnia": 1})
        self.assertEqual(
            [Case.objects.get(pk=f.case.pk).country for f in files],
            ["GE", "RU", "abkhazia", "", "Narnia"],
        )
        self.assertEqual(Case.objects.count(), 5)  # no row lost
