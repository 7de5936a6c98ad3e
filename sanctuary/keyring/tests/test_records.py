from typing import Any, ClassVar

import pytest
from django.apps.registry import Apps
from django.db import connection, models
from django.test import Client, TestCase
from django.urls import reverse

from sanctuary.accounts.models import Role, User
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.cases.models import Case
from sanctuary.intake.tests.helpers import submit
from sanctuary.keyring import crypto
from sanctuary.keyring.fields import EncryptedField
from sanctuary.keyring.models import Holder, PendingAccess, SealedKey, SealedRecord
from sanctuary.keyring.services import (
    Keychain,
    NoAccess,
    approve_pending,
    forget_staff_keys,
    give_staff_keys,
    grant,
    group_holder,
    keychain_for,
    open_record,
    open_staff_secret,
    pending_for,
    revoke,
    seal_new_record,
    shred,
    sync_groups,
    write_fields,
)
from sanctuary.test import PASSWORD, log_in, make_staff


def keychain(user: User, password: str = PASSWORD) -> Keychain:
    keypair = open_staff_secret(user, password)
    assert keypair is not None
    return keychain_for(user, keypair)


# A model made for these tests, in a registry of its own, so the machinery is tested apart
# from the apps that use it and the real schema does not change.
test_apps = Apps(["sanctuary.keyring"])


class Memo(SealedRecord):
    title = EncryptedField()
    body = EncryptedField()
    objects: ClassVar[models.Manager["Memo"]] = models.Manager()

    class Meta:
        app_label = "keyring"
        apps = test_apps


