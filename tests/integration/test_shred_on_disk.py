"""The attack of issue 12 on PostgreSQL's own files.

A seeker deletes his case, PostgreSQL checkpoints, and an attacker who copies the data
directory reads the deleted rows back (with pageinspect, from the table files and from pg_wal)
and tries every password and codename he knows through the real key chain: coordinator secret,
intake group key, data key, story. PostgreSQL never overwrites a deleted row, so the sealed
copies are found (the positive control); they must open nothing, because the erasure key they
are wrapped under is gone. A control case whose rows are deleted as shredding did before
erasure keys (copies deleted, ciphertexts emptied, erasure key kept) shows the same attack
opening its story from the same files.
"""

import os
from pathlib import Path
from unittest import skipUnless
from uuid import UUID

from django.conf import settings
from django.db import connection
from django.test import Client, TransactionTestCase
from django.urls import reverse

from sanctuary.accounts.models import Role
from sanctuary.cases.models import Case
from sanctuary.intake.tests.helpers import codename_in, submit, token_in
from sanctuary.keyring import crypto, erasure
from sanctuary.keyring.models import SealedKey
from sanctuary.keyring.services import grant, keychain_for, open_staff_secret
from sanctuary.keyring.tests.attack import Recovered, every_keypair, open_story
from sanctuary.test import PASSWORD, make_staff

SHREDDED_STORY = "canary-disk-shredded-3c1f"
CONTROL_STORY = "canary-disk-control-8a4d"
SEALED_TABLE = SealedKey._meta.db_table
CASE_TABLE = Case._meta.db_table


@skipUnless(connection.vendor == "postgresql", "PostgreSQL's files and pageinspect")
class ShredOnDiskTestCase(TransactionTestCase):
    def setUp(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
            if not (row and row[0]):
                self.skipTest("pageinspect and CHECKPOINT need a superuser, as CI's is")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
            cursor.execute("SELECT pg_walfile_name(pg_current_wal_lsn())")
            self.first_wal_segment = str(cursor.fetchone()[0])
        coordinator = make_staff("coord.disk", Role.COORDINATOR)
        counselor = make_staff("counselor.disk", Role.COUNSELOR)
        admin = make_staff("admin.disk", Role.ADMIN)
        self.staff = [(coordinator, PASSWORD), (counselor, PASSWORD), (admin, PASSWORD)]
        keypair = open_staff_secret(coordinator, PASSWORD)
        assert keypair is not None
        coordinator_keys = keychain_for(coordinator, keypair)

        self.copies: dict[str, list[Recovered]] = {}
        self.stories: dict[str, bytes] = {}
        self.seekers: list[crypto.KeyPair] = []
        seekers, ids = {}, {}
        for story in (SHREDDED_STORY, CONTROL_STORY):
            seekers[story] = Client()
            codename = codename_in(submit(seekers[story], story=story).content.decode())
            derived = crypto.derive_seeker_keys(codename, settings.SEEKER_PEPPER.encode())
            self.seekers.append(derived.keypair)
            case = Case.objects.get(lookup_id=derived.lookup_id.hex())
            grant(case, to=counselor.holder, keychain=coordinator_keys)
            self.copies[story] = [
                Recovered(c.record_type, c.record_id, c.holder_id, bytes(c.wrapped))
                for c in SealedKey.objects.for_record(case)
            ]
            self.stories[story] = bytes(case.story or b"")
            ids[story] = str(case.pk)
        self.control_id = ids[CONTROL_STORY]
        # Both stories open with what the attacker knows while the cases live.
        for story in (SHREDDED_STORY, CONTROL_STORY):
            opened = open_story(self.copies[story], self.stories[story], self.keypairs())
            self.assertEqual(opened, [story] * 3)  # intake group, counselor, seeker

        page = seekers[SHREDDED_STORY].get(reverse("intake:delete")).content.decode()
        seekers[SHREDDED_STORY].post(reverse("intake:delete"), {"form_token": token_in(page)})
        self.assertFalse(Case.objects.filter(pk=ids[SHREDDED_STORY]).exists())
        with connection.cursor() as cursor:
            # The control, deleted as shredding did before erasure keys, in plain SQL (the
            # model's delete would destroy its erasure key): copies gone, ciphertexts emptied.
            cursor.execute(f"DELETE FROM {SEALED_TABLE} WHERE record_id = %s", [self.control_id])
            cursor.execute(
                f"UPDATE {CASE_TABLE} SET story = NULL, situation = NULL, contact = NULL "
                "WHERE id = %s",
                [self.control_id],
            )
            cursor.execute("CHECKPOINT")
        self.assertIsNotNone(erasure.key_for("intake.case", self.control_id))

    def keypairs(self) -> dict[UUID, crypto.KeyPair]:
        return every_keypair(self.staff, self.seekers)

    def attack(self, found: bytes) -> dict[str, list[str]]:
        """Every story that the copies and ciphertexts found in these bytes open."""
        opened = {}
        for story in (SHREDDED_STORY, CONTROL_STORY):
            # The positive control: the attacker really holds the deleted rows.
            copies = [copy for copy in self.copies[story] if copy.wrapped in found]
            self.assertEqual(len(copies), 3, f"the copies of {story} are not in the files")
            self.assertIn(self.stories[story], found, f"the ciphertext of {story} is not found")
            opened[story] = open_story(copies, self.stories[story], self.keypairs())
        return opened

    def dead_tuples(self, table: str) -> bytes:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT items.t_data FROM generate_series(0, pg_relation_size(%s) / "
                "current_setting('block_size')::int - 1) AS block, "
                "heap_page_items(get_raw_page(%s, block::int)) AS items "
                "WHERE items.t_xmax <> '0' AND items.t_data IS NOT NULL",
                [table, table],
            )
            return b"".join(bytes(row[0]) for row in cursor.fetchall())

    def test_it_opens_nothing_of_the_dead_tuples_read_with_pageinspect(self) -> None:
        found = self.dead_tuples(SEALED_TABLE) + self.dead_tuples(CASE_TABLE)
        opened = self.attack(found)
        self.assertEqual(opened[CONTROL_STORY], [CONTROL_STORY] * 3)
        self.assertEqual(opened[SHREDDED_STORY], [])

    def test_it_opens_nothing_of_the_table_files_and_wal(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SHOW data_directory")
            data_directory = Path(cursor.fetchone()[0])
            cursor.execute(
                "SELECT pg_relation_filepath(%s), pg_relation_filepath(%s), "
                "pg_walfile_name(pg_current_wal_lsn())",
                [SEALED_TABLE, CASE_TABLE],
            )
            sealed_file, case_file, last_wal_segment = cursor.fetchone()
        if not os.access(data_directory / "pg_wal", os.R_OK | os.X_OK):
            self.skipTest(f"this process cannot read {data_directory} (root or postgres can)")
        tables = (data_directory / sealed_file).read_bytes() + (
            data_directory / case_file
        ).read_bytes()
        wal = b"".join(
            segment.read_bytes()
            for segment in sorted((data_directory / "pg_wal").iterdir())
            if len(segment.name) == 24
            and self.first_wal_segment <= segment.name <= last_wal_segment
        )
        # A copy of the data directory holds both. The table files alone may lose a dead
        # tuple to PostgreSQL's page pruning before the checkpoint (once in CI: 2 of 3 copies),
        # so the positive control is held on the whole copy and on the WAL alone.
        for found in (tables + wal, wal):
            opened = self.attack(found)
            self.assertEqual(opened[CONTROL_STORY], [CONTROL_STORY] * 3)
            self.assertEqual(opened[SHREDDED_STORY], [])
