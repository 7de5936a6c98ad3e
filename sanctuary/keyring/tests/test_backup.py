"""Sealed backups: a real round trip through `sanctuary backup create` and `sanctuary restore`,
and every refusal leaving the database untouched. Restore manages its own transaction, so
these tests run with real commits (transaction=True) on SQLite and on PostgreSQL."""

import base64
import json
import stat
import zlib
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from sanctuary.accounts.models import LoginSession, Role, Session, User
from sanctuary.accounts.services import do_create_invitation
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.audit.services import record
from sanctuary.cases.models import Case
from sanctuary.cases.services import do_delete_case
from sanctuary.intake.tests.helpers import submit
from sanctuary.keyring import erasure
from sanctuary.keyring.backup import (
    applied_migrations,
    backed_up_models,
    read_archive,
    serialize_rows,
    to_json,
)
from sanctuary.keyring.crypto import (
    KeyPair,
    decode_backup_key,
    encode_backup_key,
    open_archive,
    seal_archive,
)
from sanctuary.keyring.services import keychain_for, open_record, open_staff_secret
from sanctuary.test import PASSWORD, log_in, make_staff

pytestmark = pytest.mark.django_db(transaction=True)

CANARY_USERNAME = "canary.q7x4lm"
CANARY_LABEL = "canary-detail-zq81"

Snapshot = dict[str, list[dict[str, Any]]]


@pytest.fixture
def backup_keys() -> KeyPair:
    """A key pair made by `sanctuary backup keygen`, as an operator would make it."""
    out = StringIO()
    call_command("backup", "keygen", stdout=out, stderr=StringIO())
    values = dict(line.split("=", 1) for line in out.getvalue().split())
    secret = decode_backup_key(values["BACKUP_SECRET_KEY"])
    keypair = KeyPair.from_secret_key(secret)
    assert decode_backup_key(values["BACKUP_PUBLIC_KEY"]) == keypair.public_key
    return keypair


@pytest.fixture
def secret_key_file(tmp_path: Path, backup_keys: KeyPair) -> Path:
    path = tmp_path / "backup-secret.key"
    path.write_text(encode_backup_key(backup_keys.secret_key) + "\n")
    return path


@pytest.fixture(autouse=True)
def _public_key_configured(backup_keys: KeyPair) -> Any:
    with override_settings(BACKUP_PUBLIC_KEY=encode_backup_key(backup_keys.public_key)):
        yield


def populate() -> None:
    """Real data through the public code paths: staff with roles and second factors,
    invitations and audit entries."""
    admin = make_staff("admin.one", Role.ADMIN)
    make_staff(CANARY_USERNAME, Role.COUNSELOR, Role.LAWYER)
    make_staff("coord.two", Role.COORDINATOR, second_factor=False)
    do_create_invitation(roles=[Role.COUNSELOR.value], acting_user=admin)
    do_create_invitation(roles=[Role.EVIDENCE_EDITOR.value, Role.LAWYER.value], acting_user=admin)
    for number in range(3):
        record(
            Action.LOGIN,
            actor=admin,
            object_type="user",
            object_id=number,
            details={"reason": CANARY_LABEL, "attempt": number},
        )


def snapshot() -> Snapshot:
    """Every row of every backed-up model, every field, in primary-key order."""
    return {model._meta.label_lower: serialize_rows(model) for model in backed_up_models()}


def back_up(path: Path) -> bytes:
    call_command("backup", "create", "--out", str(path), stdout=StringIO())
    return path.read_bytes()


def restore(path: Path, *options: str) -> str:
    out = StringIO()
    call_command("restore", str(path), *options, stdout=out, stderr=StringIO())
    return out.getvalue()


def assert_restored(before: Snapshot) -> None:
    """The database is the one backed up, plus the one audit entry that records the restore."""
    after = snapshot()
    entries = after.pop("audit.auditentry")
    after.pop("audit.audithead")
    expected = dict(before)
    expected_entries = expected.pop("audit.auditentry")
    expected.pop("audit.audithead")
    assert after == expected
    assert entries[:-1] == expected_entries
    assert entries[-1]["fields"]["action"] == Action.BACKUP_RESTORED


def empty_database() -> None:
    call_command("flush", interactive=False, verbosity=0)


def reseal_document(path: Path, keypair: KeyPair, change: Any) -> None:
    """Rewrite an archive after `change` edits its opened document: an archive that a
    genuine backup key opens but whose content is not what this database can take."""
    document = read_archive(path.read_bytes(), keypair)
    change(document)
    path.write_bytes(seal_archive(zlib.compress(to_json(document)), keypair.public_key))


# --- Round trip ---------------------------------------------------------------------------------


def test_it_restores_every_row_of_every_model(tmp_path: Path, secret_key_file: Path) -> None:
    populate()
    before = snapshot()
    archive = tmp_path / "sanctuary.backup"
    back_up(archive)
    empty_database()
    assert not User.objects.exists()

    output = restore(archive, "--secret-key-file", str(secret_key_file))

    assert_restored(before)
    assert "audit log intact" in output
    verified = StringIO()
    call_command("audit", "verify", stdout=verified)
    assert "intact" in verified.getvalue()


