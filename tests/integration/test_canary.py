"""The canary test: a unique string in every sensitive field, written through the public pages,
must appear nowhere at rest: not in the database file or its write-ahead log, not in a
pg_dump, not in any session row, not in what the app logged, not in a backup archive."""

import datetime as dt
import logging
import os
import secrets
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client, TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from sanctuary.accounts.models import Role, Session, User
from sanctuary.accounts.services import add_totp_device
from sanctuary.hosts.models import Host, Offer
from sanctuary.intake.models import SeekerSession
from sanctuary.intake.tests.helpers import submit, token_in
from sanctuary.intake.tests.test_scrub import JPEG_TABLES, _segment
from sanctuary.keyring.crypto import KeyPair, encode_backup_key
from sanctuary.keyring.fields import sensitive_fields
from sanctuary.referrals.models import Partner, Referral
from sanctuary.referrals.tests.helpers import link_and_code, open_with, refer
from sanctuary.test import PASSWORD, log_in, make_staff

# Shelter: written by write_shelter_fields through the counselor's, coordinator's, host's and
# seeker's pages. The disclosure's address and contact are copied from the host's record.
SHELTER_CANARIES = {
    ("shelter.StayRequest", "needs"): "canary-stayneeds-41c0",
    ("shelter.MatchOverride", "reason"): "canary-override-7d2e",
    ("shelter.AddressDisclosure", "address"): "canary-hostaddress-5b9a",
    ("shelter.AddressDisclosure", "contact"): "canary-hostcontact-e3f1",
    ("shelter.SafetyReport", "body"): "canary-safety-0c6d",
}

# One canary per sensitive field, each written by the page a real person would use.
CANARIES = {
    ("cases.Case", "story"): "canary-story-0b1e",
    ("cases.Case", "contact"): "canary-contact-77c2",
    # The situation holds only choices and dates: a date no other row can hold is its canary.
    ("cases.Case", "situation"): "2037-08-19",
    ("cases.Message", "body"): "canary-message-5f0d",
    ("cases.Attachment", "filename"): "canary-filename-19aa.jpg",
    ("cases.Attachment", "content"): "canary-photo-pixels-c4d1",
    ("cases.Note", "body"): "canary-note-a8e3",
    ("cases.Task", "text"): "canary-task-3d7f",
    ("cases.CheckIn", "label"): "canary-checkin-6b2e",
    ("hosts.Host", "name"): "canary-host-name-2a91",
    ("hosts.Host", "address"): "canary-host-address-d3f0",
    ("hosts.Host", "contact"): "canary-host-contact-71be",
    ("hosts.Offer", "notes"): "canary-offer-notes-8c54",
    **SHELTER_CANARIES,
    # The counselor's request to a partner travels in the referral packet.
    ("referrals.Referral", "packet"): "canary-referral-4e1b",
}


def photo_with(canary: bytes) -> bytes:
    """A JPEG whose entropy-coded data carries the canary: it survives metadata scrubbing,
    as a photo's pixels do."""
    scan = _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x3f" + canary + b"\xff\xd9"
    return b"\xff\xd8" + JPEG_TABLES + scan


