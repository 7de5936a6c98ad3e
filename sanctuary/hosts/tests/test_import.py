"""Importing a partner's sheet through the page: good rows in, bad rows reported by row and
field, nothing half-imported."""

from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sanctuary.audit.models import Action, AuditEntry
from sanctuary.hosts import services
from sanctuary.hosts.models import Host, Offer
from sanctuary.hosts.sheet import check_table, read_table
from sanctuary.hosts.tests.helpers import HostsTestCase, keychain_of
from sanctuary.hosts.tests.sheets import csv_bytes, future, good_row, xlsx_bytes
from sanctuary.hosts.tests.test_sheet import one_row_of
from sanctuary.keyring.groups import SHELTER_COORDINATORS
from sanctuary.keyring.models import SealedKey
from sanctuary.keyring.services import group_holder, open_record


class ImportTestCase(HostsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.log_in(self.dora)

    def preview(self, data: bytes, name: str = "offers.csv") -> Any:
        with translation.override("en"):  # the report's wording is checked in English
            url = reverse("hosts:import")
        return self.client.post(url, {"sheet": SimpleUploadedFile(name, data)})

    def upload(self, data: bytes, name: str = "offers.csv") -> Any:
        """Preview, then confirm the import when the preview offers to."""
        before = (Host.objects.count(), Offer.objects.count())
        response = self.preview(data, name)
        self.assertEqual((Host.objects.count(), Offer.objects.count()), before, "preview wrote")
        packed = response.context.get("packed") if response.context else None
        if not packed:
            return response
        with translation.override("en"):
            url = reverse("hosts:import")
        return self.client.post(url, {"packed": packed})

    def test_it_previews_what_would_be_created_and_every_error_before_writing(self) -> None:
        rows = [
            good_row(1, country="Грузия", city="Tbilisi"),
            good_row(2, country="Atlantis"),
            good_row(3, country="Kazakhstan"),
            good_row(4, beds=0, first_night="not a date"),
        ]
        response = self.preview(csv_bytes(rows))
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("Preview: nothing is written yet", page)
        self.assertIn("2 offers would be created", page)
        self.assertIn("Georgia (GE)", page)
        self.assertIn("Kazakhstan (KZ)", page)
        for row, column in ((3, "country"), (5, "beds"), (5, "first_night")):
            self.assertIn(f"Row {row}, column “{column}”", page)
        self.assertNotIn("Atlantis", page)
        self.assertEqual((Host.objects.count(), Offer.objects.count()), (0, 0))
        self.assertFalse(AuditEntry.objects.filter(action=Action.OFFERS_IMPORTED).exists())
        response = self.client.post(reverse("hosts:import"), {"packed": response.context["packed"]})
        self.assertEqual(Offer.objects.count(), 2)
        self.assertEqual(sorted(Offer.objects.values_list("country", flat=True)), ["GE", "KZ"])

    def test_it_refuses_a_confirmation_that_is_not_a_previewed_sheet(self) -> None:
        import base64
        import zlib

        bomb = base64.b64encode(zlib.compress(b"a" * (3 * 1024 * 1024))).decode()
        for packed in ("not base64!", base64.b64encode(b"not zlib").decode(), bomb):
            response = self.client.post(reverse("hosts:import"), {"packed": packed})
            self.assertEqual(response.status_code, 400)
        self.assertEqual(Offer.objects.count(), 0)

    def test_it_imports_good_rows_and_reports_bad_ones_from_csv_and_xlsx(self) -> None:
        rows = [
            good_row(1),
            good_row(2, first_night="not a date"),
            good_row(3, country="Atlantis"),
            good_row(4, beds=0),
            good_row(5, first_night=future(9).isoformat(), last_night=future(2).isoformat()),
            good_row(6, notes="second good row"),
        ]
        for data, name in ((csv_bytes(rows), "offers.csv"), (xlsx_bytes(rows), "offers.xlsx")):
            before = Offer.objects.count()
            response = self.upload(data, name)
            self.assertEqual(response.status_code, 200)
            page = response.content.decode()
            self.assertEqual(Offer.objects.count() - before, 2, name)
            for row, column in ((3, "first_night"), (4, "country"), (5, "beds"), (6, "last_night")):
                self.assertIn(f"Row {row}, column “{column}”", page)
            self.assertNotIn("Atlantis", page)
        self.assertEqual(Host.objects.count(), 4)
        group = group_holder(SHELTER_COORDINATORS)
        for host in Host.objects.all():
            self.assertEqual(host.tier, 0)
            holders = set(SealedKey.objects.for_record(host).values_list("holder_id", flat=True))
            self.assertEqual(holders, {group.pk if group else None})
        offer = Offer.objects.filter(max_nights=14).order_by("created_at").first()
        assert offer is not None
        self.assertEqual(
            (offer.beds, offer.languages, offer.accepts_pets), (2, ["kk", "ru"], False)
        )
        opened = open_record(offer.host, keychain_of(self.erin))
        self.assertIn(opened.text("name"), {"Imported Host 1", "Imported Host 6"})
        self.assertIn(opened.read_from(offer, "notes"), {"imported notes 1", "second good row"})
        entry = AuditEntry.objects.filter(action=Action.OFFERS_IMPORTED).first()
        assert entry is not None
        self.assertEqual(
            entry.details, {"hosts_created": 2, "offers_created": 2, "rows_refused": 4}
        )

    def test_it_adds_offers_to_a_host_named_by_reference(self) -> None:
        host, _token = self.invite()
        header = ["host_ref", "country", "city", "beds", "first_night", "last_night", "notes"]
        window = [future(1).isoformat(), future(5).isoformat()]
        rows = [
            [host.reference.lower(), "KZ", "Almaty", 3, *window, "by reference"],
            ["H-ZZZZZZ", "KZ", "Almaty", 3, *window, ""],
        ]
        response = self.upload(csv_bytes(rows, header=header))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Host.objects.count(), 1)
        offer = Offer.objects.get()
        self.assertEqual(offer.host, host)
        self.assertEqual(
            open_record(host, keychain_of(self.dora)).read_from(offer, "notes"), "by reference"
        )
        self.assertIn("“host_ref”", response.content.decode())

    def test_it_imports_nothing_from_a_file_it_cannot_read(self) -> None:
        cases = [
            (b"", "empty.csv"),
            (csv_bytes([]), "header-only.csv"),
            (csv_bytes([good_row()], header=["name", "city"]), "missing.csv"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.xlsx"),
            (b"PK\x03\x04garbage", "broken.xlsx"),
        ]
        for data, name in cases:
            response = self.upload(data, name)
            self.assertEqual(response.status_code, 200, name)
            form = response.context["form"]
            self.assertTrue(form.errors, name)
            self.assertTrue(all(str(e).strip() for e in form.errors.get("sheet", ["x"])), name)
        self.assertEqual((Host.objects.count(), Offer.objects.count()), (0, 0))
        self.assertFalse(AuditEntry.objects.filter(action=Action.OFFERS_IMPORTED).exists())

    def test_it_names_the_missing_columns(self) -> None:
        response = self.upload(csv_bytes([["x", "y"]], header=["name", "city"]))
        message = str(response.context["form"].errors["sheet"])
        for column in ("country", "beds", "first_night", "last_night", "address"):
            self.assertIn(column, message)

    def test_it_writes_all_rows_or_none(self) -> None:
        table = read_table(csv_bytes([good_row(1), good_row(2), good_row(3)]))
        checked = check_table(table, today=future(0), languages={"ru", "kk"})
        calls = {"n": 0}
        real_save = Offer.save

        def failing_save(offer: Offer, *args: Any, **kwargs: Any) -> None:
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("the database went away")
            real_save(offer, *args, **kwargs)

        with mock.patch.object(Offer, "save", failing_save), pytest.raises(RuntimeError):
            services.do_import_offers(checked.rows, problems=[], keychain=keychain_of(self.dora))
        self.assertEqual((Host.objects.count(), Offer.objects.count()), (0, 0))

    def test_it_offers_an_empty_template(self) -> None:
        response = self.client.get(reverse("hosts:import_template"))
        self.assertEqual(response["Content-Type"], "text/csv")
        header = response.content.decode("utf-8-sig").strip().split("\r\n")[0].split(",")
        self.assertIn("first_night", header)

    def test_it_offers_templates_that_the_import_reads_back(self) -> None:
        url = reverse("hosts:import_template")
        for headers, first in (("ru", "хозяин"), ("en", "host_ref")):
            for kind in ("csv", "csv-semicolon", "xlsx"):
                response = self.client.get(url, {"headers": headers, "format": kind})
                self.assertEqual(response.status_code, 200)
                data = response.content
                table = read_table(data)
                self.assertEqual(table[0][0], first, (headers, kind))
                self.assertEqual(len(table), 2, "a header and one example row")
                if kind != "xlsx":
                    delimiter = ";" if kind == "csv-semicolon" else ","
                    self.assertIn(f"{first}{delimiter}", data.decode("utf-8-sig"))
                # Nothing a spreadsheet would run as a formula.
                cells = [str(c) for row in table for c in row if c]
                self.assertFalse(any(c[:1] in "=+-@" for c in cells), cells)
                checked = check_table(table, today=future(0), languages={"ru", "kk"})
                self.assertEqual(checked.problems, [], (headers, kind))
                self.assertEqual([r.country for r in checked.rows], ["KZ"])
                self.assertTrue(checked.rows[0].one_party)
        self.assertEqual(self.client.get(url, {"format": "pdf"}).status_code, 404)
        # The example row, imported, is an offer for one party at a time, shown as such.
        ru = self.client.get(url, {"headers": "ru", "format": "csv-semicolon"}).content
        self.upload(ru)
        offer = Offer.objects.get()
        self.assertTrue(offer.one_party)
        with translation.override("en"):
            page = self.client.get(reverse("hosts:host", args=[offer.host.pk]))
        self.assertContains(page, "one party at a time")

    def test_it_refuses_another_clients_upload_field_gracefully(self) -> None:
        response = Client().post(reverse("hosts:import"), {})
        self.assertEqual(response.status_code, 302)

    def test_it_refuses_a_workbook_too_large_to_read_in_the_users_language(self) -> None:
        with translation.override("ru"):
            url = reverse("hosts:import")
        response = self.client.post(
            url, {"sheet": SimpleUploadedFile("row.xlsx", one_row_of(400_000))}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "В таблице больше 25000 ячеек")
        self.assertEqual(Offer.objects.count(), 0)