def submit_case(story: str) -> Case:
    submit(Client(), story=story)
    return Case.objects.get()


def coordinator_reads(case: Case) -> str:
    coordinator = User.objects.get(username="coord.two")
    keypair = open_staff_secret(coordinator, PASSWORD)
    assert keypair is not None
    return open_record(case, keychain_for(coordinator, keypair)).text("story")


def test_it_restores_readable_records_on_a_server_with_an_empty_key_store(
    tmp_path: Path, secret_key_file: Path, settings: Any
) -> None:
    """The erasure keys travel inside the sealed archive: a server rebuilt from a backup
    alone, its key store lost with the old machine, reads every record again."""
    populate()
    case = submit_case("canary-backup-story-61d0")
    archive = tmp_path / "sanctuary.backup"
    back_up(archive)
    empty_database()
    settings.ERASURE_KEY_STORE = str(tmp_path / "new-server" / "erasure-keys.sqlite3")
    assert erasure.key_for("intake.case", str(case.pk)) is None

    restore(archive, "--secret-key-file", str(secret_key_file))

    assert coordinator_reads(Case.objects.get(pk=case.pk)) == "canary-backup-story-61d0"


def test_it_leaves_a_shredded_records_key_out_of_later_backups(
    tmp_path: Path, backup_keys: KeyPair
) -> None:
    populate()
    case = submit_case("canary-backup-story-61d0")
    case_id = str(case.pk)
    key = erasure.key_for("intake.case", case_id)
    assert key is not None
    written = base64.b64encode(key)
    before, after = tmp_path / "before.backup", tmp_path / "after.backup"
    back_up(before)
    do_delete_case(case)
    back_up(after)

    def document(path: Path) -> bytes:
        return zlib.decompress(open_archive(path.read_bytes(), backup_keys))

    assert written in document(before)  # the control: a backup holds the keys of its records
    assert ["intake.case", case_id, written.decode()] in read_archive(
        before.read_bytes(), backup_keys
    )["erasure_keys"]
    assert written not in document(after)
    assert read_archive(after.read_bytes(), backup_keys)["erasure_keys"] == []


def test_it_holds_every_kind_of_row_it_was_asked_to(tmp_path: Path, backup_keys: KeyPair) -> None:
    populate()
    log_in(Client(), User.objects.get(username="admin.one"))  # a live login, left out
    assert Session.objects.exists() and LoginSession.objects.exists()
    archive = tmp_path / "sanctuary.backup"
    back_up(archive)
    counts = read_archive(archive.read_bytes(), backup_keys)["header"]["counts"]
    assert counts["accounts.user"] == 3
    assert counts["accounts.staffrole"] == 4
    assert counts["accounts.invitation"] == 2
    assert counts["otp_totp.totpdevice"] == 2
    # The archive was sealed before the entry that records it was written.
    assert counts["audit.auditentry"] == AuditEntry.objects.count() - 1 >= 5
    assert AuditEntry.objects.in_chain_order().last().action == Action.BACKUP_CREATED  # type: ignore[union-attr]
    assert counts["audit.audithead"] == 1
    excluded = {"accounts.session", "accounts.loginsession", "contenttypes.contenttype"}
    assert not (excluded | {"auth.permission"}) & set(counts)


def test_it_records_schema_and_time_in_the_header(tmp_path: Path, backup_keys: KeyPair) -> None:
    archive = tmp_path / "sanctuary.backup"
    back_up(archive)
    header = read_archive(archive.read_bytes(), backup_keys)["header"]
    assert header["format"] == 2
    assert header["created_at"]
    assert header["migrations"] == applied_migrations()
    assert header["migrations"]["accounts"][:5].rstrip("_").isdigit()  # e.g. "0002_host_role"


def test_it_keeps_the_audit_chain_going_after_a_restore(
    tmp_path: Path, secret_key_file: Path
) -> None:
    populate()
    archive = tmp_path / "sanctuary.backup"
    back_up(archive)
    empty_database()
    restore(archive, "--secret-key-file", str(secret_key_file))
    restored_entries = AuditEntry.objects.count()

    entry = record(Action.LOGOUT, actor=None)
    newcomer = make_staff("after.restore", Role.COUNSELOR)

    assert entry.seq == restored_entries + 1
    assert newcomer.pk > max(User.objects.exclude(pk=newcomer.pk).values_list("pk", flat=True))
    call_command("audit", "verify", stdout=StringIO())


def test_it_reads_the_secret_key_from_the_environment(
    tmp_path: Path, backup_keys: KeyPair, monkeypatch: pytest.MonkeyPatch
) -> None:
    populate()
    before = snapshot()
    archive = tmp_path / "sanctuary.backup"
    back_up(archive)
    empty_database()
    monkeypatch.setenv("BACKUP_SECRET_KEY", encode_backup_key(backup_keys.secret_key))
    restore(archive)
    assert_restored(before)