class CanaryTestCase(TransactionTestCase):
    def write_every_field(self) -> None:
        seeker = Client()
        submit(
            seeker,
            story=CANARIES[("cases.Case", "story")],
            contact_handle=CANARIES[("cases.Case", "contact")],
            passport_expires=CANARIES[("cases.Case", "situation")],
        )
        page = seeker.get(reverse("intake:mailbox")).content.decode()
        photo = SimpleUploadedFile(
            CANARIES[("cases.Attachment", "filename")],
            photo_with(CANARIES[("cases.Attachment", "content")].encode()),
        )
        seeker.post(
            reverse("intake:mailbox"),
            {
                "body": CANARIES[("cases.Message", "body")],
                "attachments": [photo],
                "form_token": token_in(page),
            },
        )
        # A coordinator reads the case and replies: opening it must leave no trace either.
        staff = Client()
        log_in(staff, self.coordinator)
        case_id = str(SeekerSession.objects.get().case_id)
        staff.get(reverse("cases:case", args=[case_id]))
        staff.post(reverse("cases:reply", args=[case_id]), {"body": "reply text"})
        staff.post(
            reverse("cases:note", args=[case_id]), {"note": CANARIES[("cases.Note", "body")]}
        )
        staff.post(
            reverse("cases:task", args=[case_id]),
            {"text": CANARIES[("cases.Task", "text")], "due_date": "2099-01-01"},
        )
        staff.post(
            reverse("cases:check_in", args=[case_id]),
            {"label": CANARIES[("cases.CheckIn", "label")], "due_at": "2099-01-01T18:00"},
        )
        # A shelter coordinator invites a host and writes an offer for him; the host accepts
        # the invitation and opens his portal.
        shelter = Client()
        log_in(shelter, self.shelter)
        page = shelter.post(
            reverse("hosts:invite"),
            {
                "name": CANARIES[("hosts.Host", "name")],
                "address": CANARIES[("hosts.Host", "address")],
                "contact": CANARIES[("hosts.Host", "contact")],
                "country": "KZ",
                "city": "Almaty",
                "languages": ["ru"],
            },
        ).content.decode()
        token = page.split("/staff/invitation/", 1)[1].split("/", 1)[0]
        host = Host.objects.get()
        shelter.get(reverse("hosts:host", args=[host.pk]))
        first_night = dt.date.today() + dt.timedelta(days=1)
        shelter.post(
            reverse("hosts:offer_new", args=[host.pk]),
            {
                "country": "KZ",
                "city": "Almaty",
                "beds": "2",
                "first_night": first_night.isoformat(),
                "last_night": (first_night + dt.timedelta(days=20)).isoformat(),
                "max_nights": "7",
                "notes": CANARIES[("hosts.Offer", "notes")],
            },
        )
        assert Offer.objects.count() == 1
        Client().post(
            reverse("accounts:accept", args=[token]),
            {"username": "zarina", "password": PASSWORD, "password_again": PASSWORD},
        )
        add_totp_device(
            User.objects.get(username="zarina"), secrets.token_bytes(20), confirmed=True
        )
        host_client = Client()
        log_in(host_client, User.objects.get(username="zarina"))
        portal = host_client.get(reverse("portal:home")).content.decode()
        assert CANARIES[("hosts.Offer", "notes")] in portal
        self.refer(staff, seeker, case_id)
        # He sees the check-in in his mailbox and confirms it.
        page = seeker.get(reverse("intake:mailbox")).content.decode()
        assert CANARIES[("cases.CheckIn", "label")] in page
        check_in = page.split('class="check-ins"', 1)[1]
        seeker.post(
            check_in.split('action="', 1)[1].split('"', 1)[0], {"form_token": token_in(check_in)}
        )

        self.write_shelter_fields(seeker, staff, case_id)

    def write_shelter_fields(self, seeker: Client, staff: Client, case_id: str) -> None:
        """A stay request from the case page, an override, a run, an approval, the host's
        acceptance, the address in the mailbox and a safety report from the guest."""
        from sanctuary.shelter.models import Proposal, Stay
        from sanctuary.shelter.tests.factories import make_host, make_offer

        hans = make_staff("hans", Role.HOST)
        host = make_host(
            hans,
            address=SHELTER_CANARIES[("shelter.AddressDisclosure", "address")],
            contact=SHELTER_CANARIES[("shelter.AddressDisclosure", "contact")],
        )
        offer = make_offer(host, beds=2, women_only=True)
        staff.post(
            reverse("shelter:request", args=[case_id]),
            {
                "country": "DE",
                "city": "Berlin",
                "arrival": timezone.localdate().isoformat(),
                "nights": "2",
                "adult_men": "1",
                "adult_women": "0",
                "children": "0",
                "languages": "ru",
                "needs": SHELTER_CANARIES[("shelter.StayRequest", "needs")],
            },
        )
        shelter = Client()
        log_in(shelter, self.shelter)
        plan = shelter.get(reverse("shelter:plan")).content.decode()
        request_id = plan.split('name="request"', 1)[1].split('<option value="', 1)[1][:36]
        shelter.post(
            reverse("shelter:override"),
            {
                "request": request_id,
                "offer": str(offer.pk),
                "rule": "women_only",
                "reason": SHELTER_CANARIES[("shelter.MatchOverride", "reason")],
            },
        )
        shelter.post(reverse("shelter:run"))
        proposal = Proposal.objects.get()
        shelter.post(reverse("shelter:approve"), {"proposal": [str(proposal.pk)]})
        host_client = Client()
        log_in(host_client, hans)
        host_client.post(reverse("shelter:host_accept", args=[proposal.pk]))
        page = seeker.get(reverse("intake:mailbox")).content.decode()
        assert SHELTER_CANARIES[("shelter.AddressDisclosure", "address")] in page
        stay = Stay.objects.get()
        # The safety report has its own page, linked from the stay's section of the mailbox.
        report = seeker.get(reverse("stay:report", args=[stay.pk])).content.decode()
        seeker.post(
            reverse("stay:report", args=[stay.pk]),
            {
                "body": SHELTER_CANARIES[("shelter.SafetyReport", "body")],
                "form_token": token_in(report),
            },
        )
        assert stay.safety_reports.exists()

    def refer(self, staff: Client, seeker: Client, case_id: str) -> None:
        """The coordinator adds a partner and gives the case to a counselor, who refers it
        twice with the story ticked: the partner opens one packet, the other waits."""
        staff.post(
            reverse("referrals:partners"),
            {"organisation": "Aid", "country": "GE", "services": "Law", "active": "on"},
        )
        staff.post(reverse("cases:assign", args=[case_id]), {"counselor": self.counselor.pk})
        counselor = Client()
        log_in(counselor, self.counselor)
        data = {
            "items": ["story", "contact"],
            "request": CANARIES[("referrals.Referral", "packet")],
            "consent_how": "mailbox",
            "days": "7",
        }
        for opened in (True, False):
            path, code = link_and_code(refer(counselor, case_id, Partner.objects.get(), **data))
            if opened:
                page = open_with(Client(), path, code).content.decode()
                assert CANARIES[("referrals.Referral", "packet")] in page
        assert Referral.objects.filter(packet__isnull=False).count() == 1

    def setUp(self) -> None:
        self.coordinator = make_staff("coordinator", Role.COORDINATOR)
        self.shelter = make_staff("shelter", Role.SHELTER_COORDINATOR)
        self.counselor = make_staff("counselor", Role.COUNSELOR)

    def test_it_covers_every_field_in_the_sensitive_registry(self) -> None:
        assert set(sensitive_fields()) == set(CANARIES)

    def test_it_finds_no_canary_anywhere_at_rest(self) -> None:
        capture = StringIO()
        handler = logging.StreamHandler(capture)
        handler.setLevel(logging.DEBUG)
        root = logging.getLogger()
        root.addHandler(handler)
        previous_level = root.level
        root.setLevel(logging.DEBUG)
        try:
            self.write_every_field()
        finally:
            root.removeHandler(handler)
            root.setLevel(previous_level)

        places = {
            "database": self.database_bytes(),
            "sessions": self.session_bytes(),
            "logs": capture.getvalue().encode(),
            "backup": self.backup_bytes(),
        }
        # A positive control: a plain triage column is found, so the scan reads the rows.
        assert b"mobilized" in places["database"]
        for (model, field), canary in CANARIES.items():
            for place, content in places.items():
                assert canary.encode() not in content, f"{model}.{field} found in the {place}"

    def database_bytes(self) -> bytes:
        settings = connection.settings_dict
        if connection.vendor == "sqlite":
            path = Path(settings["NAME"])
            assert path.exists(), "the canary scan needs the test database in a file"
            wal = Path(f"{path}-wal")
            return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        if not shutil.which("pg_dump"):
            pytest.fail("pg_dump is needed to scan the PostgreSQL database")
        env = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
        dump = subprocess.run(
            [
                "pg_dump",
                "--host",
                settings["HOST"] or "localhost",
                "--port",
                str(settings["PORT"] or 5432),
                "--username",
                settings["USER"] or "postgres",
                settings["NAME"],
            ],
            env=env,
            capture_output=True,
            check=True,
        )
        return dump.stdout

    def session_bytes(self) -> bytes:
        rows = [s.session_data + str(s.get_decoded()) for s in Session.objects.all()]
        rows += [bytes(s.wrapped_secret).hex() for s in SeekerSession.objects.all()]
        assert rows, "there were sessions to scan"
        return " ".join(rows).encode()

    def backup_bytes(self) -> bytes:
        keys = KeyPair.generate()
        archive = Path(self.id().replace(".", "_") + ".backup")
        self.addCleanup(archive.unlink, missing_ok=True)
        with self.settings(BACKUP_PUBLIC_KEY=encode_backup_key(keys.public_key)):
            call_command("backup", "create", "--out", str(archive), stdout=StringIO())
        return archive.read_bytes()