class RecordTestCase(TestCase):
    Memo = Memo

    @classmethod
    def setUpClass(cls) -> None:
        # Before TestCase opens its transaction: SQLite cannot change its schema inside one.
        with connection.schema_editor() as editor:
            editor.create_model(Memo)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        with connection.schema_editor() as editor:
            editor.delete_model(Memo)

    def setUp(self) -> None:
        self.alice = make_staff("alice", Role.ADMIN)
        self.bob = make_staff("bob", Role.COUNSELOR)
        self.charlie = make_staff("charlie", Role.COORDINATOR)

    def new_memo(self, *readers: Holder, title: str = "canary title", body: str = "") -> Any:
        memo = self.Memo()
        key = seal_new_record(memo, readers)
        write_fields(memo, key, title=title, body=body or "a story that must stay secret")
        memo.save()
        return memo

    def test_it_opens_a_record_for_a_holder_and_audits_it(self) -> None:
        memo = self.new_memo(self.bob.holder)
        opened = open_record(self.Memo.objects.get(pk=memo.pk), keychain(self.bob))
        self.assertEqual(opened.text("body"), "a story that must stay secret")
        entry = AuditEntry.objects.get(action=Action.RECORD_OPENED)
        self.assertEqual((entry.actor_id, entry.object_id), (self.bob.pk, str(memo.pk)))

    def test_it_stores_only_ciphertext(self) -> None:
        memo = self.new_memo(self.bob.holder)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT title, body FROM {self.Memo._meta.db_table}")
            row = cursor.fetchone()
        self.assertNotIn(b"canary title", bytes(row[0]))
        self.assertNotIn(b"stay secret", bytes(row[1]))
        self.assertEqual(self.Memo.objects.count(), 1)
        self.assertNotEqual(memo.title, b"canary title")

    def test_it_refuses_someone_without_a_copy(self) -> None:
        memo = self.new_memo(self.bob.holder)
        with pytest.raises(NoAccess):
            open_record(memo, keychain(self.charlie))
        self.assertFalse(AuditEntry.objects.filter(action=Action.RECORD_OPENED).exists())

    def test_it_refuses_a_ciphertext_moved_to_another_field_or_row(self) -> None:
        memo = self.new_memo(self.bob.holder)
        other = self.new_memo(self.bob.holder, title="other title")
        memo.body = memo.title
        opened = open_record(memo, keychain(self.bob))
        with pytest.raises(crypto.CannotOpen):
            opened.text("body")
        memo.title = other.title
        with pytest.raises(crypto.CannotOpen):
            opened.text("title")

    def test_it_refuses_a_tampered_ciphertext(self) -> None:
        memo = self.new_memo(self.bob.holder)
        blob = bytearray(bytes(memo.body))
        blob[-1] ^= 1
        memo.body = bytes(blob)
        with pytest.raises(crypto.CannotOpen):
            open_record(memo, keychain(self.bob)).text("body")

    def test_it_lets_only_a_holder_grant(self) -> None:
        memo = self.new_memo(self.bob.holder)
        with pytest.raises(NoAccess):
            grant(memo, to=self.charlie.holder, keychain=keychain(self.alice))
        grant(memo, to=self.charlie.holder, keychain=keychain(self.bob))
        self.assertEqual(open_record(memo, keychain(self.charlie)).text("title"), "canary title")
        entry = AuditEntry.objects.get(action=Action.KEY_GRANTED)
        self.assertEqual(entry.details, {"to": f"user:{self.charlie.pk}"})

    def test_it_revokes_one_copy(self) -> None:
        memo = self.new_memo(self.bob.holder, self.charlie.holder)
        revoke(memo, holder=self.charlie.holder, acting_user=self.alice)
        with pytest.raises(NoAccess):
            open_record(memo, keychain(self.charlie))
        self.assertEqual(open_record(memo, keychain(self.bob)).text("title"), "canary title")
        self.assertTrue(AuditEntry.objects.filter(action=Action.KEY_REVOKED).exists())

    def test_it_shreds_a_record_beyond_every_password(self) -> None:
        memo = self.new_memo(self.bob.holder, self.charlie.holder, group_holder("intake"))  # type: ignore[arg-type]
        shred(memo, acting_user=self.alice)
        memo.refresh_from_db()
        self.assertIsNone(memo.title)
        self.assertIsNone(memo.body)
        self.assertFalse(SealedKey.objects.for_record(memo).exists())
        for user in User.objects.all():
            with pytest.raises(NoAccess):
                open_record(memo, keychain(user))
        self.assertTrue(AuditEntry.objects.filter(action=Action.RECORD_SHREDDED).exists())

    def test_it_opens_a_group_record_for_group_members_only(self) -> None:
        intake = group_holder("intake")
        assert intake is not None
        memo = self.new_memo(intake)
        self.assertEqual(open_record(memo, keychain(self.charlie)).text("title"), "canary title")
        with pytest.raises(NoAccess):
            open_record(memo, keychain(self.bob))

    def test_it_makes_a_new_member_wait_for_a_colleague(self) -> None:
        intake = group_holder("intake")
        assert intake is not None
        memo = self.new_memo(intake)
        dora = make_staff("dora", Role.COUNSELOR)
        dora.set_roles([Role.COORDINATOR.value])
        sync_groups(dora, acting_user=self.alice, keychain=keychain(self.alice))
        self.assertTrue(PendingAccess.objects.filter(holder=dora.holder, group=intake).exists())
        with pytest.raises(NoAccess):
            open_record(memo, keychain(dora))
        (shown,) = pending_for(keychain(self.charlie))
        self.assertTrue(approve_pending(shown.row, keychain=keychain(self.charlie)))
        self.assertEqual(open_record(memo, keychain(dora)).text("title"), "canary title")
        self.assertFalse(PendingAccess.objects.exists())

    def test_it_takes_group_keys_away_with_the_role(self) -> None:
        intake = group_holder("intake")
        assert intake is not None
        memo = self.new_memo(intake)
        self.charlie.set_roles([Role.COUNSELOR.value])
        sync_groups(self.charlie, acting_user=self.alice, keychain=None)
        with pytest.raises(NoAccess):
            open_record(memo, keychain(self.charlie))
        self.assertTrue(AuditEntry.objects.filter(action=Action.GROUP_LEFT).exists())

    def test_it_lists_records_lost_in_a_reset_for_regrant(self) -> None:
        memo = self.new_memo(self.bob.holder, self.charlie.holder)
        lost = forget_staff_keys(self.bob)
        self.assertEqual(lost, 1)
        self.assertIsNone(open_staff_secret(self.bob, PASSWORD))
        self.assertEqual(pending_for(keychain(self.charlie)), [])  # no key to seal to yet
        give_staff_keys(self.bob, "a brand new passphrase for bob")
        (shown,) = pending_for(keychain(self.charlie))
        self.assertTrue(approve_pending(shown.row, keychain=keychain(self.charlie)))
        bob = keychain(self.bob, "a brand new passphrase for bob")
        self.assertEqual(open_record(memo, bob).text("title"), "canary title")


class UnreadableRecordPageTestCase(TestCase):
    def test_it_answers_a_damaged_case_with_a_clear_refusal_not_a_server_error(self) -> None:
        charlie = make_staff("charlie", Role.COORDINATOR)
        submit(Client())
        case = Case.objects.get()
        blob = bytearray(bytes(case.story or b""))
        blob[-1] ^= 1
        Case.objects.filter(pk=case.pk).update(story=bytes(blob))
        client = Client(raise_request_exception=False)
        log_in(client, charlie)
        response = client.get(reverse("cases:case", args=[case.pk]))
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "не открывается", status_code=403)
        self.assertNotContains(response, "canary-story", status_code=403)