# --- Secrecy ------------------------------------------------------------------------------------


def test_it_writes_no_plaintext_into_the_archive(tmp_path: Path) -> None:
    populate()
    archive = tmp_path / "sanctuary.backup"
    data = back_up(archive)
    for plaintext in (CANARY_USERNAME, CANARY_LABEL, "counselor", "audit.auditentry"):
        assert plaintext.encode() not in data
        assert plaintext.encode("utf-16-le") not in data
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600


def test_it_refuses_to_back_up_without_a_public_key(tmp_path: Path) -> None:
    archive = tmp_path / "sanctuary.backup"
    refusal = pytest.raises(CommandError, match="BACKUP_PUBLIC_KEY is not set")
    with override_settings(BACKUP_PUBLIC_KEY=""), refusal:
        back_up(archive)
    assert not archive.exists()
    assert list(tmp_path.iterdir()) == []


def test_it_refuses_a_malformed_public_key(tmp_path: Path) -> None:
    refusal = pytest.raises(CommandError, match="BACKUP_PUBLIC_KEY is not base64")
    with override_settings(BACKUP_PUBLIC_KEY="not-a-key"), refusal:
        back_up(tmp_path / "sanctuary.backup")


# --- Refusals that change nothing ---------------------------------------------------------------


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """A backup of populated data; the database is then emptied, ready for a restore."""
    populate()
    path = tmp_path / "sanctuary.backup"
    back_up(path)
    empty_database()
    return path


def assert_refused(path: Path, match: str, *options: str) -> None:
    before = snapshot()
    with pytest.raises(CommandError, match=match) as raised:
        restore(path, *options)
    assert "nothing was changed" in str(raised.value)
    assert CANARY_USERNAME not in str(raised.value)
    assert snapshot() == before


def test_it_refuses_to_restore_into_a_database_with_rows(
    tmp_path: Path, secret_key_file: Path
) -> None:
    populate()
    path = tmp_path / "sanctuary.backup"
    back_up(path)
    assert_refused(path, "empty database", "--secret-key-file", str(secret_key_file))


def test_it_refuses_the_wrong_secret_key(archive: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.key"
    wrong.write_text(encode_backup_key(KeyPair.generate().secret_key))
    assert_refused(archive, "another backup key", "--secret-key-file", str(wrong))


@pytest.mark.parametrize("where", [20, 200, -1], ids=["sealed key", "body", "tag"])
def test_it_refuses_a_tampered_archive(archive: Path, secret_key_file: Path, where: int) -> None:
    data = bytearray(archive.read_bytes())
    data[where] ^= 0x01
    archive.write_bytes(bytes(data))
    assert_refused(archive, "tampered", "--secret-key-file", str(secret_key_file))


@pytest.mark.parametrize("keep", [0.0, 0.05, 0.5, 0.99])
def test_it_refuses_a_truncated_archive(archive: Path, secret_key_file: Path, keep: float) -> None:
    data = archive.read_bytes()
    archive.write_bytes(data[: int(len(data) * keep)])
    assert_refused(
        archive, "truncated|not a Sanctuary backup", "--secret-key-file", str(secret_key_file)
    )


def test_it_refuses_an_archive_of_another_schema_version(
    archive: Path, backup_keys: KeyPair, secret_key_file: Path
) -> None:
    current = applied_migrations()["audit"]

    def from_a_later_release(document: dict[str, Any]) -> None:
        document["header"]["migrations"]["audit"] = "9999_from_a_later_release"

    reseal_document(archive, backup_keys, from_a_later_release)
    assert_refused(
        archive,
        f"another schema version.*audit: backup 9999_from_a_later_release, database {current}",
        "--secret-key-file",
        str(secret_key_file),
    )


def test_it_rolls_back_everything_when_a_row_does_not_fit(
    archive: Path, backup_keys: KeyPair, secret_key_file: Path
) -> None:
    def without_users(document: dict[str, Any]) -> None:
        # Roles and devices now point at users that do not exist: the load fails at the end,
        # after most rows went in, and none of them may stay.
        objects = document["objects"]
        document["objects"] = [row for row in objects if row["model"] != "accounts.user"]

    reseal_document(archive, backup_keys, without_users)
    assert_refused(archive, "do not fit", "--secret-key-file", str(secret_key_file))
    assert not AuditEntry.objects.exists()


def test_it_refuses_a_restore_without_a_secret_key(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BACKUP_SECRET_KEY", raising=False)
    monkeypatch.delenv("BACKUP_SECRET_KEY_FILE", raising=False)
    assert_refused(archive, "no backup secret key")


def test_it_refuses_a_file_that_is_not_a_backup(tmp_path: Path, secret_key_file: Path) -> None:
    path = tmp_path / "notes.json"
    path.write_text(json.dumps({"objects": []}))
    assert_refused(path, "not a Sanctuary backup", "--secret-key-file", str(secret_key_file))
