"""The canary test: a unique string in every sensitive field, written through the public pages,
must appear nowhere at rest: not in the database file or its write-ahead log, not in a
pg_dump, not in any session row, not in what the app logged, not in a backup archive."""

import logging
import os
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client, TransactionTestCase
from django.urls import reverse

from sanctuary.accounts.models import Role
from sanctuary.intake.models import SeekerSession
from sanctuary.intake.tests.helpers import submit, token_in
from sanctuary.intake.tests.test_scrub import JPEG_TABLES, _segment
from sanctuary.keyring.crypto import KeyPair, encode_backup_key
from sanctuary.keyring.fields import sensitive_fields
from sanctuary.referrals.models import Partner, Referral
from sanctuary.referrals.tests.helpers import link_and_code, open_with, refer
from sanctuary.test import log_in, make_staff

# One canary per sensitive field, each written by the page a real person would use.
CANARIES = {
    ("intake.Case", "story"): "canary-story-0b1e",
    ("intake.Case", "contact"): "canary-contact-77c2",
    # The situation holds only choices and dates: a date no other row can hold is its canary.
    ("intake.Case", "situation"): "2037-08-19",
    ("intake.Message", "body"): "canary-message-5f0d",
    ("intake.Attachment", "filename"): "canary-filename-19aa.jpg",
    ("intake.Attachment", "content"): "canary-photo-pixels-c4d1",
    ("cases.Note", "body"): "canary-note-a8e3",
    ("cases.Task", "text"): "canary-task-3d7f",
    ("cases.CheckIn", "label"): "canary-checkin-6b2e",
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
            story=CANARIES[("intake.Case", "story")],
            contact_handle=CANARIES[("intake.Case", "contact")],
            passport_expires=CANARIES[("intake.Case", "situation")],
        )
        page = seeker.get(reverse("intake:mailbox")).content.decode()
        photo = SimpleUploadedFile(
            CANARIES[("intake.Attachment", "filename")],
            photo_with(CANARIES[("intake.Attachment", "content")].encode()),
        )
        seeker.post(
            reverse("intake:mailbox"),
            {
                "body": CANARIES[("intake.Message", "body")],
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
        self.refer(staff, seeker, case_id)
        # He sees the check-in in his mailbox and confirms it.
        page = seeker.get(reverse("intake:mailbox")).content.decode()
        assert CANARIES[("cases.CheckIn", "label")] in page
        check_in = page.split('class="check-ins"', 1)[1]
        seeker.post(
            check_in.split('action="', 1)[1].split('"', 1)[0], {"form_token": token_in(check_in)}
        )

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
