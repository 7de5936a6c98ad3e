"""Hosts' countries come from the one country list: names in the reader's language, the
network's policy list of host countries, clear refusals for anything else."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from sanctuary.hosts import services
from sanctuary.hosts.countries import COUNTRY_CODES
from sanctuary.hosts.models import Host, Offer
from sanctuary.hosts.tests.helpers import HOST_DATA, HostsTestCase, offer_data
from sanctuary.hosts.tests.sheets import csv_bytes, good_row


def options(page: str, field: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, page
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


class HostCountriesTestCase(HostsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.log_in(self.dora)

    def test_it_offers_the_host_countries_by_name_in_the_readers_language(self) -> None:
        for language, kazakhstan, georgia in (
            ("ru", "Казахстан", "Грузия"),
            ("en", "Kazakhstan", "Georgia"),
            ("uk", "Казахстан", "Грузія"),
        ):
            with translation.override(language):
                page = self.client.get(reverse("hosts:invite")).content.decode()
            offered = options(page, "country")
            self.assertEqual(offered[0], ("", "—"))
            self.assertEqual({code for code, _name in offered[1:]}, set(COUNTRY_CODES))
            self.assertIn(("KZ", kazakhstan), offered)
            self.assertIn(("GE", georgia), offered)
        names = [name for _code, name in offered[1:]]
        # Ukrainian order: "Естонія" before "Ізраїль" before "Іспанія" before "Казахстан".
        self.assertEqual(names.index("Естонія") + 1, names.index("Ізраїль"))
        self.assertLess(names.index("Іспанія"), names.index("Казахстан"))

    def test_it_refuses_a_country_without_hosts_and_a_made_up_code_in_russian(self) -> None:
        with translation.override("ru"):
            url = reverse("hosts:invite")
        for country, message in (
            ("RU", "В сети нет хозяев в стране Россия"),
            ("BR", "В сети нет хозяев в стране Бразилия"),
            ("XX", "«XX» — не код страны"),
        ):
            response = self.client.post(url, {**HOST_DATA, "country": country})
            self.assertEqual(response.status_code, 200)
            self.assertIn(message, " ".join(response.context["form"].errors["country"]))
            self.assertIn('value="Almaty"', response.content.decode())  # nothing typed is lost
        self.assertEqual(Host.objects.count(), 0)

    def test_it_takes_a_code_sent_in_lower_case(self) -> None:
        host, _token = self.invite(country="ge")
        self.assertEqual(host.country, "GE")

    def test_it_shows_the_countrys_name_on_the_host_list(self) -> None:
        self.invite(country="AM")
        with translation.override("ru"):
            russian = self.client.get(reverse("hosts:list")).content.decode()
        with translation.override("en"):
            english = self.client.get(reverse("hosts:list")).content.decode()
        self.assertIn("Армения", russian)
        self.assertIn("Armenia", english)
        self.assertNotIn("Армения", english)

    def test_the_services_refuse_a_country_outside_the_policy_list(self) -> None:
        with self.assertRaises(services.HostsError):
            services.do_invite_host(
                **{**HOST_DATA, "country": "RU"},  # type: ignore[arg-type]
                acting_user=self.dora,
            )
        self.assertEqual(Host.objects.count(), 0)

    def test_it_names_the_country_of_a_sheet_row_it_refuses_and_not_the_typed_text(self) -> None:
        rows = [good_row(1, country="Грузия"), good_row(2, country="Бразилия")]
        rows.append(good_row(3, country="Atlantis"))
        with translation.override("ru"):
            url = reverse("hosts:import")
        response = self.client.post(url, {"sheet": SimpleUploadedFile("o.csv", csv_bytes(rows))})
        page = response.content.decode()  # the preview names every error
        self.assertIn("Бразилия (BR) — не страна, где у сети есть хозяева", page)
        self.assertIn("Строка 4, столбец «country»: не страна;", page)
        self.assertNotIn("Atlantis", page)
        self.assertEqual(Offer.objects.count(), 0)
        response = self.client.post(url, {"packed": response.context["packed"]})
        page = response.content.decode()
        self.assertEqual(list(Offer.objects.values_list("country", flat=True)), ["GE"])
        self.assertIn("Бразилия (BR) — не страна, где у сети есть хозяева", page)
        self.assertIn("Строка 4, столбец «country»: не страна;", page)
        self.assertNotIn("Atlantis", page)

    def test_an_offer_keeps_the_code(self) -> None:
        host, _token = self.invite()
        response = self.client.post(
            reverse("hosts:offer_new", args=[host.pk]), offer_data(country="tr")
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Offer.objects.get().country, "TR")
