"""What an attacker does with sealed copies and ciphertexts read back from a stolen copy: try
every password and codename he knows through the application's own key chain."""

import contextlib
from dataclasses import dataclass
from uuid import UUID

from sanctuary.accounts.models import User
from sanctuary.keyring import crypto
from sanctuary.keyring.models import SealedKey
from sanctuary.keyring.services import keychain_for, open_staff_secret


@dataclass(frozen=True)
class Recovered:
    """One sealed copy as its row held it, and the ciphertext of the field it opens."""

    record_type: str
    record_id: str
    holder_id: UUID
    wrapped: bytes


def every_keypair(
    staff: list[tuple[User, str]], seekers: list[crypto.KeyPair]
) -> dict[UUID, crypto.KeyPair]:
    """Each staff member's key chain (his own secret from his password, then every group
    secret sealed to him), and each seeker's key pair from his codename (holder unknown)."""
    keypairs: dict[UUID, crypto.KeyPair] = {}
    for user, password in staff:
        own = open_staff_secret(user, password)
        assert own is not None, f"{user} has no keys: the attack would prove nothing"
        keypairs.update(keychain_for(user, own).keypairs)
    for number, keypair in enumerate(seekers):
        keypairs[UUID(int=number)] = keypair
    return keypairs


def open_story(
    copies: list[Recovered],
    ciphertext: bytes,
    keypairs: dict[UUID, crypto.KeyPair],
    field: str = "story",
) -> list[str]:
    """Every plaintext the copies open with these key pairs. Each copy is tried through the
    model (`SealedKey.sealed`, which needs the record's erasure key from its store), and every
    81-byte window of the stored bytes is tried as a bare sealed copy, with every key pair."""
    opened = []
    for copy in copies:
        candidates = []
        row = SealedKey(
            record_type=copy.record_type,
            record_id=copy.record_id,
            holder_id=copy.holder_id,
            wrapped=copy.wrapped,
        )
        with contextlib.suppress(crypto.KeyringError):  # the erasure key is gone
            candidates.append(row.sealed)
        candidates += [copy.wrapped[i : i + 81] for i in range(len(copy.wrapped) - 80)]
        aad = crypto.field_aad(copy.record_type, copy.record_id, field)
        for sealed in candidates:
            for keypair in keypairs.values():
                try:
                    key = crypto.unseal(sealed, keypair)
                    opened.append(crypto.decrypt_field(key, ciphertext, aad=aad).decode())
                except crypto.KeyringError:
                    continue
    return opened
