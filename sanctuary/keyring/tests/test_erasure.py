"""Erasure keys: every sealed copy is wrapped under its record's erasure key, kept in a SQLite
store that overwrites what it deletes, and shredding destroys it. The attack on PostgreSQL's
files is in tests/integration/test_shred_on_disk.py; these run on both databases."""

import multiprocessing
import stat
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client
from django.urls import reverse

from sanctuary.accounts.models import Role, User
from sanctuary.cases.models import Case
from sanctuary.intake.tests.helpers import codename_in, submit, token_in
from sanctuary.keyring import crypto, erasure
from sanctuary.keyring.models import SealedKey
from sanctuary.keyring.services import (
    grant_with_key,
    group_holder,
    keychain_for,
    open_staff_secret,
    revoke,
)
from sanctuary.keyring.tests.attack import Recovered, every_keypair, open_story
from sanctuary.test import PASSWORD, make_staff


@pytest.fixture
def store(tmp_path: Path, settings: Any) -> Path:
    path = tmp_path / "erasure-keys.sqlite3"
    settings.ERASURE_KEY_STORE = str(path)
    return path


# ---- the wrap --------------------------------------------------------------------------------


def test_it_wraps_a_copy_for_one_record_and_holder_only() -> None:
    sealed = crypto.seal(crypto.new_data_key(), crypto.KeyPair.generate().public_key)
    key = crypto.new_erasure_key()
    aad = crypto.erasure_aad("intake.case", "1", "holder-a")
    blob = crypto.wrap_erasable(sealed, key, aad=aad)
    assert sealed not in blob
    assert crypto.unwrap_erasable(blob, key, aad=aad) == sealed
    for other_key, other_aad in (
        (crypto.new_erasure_key(), aad),
        (key, crypto.erasure_aad("intake.case", "2", "holder-a")),
        (key, crypto.erasure_aad("intake.case", "1", "holder-b")),
        (key, crypto.erasure_aad("hosts.host", "1", "holder-a")),
    ):
        with pytest.raises(crypto.CannotOpen):
            crypto.unwrap_erasable(blob, other_key, aad=other_aad)


# ---- the store -------------------------------------------------------------------------------


def test_it_opens_the_store_so_that_a_deletion_overwrites(store: Path) -> None:
    erasure.ensure("intake.case", "1")
    connection = erasure._connection()
    assert connection.execute("PRAGMA secure_delete").fetchone() == (1,)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert connection.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    assert stat.S_IMODE(store.stat().st_mode) == 0o600


def test_it_keeps_one_key_per_record_until_destroyed(store: Path) -> None:
    first = erasure.ensure("intake.case", "1")
    assert erasure.ensure("intake.case", "1") == first
    assert erasure.key_for("intake.case", "1") == first
    assert erasure.key_for("hosts.host", "1") is None
    erasure.destroy("intake.case", "1")
    assert erasure.key_for("intake.case", "1") is None


def test_it_overwrites_a_destroyed_key_in_the_file(store: Path) -> None:
    keys = {n: erasure.ensure("intake.case", str(n)) for n in range(40)}
    on_disk = store.read_bytes()
    assert all(key in on_disk for key in keys.values())  # the control: keys are readable
    for n in range(0, 40, 2):
        erasure.destroy("intake.case", str(n))
    on_disk = store.read_bytes()
    for n, key in keys.items():
        assert (key in on_disk) == (n % 2 == 1)
    assert not Path(f"{store}-journal").exists()
    assert not Path(f"{store}-wal").exists()


def _ensure_in_another_process(path: str, prefix: str, queue: Any) -> None:
    settings.ERASURE_KEY_STORE = path
    keys = {}
    for n in range(30):
        keys[f"{prefix}-{n}"] = erasure.ensure("intake.case", f"{prefix}-{n}")
        keys[f"shared-{n}"] = erasure.ensure("intake.case", f"shared-{n}")
    queue.put(keys)


def test_it_shares_the_store_between_app_processes(store: Path) -> None:
    erasure.ensure("intake.case", "made-first")  # the parent's connection stays open meanwhile
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [
        context.Process(target=_ensure_in_another_process, args=(str(store), name, queue))
        for name in ("one", "two")
    ]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    for name, result in zip(("one", "two"), results, strict=True):
        for record_id, key in result.items():
            assert erasure.key_for("intake.case", record_id) == key, name
    # Both processes asked for the shared records: each got the one key that was stored.
    assert {k: v for k, v in results[0].items() if k.startswith("shared")} == {
        k: v for k, v in results[1].items() if k.startswith("shared")
    }


