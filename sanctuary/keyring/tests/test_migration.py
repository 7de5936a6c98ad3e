"""The data migration that wraps every existing sealed copy under a new erasure key, run
forwards and backwards on real rows, on SQLite and on PostgreSQL."""

from unittest import skipUnless

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from sanctuary.keyring import crypto, erasure
from sanctuary.keyring.models import SealedKey

BEFORE = [("keyring", "0001_initial")]


class WrapExistingCopiesTestCase(TransactionTestCase):
    def migrate(self, targets: list[tuple[str, str]]) -> MigrationExecutor:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor

    def tearDown(self) -> None:
        self.migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        super().tearDown()

    def test_it_wraps_every_existing_copy_and_unwraps_it_back(self) -> None:
        old_state = self.migrate(BEFORE).loader.project_state(BEFORE).apps
        Holder = old_state.get_model("keyring", "Holder")
        OldSealedKey = old_state.get_model("keyring", "SealedKey")
        keypairs = [crypto.KeyPair.generate() for _ in range(2)]
        data_keys = [crypto.new_data_key() for _ in range(3)]
        sealed = {}
        for number, keypair in enumerate(keypairs):
            holder = Holder.objects.create(
                kind="group", group=f"g{number}", public_key=keypair.public_key
            )
            for record, data_key in enumerate(data_keys):
                blob = crypto.seal(data_key, keypair.public_key)
                OldSealedKey.objects.create(
                    record_type="intake.case", record_id=f"r{record}", holder=holder, sealed=blob
                )
                sealed[(f"r{record}", holder.pk)] = blob

        self.migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        copies = list(SealedKey.objects.all())
        self.assertEqual(len(copies), 6)
        for copy in copies:
            original = sealed[(copy.record_id, copy.holder_id)]
            self.assertNotIn(original, bytes(copy.wrapped))
            self.assertEqual(copy.sealed, original)
            keypair = keypairs[int(str(copy.holder.group)[1:])]
            record = int(copy.record_id[1:])
            self.assertEqual(crypto.unseal(copy.sealed, keypair), data_keys[record])
        # One erasure key per record, shared by its copies: destroying it shreds them all.
        erasure.destroy("intake.case", "r0")
        for copy in SealedKey.objects.filter(record_id="r0"):
            with self.assertRaises(crypto.CannotOpen):
                copy.sealed  # noqa: B018
        self.assertEqual(SealedKey.objects.exclude(record_id="r0").count(), 4)

        old_state = self.migrate(BEFORE).loader.project_state(BEFORE).apps
        back = old_state.get_model("keyring", "SealedKey").objects.all()
        # Backwards, the shredded record's copies are gone; the others are sealed as before.
        self.assertEqual(
            {(row.record_id, row.holder_id): bytes(row.sealed) for row in back},
            {key: blob for key, blob in sealed.items() if key[0] != "r0"},
        )

    @skipUnless(connection.vendor == "postgresql", "PostgreSQL keeps dead tuples in its files")
    def test_it_rewrites_the_table_so_its_files_hold_no_openable_copy(self) -> None:
        old_state = self.migrate(BEFORE).loader.project_state(BEFORE).apps
        holder = old_state.get_model("keyring", "Holder").objects.create(
            kind="group", group="g", public_key=crypto.KeyPair.generate().public_key
        )
        blob = crypto.seal(crypto.new_data_key(), bytes(holder.public_key))
        old_state.get_model("keyring", "SealedKey").objects.create(
            record_type="intake.case", record_id="r9", holder=holder, sealed=blob
        )
        self.migrate([("keyring", "0002_erasure_keys")])
        self.assertIn(blob, self.table_pages())  # the control: updated, yet still in the file
        self.migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        self.assertNotIn(blob, self.table_pages())
        self.assertTrue(SealedKey.objects.filter(record_id="r9").exists())

    def table_pages(self) -> bytes:
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
            cursor.execute(
                "SELECT get_raw_page(%s, block::int) FROM generate_series(0, "
                "pg_relation_size(%s) / current_setting('block_size')::int - 1) AS block",
                [SealedKey._meta.db_table] * 2,
            )
            return b"".join(bytes(row[0]) for row in cursor.fetchall())
