"""Speed of the keyring's primitives on this machine. Prints figures; asserts nothing.

Run: .venv/bin/python bench/keyring.py
Targets (docs/keys.md): a 2 KB field seals and opens in under 1 ms each; one staff login
derivation with the default Argon2id limits takes between 0.2 s and 1 s.

The second part measures the keyring's services on a fresh SQLite database and erasure key
store in a temporary directory, with the default Argon2id limits: a whole staff login (password
and second-factor pages, in-process), a grant, a shred and a seeker's "delete my case". A grant
reads the record's erasure key; a shred destroys it first, a durable commit to its store.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# Importable from a plain checkout too, without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sanctuary.keyring.crypto import (
    PASSWORD_LIMITS,
    RECOVERY_CODE_LIMITS,
    SEEKER_LIMITS,
    KeyPair,
    decrypt_field,
    derive_seeker_keys,
    encrypt_field,
    field_aad,
    hash_recovery_code,
    new_codename,
    new_data_key,
    new_session_key,
    recovery_code_matches,
    reseal,
    seal,
    seal_secret,
    unseal,
    unseal_secret,
    unwrap_with_key,
    unwrap_with_password,
    wrap_with_key,
    wrap_with_password,
)

FIELD_BYTES = 2048


def per_second(operation: Callable[[], object], seconds: float = 1.0) -> float:
    """Run the operation repeatedly for about `seconds` and return operations per second."""
    count = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(100):
            operation()
        count += 100
    return count / elapsed


def median_seconds(operation: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        operation()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def report(name: str, rate: float) -> None:
    print(f"  {name:<48} {rate:>10,.0f} ops/s  {1e6 / rate:>8.1f} µs/op")


def main() -> None:
    print(
        f"keyring benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{platform.machine()}"
    )

    key = new_data_key()
    aad = field_aad("cases.Case", "0b6f3c1e-5d2a-4f4e-9a57-1c1d2e3f4a5b", "story")
    plaintext = os.urandom(FIELD_BYTES)
    blob = encrypt_field(key, plaintext, aad=aad)
    print(f"\nfield of {FIELD_BYTES} bytes (XChaCha20-Poly1305, with associated data)")
    report("encrypt_field", per_second(lambda: encrypt_field(key, plaintext, aad=aad)))
    report("decrypt_field", per_second(lambda: decrypt_field(key, blob, aad=aad)))
    report(
        "encrypt_field + decrypt_field",
        per_second(lambda: decrypt_field(key, encrypt_field(key, plaintext, aad=aad), aad=aad)),
    )

    holder, other = KeyPair.generate(), KeyPair.generate()
    sealed = seal(key, holder.public_key)
    print("\ndata key sealed to a holder (X25519 sealed box)")
    report("seal", per_second(lambda: seal(key, holder.public_key)))
    report("unseal", per_second(lambda: unseal(sealed, holder)))
    report("seal + unseal", per_second(lambda: unseal(seal(key, holder.public_key), holder)))
    report(
        "grant (unseal with own key pair, seal to other)",
        per_second(lambda: reseal(sealed, holder, other.public_key)),
    )
    grant = median_seconds(lambda: reseal(sealed, holder, other.public_key), runs=101)
    print(f"  one grant, median of 101: {grant * 1e6:.0f} µs")

    session_key = new_session_key()
    session_blob = wrap_with_key(holder.secret_key, session_key, aad=b"session")
    print("\nsession wrap of a secret key (XChaCha20-Poly1305)")
    report(
        "unwrap_with_key (every staff request)",
        per_second(lambda: unwrap_with_key(session_blob, session_key, aad=b"session")),
    )

    print(
        f"\nstaff login: Argon2id opslimit={PASSWORD_LIMITS.opslimit}, "
        f"memlimit={PASSWORD_LIMITS.memlimit // 1024} KiB"
    )
    wrapped = wrap_with_password(holder.secret_key, "a long staff passphrase")
    login = median_seconds(lambda: unwrap_with_password(wrapped, "a long staff passphrase"), 5)
    print(f"  one login derivation (unwrap_with_password), median of 5: {login:.3f} s")
    second_factor_and_password_hash(holder)

    codename = new_codename()
    print(
        f"\nseeker codename: Argon2id opslimit={SEEKER_LIMITS.opslimit}, "
        f"memlimit={SEEKER_LIMITS.memlimit // 1024} KiB"
    )
    seeker = median_seconds(lambda: derive_seeker_keys(codename, bytes(32)), 5)
    print(f"  one derive_seeker_keys, median of 5: {seeker:.3f} s")

    with tempfile.TemporaryDirectory(prefix="sanctuary-bench-keyring-") as directory:
        services(Path(directory))


def services(directory: Path) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(
        SANCTUARY_DEMO="1",
        DJANGO_SETTINGS_MODULE="sanctuary.settings",
        ALLOWED_HOSTS="testserver",
        SQLITE_PATH=str(directory / "bench.sqlite3"),
        ERASURE_KEY_STORE=str(directory / "erasure-keys.sqlite3"),
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from sanctuary.accounts.models import Role
    from sanctuary.cases.services import do_delete_case
    from sanctuary.demo.seed import DEMO_ANSWERS
    from sanctuary.intake.services import do_submit_case
    from sanctuary.keyring.services import grant, keychain_for, open_staff_secret, shred
    from sanctuary.test import PASSWORD, log_in, make_staff

    call_command("migrate", verbosity=0)
    coordinator = make_staff("coordinator", Role.COORDINATOR)
    counselor = make_staff("counselor", Role.COUNSELOR)
    runs = 51
    cases = [do_submit_case(DEMO_ANSWERS)[0] for _ in range(2 * runs)]
    print(f"\nkeyring services (SQLite in {directory}, erasure key store beside it)")

    login = median_seconds(lambda: log_in(Client(), coordinator), 5)
    print(f"  one staff login, password and second factor pages, median of 5: {login:.3f} s")

    def unlock() -> object:
        keypair = open_staff_secret(coordinator, PASSWORD)
        assert keypair is not None
        return keychain_for(coordinator, keypair)

    unlocking = median_seconds(unlock, 5)
    print(f"  of which the keychain (open_staff_secret + keychain_for): {unlocking:.3f} s")

    keypair = open_staff_secret(coordinator, PASSWORD)
    assert keypair is not None
    keychain = keychain_for(coordinator, keypair)
    pending = iter(cases)
    granting = median_seconds(
        lambda: grant(next(pending), to=counselor.holder, keychain=keychain), runs
    )
    print(
        f"  one grant (opens the copy through its erasure key), median of {runs}: "
        f"{granting * 1e3:.1f} ms"
    )
    shredding = median_seconds(lambda: shred(next(pending), acting_user=coordinator), runs)
    print(f"  one shred (erasure key destroyed first), median of {runs}: {shredding * 1e3:.1f} ms")
    remaining = iter(cases)
    deleting = median_seconds(lambda: do_delete_case(next(remaining)), runs)
    print(
        f"  one 'delete my case' (shred, then the rows), median of {runs}: {deleting * 1e3:.1f} ms"
    )


def second_factor_and_password_hash(holder: KeyPair) -> None:
    """What else a login costs: Django's password hash at the key wrap's parameters (what
    sanctuary.accounts.hashers uses, through argon2-cffi), the TOTP secret opened from its
    sealed box, and one recovery code checked."""
    from argon2.low_level import Type, hash_secret_raw

    def django_hash(time_cost: int, memory_kib: int, lanes: int) -> float:
        return median_seconds(
            lambda: hash_secret_raw(
                b"a long staff passphrase",
                os.urandom(16),
                time_cost,
                memory_kib,
                lanes,
                32,
                Type.ID,
            ),
            3,
        )

    print("\npassword hash (argon2-cffi, Django's Argon2PasswordHasher)")
    ours = django_hash(PASSWORD_LIMITS.opslimit, PASSWORD_LIMITS.memlimit // 1024, 1)
    django = django_hash(2, 102400, 8)
    print(f"  at the key wrap's limits (t=3, 256 MiB, p=1), median of 3: {ours:.3f} s")
    print(f"  Django's default (t=2, 100 MiB, p=8), median of 3:          {django:.3f} s")

    sealed = seal_secret(os.urandom(20), holder.public_key)
    report(
        "unseal_secret (the TOTP secret, at the second step)",
        per_second(lambda: unseal_secret(sealed, holder)),
    )
    stored = hash_recovery_code(b"0" * 64)
    limits = RECOVERY_CODE_LIMITS
    one = median_seconds(lambda: recovery_code_matches(stored, b"1" * 64), 5)
    print(
        f"  one recovery code checked (Argon2id t={limits.opslimit}, "
        f"{limits.memlimit // 1024} KiB), median of 5: {one:.3f} s; "
        f"ten unused codes: {10 * one:.2f} s"
    )


if __name__ == "__main__":
    main()
