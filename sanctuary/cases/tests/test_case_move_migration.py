"""The case moved from intake to cases (intake 0002-0003, cases 0008): on a database filled by
the demo, every row stays and every record opens afterwards for each holder who could open it
before. The test takes the database back to the schema before the move (the tables named
intake_*), then forward again, and reads everything with every demo password and codename."""

import hashlib
from io import StringIO

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase, override_settings

from sanctuary.accounts.models import User
from sanctuary.cases.models import Attachment, Case, Message, Note
from sanctuary.cases.services import do_add_seeker_message
from sanctuary.demo.seed import DEMO_CODENAME, DEMO_LOGINS, MORE_CASES
from sanctuary.keyring import crypto
from sanctuary.keyring import services as keyring
from sanctuary.keyring.models import Holder, SealedKey, record_type
from sanctuary.keyring.services import Keychain

BEFORE_THE_MOVE = ("intake", "0001_initial")
MOVED_TABLES = ("case", "message", "attachment")


def _staff_keychains() -> dict[str, Keychain]:
    found = {}
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        keypair = keyring.open_staff_secret(user, login.password)
        if keypair is not None:
            found[login.username] = keyring.keychain_for(user, keypair)
    return found


def _seeker_keys() -> dict[str, crypto.KeyPair]:
    codenames = [DEMO_CODENAME, *(demo.codename for demo in MORE_CASES)]
    pepper = keyring.seeker_pepper()
    return {
        name: crypto.derive_seeker_keys(crypto.normalize_codename(name), pepper).keypair
        for name in codenames
    }


def _digest(record: object, key: crypto.DataKey, fields: tuple[str, ...]) -> str:
    text = "\x00".join(keyring.read_field(record, key, name) for name in fields)  # type: ignore[arg-type]
    return hashlib.sha256(text.encode()).hexdigest()


def _case_contents(case: Case, key: crypto.DataKey) -> list[tuple[str, str]]:
    rows = [(f"case {case.pk}", _digest(case, key, ("situation", "story", "contact")))]
    for message in Message.objects.filter(case=case):
        rows.append((f"message {message.pk}", _digest(message, key, ("body",))))
        for attachment in Attachment.objects.filter(message=message):
            rows.append(
                (f"attachment {attachment.pk}", _digest(attachment, key, ("filename", "content")))
            )
    for note in Note.objects.filter(case=case):
        rows.append((f"note {note.pk}", _digest(note, key, ("body",))))
    return rows


def _readable() -> set[tuple[str, str, str]]:
    """(reader, record, digest of its plain text) for every record each demo person opens."""
    found = set()
    keychains = _staff_keychains()
    seekers = _seeker_keys()
    for case in Case.objects.all():
        for username, keychain in keychains.items():
            if keychain.opens(case):
                key = keychain.data_key(case)
                found |= {(username, *row) for row in _case_contents(case, key)}
        for codename, keypair in seekers.items():
            if case.seeker.public_key == keypair.public_key:
                copy = SealedKey.objects.for_record(case).get(holder=case.seeker)
                key = crypto.unseal(bytes(copy.sealed), keypair)
                found |= {(codename, *row) for row in _case_contents(case, key)}
    return found


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"cases", "intake", "keyring", "referrals", "shelter"}
    }


class CaseMoveMigrationTestCase(TransactionTestCase):
    def migrate(self, targets: list[tuple[str, str]]) -> None:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        ContentType.objects.clear_cache()

    def test_it_keeps_every_row_and_every_key_through_the_move(self) -> None:
        with override_settings(DEMO=True):
            call_command("seed_demo", stdout=StringIO())
        # The demo's seeker also sends a file, so attachments are read across the move too.
        keypair = _seeker_keys()[DEMO_CODENAME]
        case = Case.objects.get(seeker__public_key=keypair.public_key)
        copy = SealedKey.objects.for_record(case).get(holder=case.seeker)
        key = crypto.unseal(bytes(copy.sealed), keypair)
        files = [("summons.png", "image/png", b"summons-pixels")]
        do_add_seeker_message(case, key, body="the summons", files=files)
        readable = _readable()
        counts = _row_counts()
        # The demo gives every kind of reader something to open: the control that the
        # comparison below can see a record that no longer opens.
        readers = {reader for reader, _record, _digest in readable}
        self.assertTrue({"coordinator", "counselor", DEMO_CODENAME} <= readers)
        self.assertTrue(any(record.startswith("attachment") for _r, record, _d in readable))
        self.assertEqual(record_type(Case.objects.first()), "intake.case")

        self.migrate([BEFORE_THE_MOVE])
        tables = set(connection.introspection.table_names())
        self.assertTrue({f"intake_{name}" for name in MOVED_TABLES} <= tables)
        self.assertFalse({f"cases_{name}" for name in MOVED_TABLES} & tables)

        executor = MigrationExecutor(connection)
        self.migrate(executor.loader.graph.leaf_nodes())
        tables = set(connection.introspection.table_names())
        self.assertTrue({f"cases_{name}" for name in MOVED_TABLES} <= tables)
        self.assertFalse({f"intake_{name}" for name in MOVED_TABLES} & tables)
        self.assertEqual(
            set(ContentType.objects.filter(model__in=MOVED_TABLES).values_list("app_label")),
            {("cases",)},
        )
        self.assertEqual(_row_counts(), counts)
        self.assertEqual(_readable(), readable)


class CaseCountryMigrationTestCase(TransactionTestCase):
    """cases 0009: the case's country in the one country list's spelling, no row lost."""

    def test_it_writes_codes_and_keeps_what_names_no_country(self) -> None:
        executor = MigrationExecutor(connection)
        executor.migrate([("cases", "0008_case_message_attachment")])
        stored = {"kz": "KZ", "Грузия": "GE", "abkhazia": "abkhazia", "Narnia": "Narnia", "": ""}
        for number, value in enumerate(stored):
            seeker = Holder.objects.create(kind=Holder.Kind.SEEKER, public_key=b"k" * 32)
            Case.objects.create(
                lookup_id=f"lookup-{number}", seeker=seeker, status="civilian", country=value
            )

        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

        self.assertEqual(
            sorted(Case.objects.values_list("lookup_id", "country")),
            [(f"lookup-{n}", want) for n, want in enumerate(stored.values())],
        )
