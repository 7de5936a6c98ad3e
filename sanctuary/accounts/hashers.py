"""The password hash costs at least as much to guess as the key wrap beside it.

A copy of the database holds two things a password can be tested against: Django's hash in
`accounts_user.password` and the Argon2id wrap of the staff member's secret key. The cheaper one
sets the price of an offline guess, so the hash uses the wrap's passes and memory (libsodium's
MODERATE level, or settings.KEYRING_PASSWORD_LIMITS). Django re-hashes a stored password when
its parameters differ from these, at the next successful login.
"""

import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
from django.contrib.auth.hashers import Argon2PasswordHasher

from sanctuary.keyring.services import password_limits

STR_HASH_BYTES = 32  # what libsodium's crypto_pwhash_str writes: Argon2id v1.3, 32-byte hash


class KeyWrapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with the key wrap's passes and memory, in one lane as libsodium's wrap uses.

    Same algorithm name and encoding as Django's own (`argon2$argon2id$v=19$m=…,t=…,p=…$…`), so
    its hashes are read and upgraded at the next login. Hashing and checking run in libsodium,
    1.5 to 1.8 times as fast here as argon2-cffi at the same cost (docs/keys.md): an attacker's
    price per guess is the same, a login waits less."""

    parallelism = 1

    @property
    def time_cost(self) -> int:  # type: ignore[override]
        return password_limits().opslimit

    @property
    def memory_cost(self) -> int:  # type: ignore[override]
        return password_limits().memlimit // 1024  # argon2-cffi and the encoding count KiB

    def encode(self, password: str, salt: str) -> str:
        # libsodium draws its own 16-byte salt; Django's salt argument is not needed.
        encoded = argon2id.str(
            password.encode(),
            opslimit=self.time_cost,
            memlimit=self.memory_cost * 1024,
        )
        return f"{self.algorithm}{encoded.decode('ascii')}"

    def must_update(self, encoded: str) -> bool:
        # Django's own check also counts the salt's characters in its alphabet, which libsodium's
        # 16 random bytes (128 bits) would fail at every login: compare the parameters only.
        params = self.decode(encoded)["params"]
        current = (params.type.name, params.version, params.hash_len)
        costs = (params.time_cost, params.memory_cost, params.parallelism)
        return bool(
            current != ("ID", 19, STR_HASH_BYTES)
            or costs != (self.time_cost, self.memory_cost, self.parallelism)
            or params.salt_len < argon2id.SALTBYTES
        )

    def verify(self, password: str, encoded: str) -> bool:
        algorithm, rest = encoded.split("$", 1)
        if algorithm != self.algorithm:
            return False
        try:
            return bool(argon2id.verify(("$" + rest).encode("ascii"), password.encode()))
        except nacl.exceptions.InvalidkeyError:
            return False
        except (nacl.exceptions.CryptoError, ValueError, UnicodeError):
            # A hash libsodium cannot read (another variant): argon2-cffi reads every one.
            return bool(super().verify(password, encoded))
