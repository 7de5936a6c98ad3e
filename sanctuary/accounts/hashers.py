"""The password hash costs at least as much to guess as the key wrap beside it.

A copy of the database holds two things a password can be tested against: Django's hash in
`accounts_user.password` and the Argon2id wrap of the staff member's secret key. The cheaper one
sets the price of an offline guess, so the hash uses the wrap's passes and memory (libsodium's
MODERATE level, or settings.KEYRING_PASSWORD_LIMITS). Django re-hashes a stored password when
its parameters differ from these, at the next successful login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher

from sanctuary.keyring.services import password_limits


class KeyWrapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with the key wrap's passes and memory, in one lane as libsodium's wrap uses.
    Same algorithm name as Django's: its hashes are read, and upgraded at the next login."""

    parallelism = 1

    @property
    def time_cost(self) -> int:  # type: ignore[override]
        return password_limits().opslimit

    @property
    def memory_cost(self) -> int:  # type: ignore[override]
        return password_limits().memlimit // 1024  # argon2-cffi counts KiB
