"""A stay request names its country from the one list: the countries where the network has
hosts first, by name in the counselor's language; a made-up code is refused clearly."""

import datetime as dt

from django.test import SimpleTestCase
from django.utils import translation

from sanctuary.hosts.countries import COUNTRY_CODES
from sanctuary.shelter.forms import StayRequestForm


def request_data(**changes: str) -> dict[str, str]:
    data = {
        "country": "DE",
        "city": "Berlin",
        "arrival": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
        "nights": "3",
        "adult_men": "1",
        "adult_women": "0",
        "children": "0",
    }
    return {**data, **changes}


class StayRequestCountryTestCase(SimpleTestCase):
    def test_it_groups_the_host_countries_first_by_their_russian_names(self) -> None:
        with translation.override("ru"):
            field = StayRequestForm().fields["country"]
            blank, (hosts_label, with_hosts), (_other_label, others) = list(
                field.choices  # type: ignore[attr-defined]
            )
            html = StayRequestForm().as_p()
        self.assertEqual(blank, ("", "—"))
        self.assertEqual(str(hosts_label), "Страны, где у сети есть хозяева")
        self.assertEqual({code for code, _name in with_hosts}, set(COUNTRY_CODES))
        self.assertIn(("DE", "Германия"), with_hosts)
        self.assertIn(("BR", "Бразилия"), others)
        self.assertEqual(len(with_hosts) + len(others), 249)
        self.assertIn('<optgroup label="Страны, где у сети есть хозяева">', html)

    def test_it_takes_a_code_in_any_case_and_any_country(self) -> None:
        for sent, stored in (("de", "DE"), ("BR", "BR")):
            form = StayRequestForm(request_data(country=sent))
            self.assertTrue(form.is_valid(), form.errors)
            self.assertEqual(form.cleaned_data["country"], stored)

    def test_it_refuses_a_made_up_code_in_the_users_language(self) -> None:
        for language, expected in (("ru", "«XX» — не код страны"), ("en", "“XX” is not a country")):
            with translation.override(language):
                form = StayRequestForm(request_data(country="XX"))
                self.assertFalse(form.is_valid())
                self.assertIn(expected, " ".join(str(e) for e in form.errors["country"]))