# ---- the main SQLite database ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="a SQLite setting",
)
def test_it_sets_secure_delete_on_the_main_sqlite_database() -> None:
    """Read on a connection of its own, as every app process opens one. Set by the settings,
    not left to the build: Debian's libsqlite3 happens to default to on, others do not."""
    fresh = connections.create_connection(DEFAULT_DB_ALIAS)
    assert "PRAGMA secure_delete=ON;" in fresh.settings_dict["OPTIONS"]["init_command"]
    try:
        with fresh.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete")
            assert cursor.fetchone() == (1,)
            # The control: the pragma reads back what is set; it is not fixed on this build.
            cursor.execute("PRAGMA secure_delete=OFF")
            cursor.execute("PRAGMA secure_delete")
            assert cursor.fetchone() == (0,)
    finally:
        fresh.close()


# ---- records ---------------------------------------------------------------------------------


def staff_and_case(client: Client) -> tuple[list[tuple[User, str]], str, Case]:
    coordinator = make_staff("coord.erasure", Role.COORDINATOR)
    staff = [(coordinator, PASSWORD), (make_staff("admin.erasure", Role.ADMIN), PASSWORD)]
    codename = codename_in(submit(client, story="canary-erasure-story-5e2a").content.decode())
    return staff, codename, Case.objects.get()


def recovered(case: Case) -> list[Recovered]:
    return [
        Recovered(copy.record_type, copy.record_id, copy.holder_id, bytes(copy.wrapped))
        for copy in SealedKey.objects.for_record(case)
    ]


def delete_my_case(client: Client) -> None:
    page = client.get(reverse("intake:delete")).content.decode()
    client.post(reverse("intake:delete"), {"form_token": token_in(page)})
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_it_keeps_no_openable_copy_in_the_main_database(client: Client) -> None:
    staff, codename, case = staff_and_case(client)
    seeker = crypto.derive_seeker_keys(codename, settings.SEEKER_PEPPER.encode()).keypair
    keypairs = every_keypair(staff, [seeker])
    for copy in recovered(case):
        for window in range(len(copy.wrapped) - 80):
            for keypair in keypairs.values():
                with pytest.raises(crypto.KeyringError):
                    crypto.unseal(copy.wrapped[window : window + 81], keypair)
    # The control: through the erasure key, the same rows open for the coordinator and seeker.
    assert open_story(recovered(case), bytes(case.story or b""), keypairs) == [
        "canary-erasure-story-5e2a",
        "canary-erasure-story-5e2a",
    ]


@pytest.mark.django_db
def test_it_opens_nothing_from_copies_put_back_after_delete_my_case(client: Client) -> None:
    staff, codename, case = staff_and_case(client)
    copies, story = recovered(case), bytes(case.story or b"")
    seeker = crypto.derive_seeker_keys(codename, settings.SEEKER_PEPPER.encode()).keypair
    keypairs = every_keypair(staff, [seeker])
    assert len(open_story(copies, story, keypairs)) == 2  # the control: intake group and seeker
    delete_my_case(client)
    assert erasure.key_for("intake.case", str(case.pk)) is None
    assert open_story(copies, story, every_keypair(staff, [seeker])) == []


@pytest.mark.django_db
def test_it_overwrites_the_erasure_key_of_a_deleted_case_in_the_store_file(
    client: Client, store: Path
) -> None:
    _staff, _codename, case = staff_and_case(client)
    key = erasure.key_for("intake.case", str(case.pk))
    assert key is not None and key in store.read_bytes()  # the control
    delete_my_case(client)
    assert key not in store.read_bytes()
    assert not Path(f"{store}-journal").exists()


@pytest.mark.django_db(transaction=True)
def test_it_destroys_the_key_when_the_last_copy_goes_another_way() -> None:
    """Shelter deletes a disclosure's copies with its case, and a revocation can take the last
    copy: the erasure key goes once that deletion commits."""
    coordinator = make_staff("coord.revoke", Role.COORDINATOR)
    intake = group_holder("intake")
    assert intake is not None
    submit(Client())
    case = Case.objects.get()
    record = ("intake.case", str(case.pk))
    SealedKey.objects.for_record(case).filter(holder=case.seeker).delete()
    assert erasure.key_for(*record) is not None
    revoke(case, holder=intake, acting_user=coordinator)
    assert erasure.key_for(*record) is None


@pytest.mark.django_db
def test_it_seals_no_new_copy_of_a_record_shredded_meanwhile(client: Client) -> None:
    """A grant that opened the key just before a shred destroyed the erasure key must fail,
    not make a new erasure key and leave a live copy of the shredded record's data key."""
    staff, _codename, case = staff_and_case(client)
    counselor = make_staff("counselor.race", Role.COUNSELOR)
    keypair = open_staff_secret(staff[0][0], PASSWORD)
    assert keypair is not None
    data_key = keychain_for(staff[0][0], keypair).data_key(case)
    erasure.destroy("intake.case", str(case.pk))  # the shred, in another process
    with pytest.raises(crypto.CannotOpen):
        grant_with_key(case, data_key, to=counselor.holder, acting_user=staff[0][0], via="test")
    assert erasure.key_for("intake.case", str(case.pk)) is None
    assert not SealedKey.objects.for_record(case).filter(holder__user=counselor).exists()
