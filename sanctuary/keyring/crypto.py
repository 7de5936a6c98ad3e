"""Sanctuary's cryptographic core: every primitive the platform uses, on libsodium only.

Nothing here knows about Django or the database. The Django layer (encrypted fields, holders,
grants, sessions) calls these functions and stores the bytes they return. Each stored blob starts
with a version byte so its format can change later without breaking what is already stored.
docs/keys.md describes the formats, the parameters and the honest limits.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import unicodedata
from dataclasses import dataclass, field
from typing import Final, NamedTuple

import nacl.bindings as sodium
import nacl.encoding
import nacl.exceptions
import nacl.hash
import nacl.pwhash.argon2id as argon2id
import nacl.utils

from sanctuary.keyring import codenames

__all__ = [
    "BACKUP_MAGIC",
    "CODENAME_WORDS",
    "CODENAME_WORD_COUNT",
    "PASSWORD_LIMITS",
    "RECOVERY_CODE_LIMITS",
    "SEEKER_LIMITS",
    "ArgonLimits",
    "CannotOpen",
    "DataKey",
    "KeyPair",
    "KeyringError",
    "MalformedCodename",
    "MalformedInput",
    "SeekerKeys",
    "constant_time_equal",
    "decode_backup_key",
    "decode_session_key",
    "decrypt_field",
    "derive_seeker_keys",
    "encode_backup_key",
    "encode_session_key",
    "encrypt_field",
    "erasure_aad",
    "field_aad",
    "hash_recovery_code",
    "new_codename",
    "new_data_key",
    "new_erasure_key",
    "new_referral_code",
    "new_referral_kdf",
    "new_referral_token",
    "new_session_key",
    "normalize_codename",
    "normalize_referral_code",
    "open_archive",
    "open_codename_note",
    "password_wrap_limits",
    "password_wrap_needs_upgrade",
    "recovery_code_matches",
    "referral_key",
    "referral_token_digest",
    "referral_token_well_formed",
    "reseal",
    "seal",
    "seal_archive",
    "seal_codename_note",
    "seal_secret",
    "unseal",
    "unseal_secret",
    "unwrap_erasable",
    "unwrap_with_key",
    "unwrap_with_password",
    "wrap_erasable",
    "wrap_with_key",
    "wrap_with_password",
]

KEY_BYTES: Final = 32
_NONCE_BYTES: Final = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES  # 24
_TAG_BYTES: Final = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES  # 16
_SALT_BYTES: Final = argon2id.SALTBYTES  # 16

# One version byte per blob kind. A new format gets a new byte; old blobs stay readable.
_FIELD_V1: Final = 1
_SEALED_V1: Final = 1
_PASSWORD_WRAP_V1: Final = 1
_SESSION_WRAP_V1: Final = 1
_FIELD_AAD_V1: Final = 1
_ERASURE_WRAP_V1: Final = 1
_ERASURE_AAD_V1: Final = 1

# Domain labels enter the AEAD's associated data, so a blob of one kind can never be opened as
# another kind even if the same key were (wrongly) used for both.
_FIELD_DOMAIN: Final = b"sanctuary/field"
_PASSWORD_DOMAIN: Final = b"sanctuary/password-wrap"
_SESSION_DOMAIN: Final = b"sanctuary/session-wrap"
_ERASURE_DOMAIN: Final = b"sanctuary/erasure-wrap"


# --- Errors -------------------------------------------------------------------------------------


class KeyringError(Exception):
    """Base of every error this module raises on purpose; catch this one in the Django layer."""


class CannotOpen(KeyringError):
    """A blob did not open: wrong key or holder, moved to another context, tampered, truncated,
    or of an unknown version. The message says which step failed, never any secret or plaintext."""


class MalformedInput(KeyringError, ValueError):
    """An argument is structurally wrong (bad length, empty password, malformed cookie value)."""


class MalformedCodename(MalformedInput):
    """A typed codename cannot be read. ``reason`` is a stable code the interface translates:
    "characters" (something other than letters and separators), "unknown_word" (``position`` is
    the 1-based word that is not in the list) or "word_count" (``count`` words were found)."""

    def __init__(self, message: str, *, reason: str, position: int = 0, count: int = 0) -> None:
        super().__init__(message)
        self.reason = reason
        self.position = position
        self.count = count


# --- Small helpers ------------------------------------------------------------------------------


def constant_time_equal(a: bytes, b: bytes) -> bool:
    """Compare secrets (lookup ids, tokens) without leaking where they first differ."""
    return hmac.compare_digest(a, b)


def _length_prefixed(*parts: bytes) -> bytes:
    # Four-byte big-endian length before each part: ("ab", "c") and ("a", "bc") never collide.
    return b"".join(len(part).to_bytes(4, "big") + part for part in parts)


def _require_key(key: bytes, what: str) -> None:
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise MalformedInput(f"{what} must be {KEY_BYTES} bytes")


def _aead_seal(key: bytes, plaintext: bytes, *, header: bytes, domain: bytes, aad: bytes) -> bytes:
    # The header (version byte and any recorded parameters) is authenticated with the caller's
    # associated data: changing a parameter or the version makes the blob fail to open.
    nonce = nacl.utils.random(_NONCE_BYTES)  # random 192-bit nonce: collisions are negligible
    body = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, _length_prefixed(domain, header, aad), nonce, key
    )
    return header + nonce + body


def _aead_open(
    key: bytes, blob: bytes, *, header_len: int, domain: bytes, aad: bytes, what: str
) -> bytes:
    if len(blob) < header_len + _NONCE_BYTES + _TAG_BYTES:
        raise CannotOpen(f"cannot open {what}: blob is truncated ({len(blob)} bytes)")
    header = blob[:header_len]
    nonce = blob[header_len : header_len + _NONCE_BYTES]
    body = blob[header_len + _NONCE_BYTES :]
    try:
        return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
            body, _length_prefixed(domain, header, aad), nonce, key
        )
    except nacl.exceptions.CryptoError:
        raise CannotOpen(
            f"cannot open {what}: wrong key, wrong context (associated data) or tampered blob"
        ) from None


def _check_version(blob: bytes, expected: int, what: str) -> None:
    if not isinstance(blob, bytes) or not blob:
        raise CannotOpen(f"cannot open {what}: empty blob")
    if blob[0] != expected:
        raise CannotOpen(f"cannot open {what}: unknown format version {blob[0]}")


# --- Data keys and field encryption -------------------------------------------------------------


@dataclass(frozen=True)
class DataKey:
    """A random per-record key. Stored only sealed to holders, never in the clear."""

    raw: bytes = field(repr=False)  # repr=False: a key must never reach a log or a traceback

    def __post_init__(self) -> None:
        _require_key(self.raw, "a data key")


def new_data_key() -> DataKey:
    return DataKey(nacl.utils.random(KEY_BYTES))


def field_aad(model_label: str, pk: str, field: str) -> bytes:
    """Associated data binding a ciphertext to one field of one row ("cases.Case", "42", "story").

    Versioned and length-prefixed, so no two different (model, pk, field) triples encode alike.
    """
    for name, value in (("model_label", model_label), ("pk", pk), ("field", field)):
        if not isinstance(value, str) or not value:
            raise MalformedInput(f"field_aad needs a non-empty string {name}")
    return bytes([_FIELD_AAD_V1]) + _length_prefixed(
        model_label.encode(), pk.encode(), field.encode()
    )


def encrypt_field(key: DataKey, plaintext: bytes, *, aad: bytes) -> bytes:
    """XChaCha20-Poly1305 under the record's data key. Blob: version(1) | nonce(24) | body+tag."""
    return _aead_seal(key.raw, plaintext, header=bytes([_FIELD_V1]), domain=_FIELD_DOMAIN, aad=aad)


def decrypt_field(key: DataKey, blob: bytes, *, aad: bytes) -> bytes:
    _check_version(blob, _FIELD_V1, "field")
    return _aead_open(key.raw, blob, header_len=1, domain=_FIELD_DOMAIN, aad=aad, what="field")


# --- Holder key pairs and sealing ---------------------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    """An X25519 key pair of a holder: a staff member, a group or a seeker."""

    public_key: bytes
    secret_key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        _require_key(self.public_key, "a public key")
        _require_key(self.secret_key, "a secret key")
        # Catches a public key stored beside the wrong secret before anything is sealed to it.
        if not constant_time_equal(sodium.crypto_scalarmult_base(self.secret_key), self.public_key):
            raise MalformedInput("public key does not belong to this secret key")

    @classmethod
    def generate(cls) -> KeyPair:
        public, secret = sodium.crypto_box_keypair()
        return cls(public, secret)

    @classmethod
    def from_secret_key(cls, secret_key: bytes) -> KeyPair:
        _require_key(secret_key, "a secret key")
        return cls(sodium.crypto_scalarmult_base(secret_key), secret_key)

    @classmethod
    def from_seed(cls, seed: bytes) -> KeyPair:
        _require_key(seed, "a key-pair seed")
        public, secret = sodium.crypto_box_seed_keypair(seed)
        return cls(public, secret)


def seal(data_key: DataKey, public_key: bytes) -> bytes:
    """Seal a data key to a holder (X25519 sealed box). Blob: version(1) | sealed box(80).

    Anyone can seal to a public key: this gives confidentiality, not proof of who sealed.
    """
    _require_key(public_key, "a public key")
    try:
        box = sodium.crypto_box_seal(data_key.raw, public_key)
    except nacl.exceptions.CryptoError:
        raise MalformedInput("cannot seal to this public key (not a usable X25519 point)") from None
    return bytes([_SEALED_V1]) + box


def unseal(sealed: bytes, keypair: KeyPair) -> DataKey:
    _check_version(sealed, _SEALED_V1, "sealed data key")
    if len(sealed) != 1 + sodium.crypto_box_SEALBYTES + KEY_BYTES:
        raise CannotOpen(f"cannot open sealed data key: wrong length ({len(sealed)} bytes)")
    try:
        raw = sodium.crypto_box_seal_open(sealed[1:], keypair.public_key, keypair.secret_key)
    except nacl.exceptions.CryptoError:
        raise CannotOpen(
            "cannot open sealed data key: sealed to another holder or tampered"
        ) from None
    return DataKey(raw)


def reseal(sealed: bytes, keypair: KeyPair, public_key: bytes) -> bytes:
    """A grant at the crypto level: whoever can open a data key seals it to another holder."""
    return seal(unseal(sealed, keypair), public_key)


# A short secret of its own length (a second-factor key) sealed to one holder. The label inside
# the box keeps a sealed data key from ever being taken for such a secret, and the reverse.
_SEALED_SECRET_V1: Final = 1
_SEALED_SECRET_LABEL: Final = b"sanctuary/sealed-secret\x00"
_SEALED_SECRET_MAX: Final = 64


def seal_secret(secret: bytes, public_key: bytes) -> bytes:
    """Seal a short secret (1 to 64 bytes) to a holder. Blob: version(1) | sealed box."""
    if not isinstance(secret, bytes) or not 0 < len(secret) <= _SEALED_SECRET_MAX:
        raise MalformedInput(f"a sealed secret has 1 to {_SEALED_SECRET_MAX} bytes")
    _require_key(public_key, "a public key")
    try:
        box = sodium.crypto_box_seal(_SEALED_SECRET_LABEL + secret, public_key)
    except nacl.exceptions.CryptoError:
        raise MalformedInput("cannot seal to this public key (not a usable X25519 point)") from None
    return bytes([_SEALED_SECRET_V1]) + box


def unseal_secret(sealed: bytes, keypair: KeyPair) -> bytes:
    _check_version(sealed, _SEALED_SECRET_V1, "sealed secret")
    try:
        opened = sodium.crypto_box_seal_open(sealed[1:], keypair.public_key, keypair.secret_key)
    except nacl.exceptions.CryptoError:
        raise CannotOpen(
            "cannot open sealed secret: sealed to another holder or tampered"
        ) from None
    if not opened.startswith(_SEALED_SECRET_LABEL) or len(opened) == len(_SEALED_SECRET_LABEL):
        raise CannotOpen("cannot open sealed secret: not a sealed secret")
    return opened[len(_SEALED_SECRET_LABEL) :]


# --- Password wrapping (Argon2id) ---------------------------------------------------------------

# Upper bounds a stored blob may ask for: a tampered blob must not make the server burn minutes
# of CPU or gigabytes of memory before the tag check can fail. libsodium's SENSITIVE level fits.
_OPSLIMIT_ACCEPTED_MAX: Final = 16
_MEMLIMIT_ACCEPTED_MAX: Final = argon2id.MEMLIMIT_SENSITIVE  # 1 GiB


@dataclass(frozen=True)
class ArgonLimits:
    """Argon2id cost: passes over memory (opslimit) and memory in bytes (memlimit)."""

    opslimit: int
    memlimit: int

    def __post_init__(self) -> None:
        if not argon2id.OPSLIMIT_MIN <= self.opslimit <= _OPSLIMIT_ACCEPTED_MAX:
            raise MalformedInput(f"Argon2id opslimit {self.opslimit} is out of bounds")
        if not argon2id.MEMLIMIT_MIN <= self.memlimit <= _MEMLIMIT_ACCEPTED_MAX:
            raise MalformedInput(f"Argon2id memlimit {self.memlimit} is out of bounds")
        if self.memlimit % 1024:
            # Blobs record memory in KiB, the unit Argon2id itself works in.
            raise MalformedInput("Argon2id memlimit must be a whole number of KiB")


# Staff login: libsodium's MODERATE level, 3 passes over 256 MiB, about 0.4 s on the 2-core
# reference machine (docs/keys.md has the measurements). Raising it later is safe: every blob
# records the limits it was made with, and password_wrap_needs_upgrade() tells when to re-wrap.
PASSWORD_LIMITS: Final = ArgonLimits(
    opslimit=argon2id.OPSLIMIT_MODERATE, memlimit=argon2id.MEMLIMIT_MODERATE
)

# An Argon2id header, as password-wrapped keys and referral parameters record it:
# version(1) | opslimit(4, BE) | memlimit in KiB(4, BE) | salt(16).
_ARGON_HEADER_LEN: Final = 1 + 4 + 4 + _SALT_BYTES
_PASSWORD_HEADER_LEN: Final = _ARGON_HEADER_LEN


def _argon_header(version: int, limits: ArgonLimits) -> bytes:
    """A fresh header with a random salt."""
    return (
        bytes([version])
        + limits.opslimit.to_bytes(4, "big")
        + (limits.memlimit // 1024).to_bytes(4, "big")
        + nacl.utils.random(_SALT_BYTES)
    )


def _read_argon_header(blob: bytes, version: int, what: str) -> tuple[ArgonLimits, bytes]:
    """The limits (checked against sane bounds) and the salt a header records."""
    _check_version(blob, version, what)
    if len(blob) < _ARGON_HEADER_LEN:
        raise CannotOpen(f"cannot open {what}: blob is truncated ({len(blob)} bytes)")
    try:
        limits = ArgonLimits(
            opslimit=int.from_bytes(blob[1:5], "big"),
            memlimit=int.from_bytes(blob[5:9], "big") * 1024,
        )
    except MalformedInput:
        raise CannotOpen(
            f"cannot open {what}: recorded Argon2id limits are out of bounds"
        ) from None
    return limits, blob[9:_ARGON_HEADER_LEN]


def _password_bytes(password: str) -> bytes:
    if not isinstance(password, str) or not password:
        raise MalformedInput("a password must be a non-empty string")
    # NFC: the same password typed on two devices may arrive composed or decomposed
    # (Cyrillic "й" is one code point or two); both must derive the same key.
    return unicodedata.normalize("NFC", password).encode()


def _password_key(password: str, salt: bytes, limits: ArgonLimits) -> bytes:
    return argon2id.kdf(
        KEY_BYTES,
        _password_bytes(password),
        salt,
        opslimit=limits.opslimit,
        memlimit=limits.memlimit,
    )


def wrap_with_password(
    secret: bytes, password: str, *, limits: ArgonLimits = PASSWORD_LIMITS
) -> bytes:
    """Encrypt a holder's secret key under Argon2id(password, random salt).

    Blob: version(1) | opslimit(4, BE) | memlimit in KiB(4, BE) | salt(16) | nonce(24) | body+tag.
    """
    header = _argon_header(_PASSWORD_WRAP_V1, limits)
    key = _password_key(password, header[9:], limits)
    return _aead_seal(key, secret, header=header, domain=_PASSWORD_DOMAIN, aad=b"")


def password_wrap_limits(blob: bytes) -> ArgonLimits:
    """The Argon2id limits recorded in a password-wrapped blob (checked against sane bounds)."""
    return _read_argon_header(blob, _PASSWORD_WRAP_V1, "password-wrapped key")[0]


def password_wrap_needs_upgrade(blob: bytes, limits: ArgonLimits = PASSWORD_LIMITS) -> bool:
    """True when the blob was made with weaker limits than today's: re-wrap it at next login."""
    recorded = password_wrap_limits(blob)
    return recorded.opslimit < limits.opslimit or recorded.memlimit < limits.memlimit


def unwrap_with_password(blob: bytes, password: str) -> bytes:
    limits, salt = _read_argon_header(blob, _PASSWORD_WRAP_V1, "password-wrapped key")
    key = _password_key(password, salt, limits)
    return _aead_open(
        key,
        blob,
        header_len=_PASSWORD_HEADER_LEN,
        domain=_PASSWORD_DOMAIN,
        aad=b"",
        what="password-wrapped key (wrong password?)",
    )


# --- Recovery codes -----------------------------------------------------------------------------

# A recovery code has about 49.5 bits (10 characters of 31). Each stored hash has its own salt,
# so one guess tests one code of one person, and costs an Argon2id pass over 32 MiB: a copy of
# the database leaves about 2^49 such passes per code. Lighter than a password wrap because a
# login may try all ten unused codes of a person in a row.
RECOVERY_CODE_LIMITS: Final = ArgonLimits(opslimit=2, memlimit=32 * 1024 * 1024)
_RECOVERY_V1: Final = 1
_RECOVERY_HASH_LEN: Final = _ARGON_HEADER_LEN + KEY_BYTES


def hash_recovery_code(prehash: bytes, *, limits: ArgonLimits = RECOVERY_CODE_LIMITS) -> bytes:
    """What the database keeps of a recovery code: Argon2id(prehash, random salt).

    `prehash` is the SHA-256 hex of the normalised code, so that digests stored before salting
    could be wrapped in place. Blob: Argon2id header (25, with the salt) | hash(32).
    """
    header = _argon_header(_RECOVERY_V1, limits)
    digest = argon2id.kdf(
        KEY_BYTES, prehash, header[9:], opslimit=limits.opslimit, memlimit=limits.memlimit
    )
    return header + digest


def recovery_code_matches(stored: bytes, prehash: bytes) -> bool:
    limits, salt = _read_argon_header(stored, _RECOVERY_V1, "recovery code hash")
    if len(stored) != _RECOVERY_HASH_LEN:
        raise CannotOpen("cannot read recovery code hash: wrong length")
    digest = argon2id.kdf(
        KEY_BYTES, prehash, salt, opslimit=limits.opslimit, memlimit=limits.memlimit
    )
    return constant_time_equal(digest, stored[_ARGON_HEADER_LEN:])


# --- Session wrapping ---------------------------------------------------------------------------


def new_session_key() -> bytes:
    """A random key that lives only in the browser's cookie, never on the server."""
    return nacl.utils.random(KEY_BYTES)


def wrap_with_key(secret: bytes, key: bytes, *, aad: bytes) -> bytes:
    """Encrypt a secret under a session key. Blob: version(1) | nonce(24) | body+tag."""
    _require_key(key, "a session key")
    return _aead_seal(
        key, secret, header=bytes([_SESSION_WRAP_V1]), domain=_SESSION_DOMAIN, aad=aad
    )


def unwrap_with_key(blob: bytes, key: bytes, *, aad: bytes) -> bytes:
    _require_key(key, "a session key")
    _check_version(blob, _SESSION_WRAP_V1, "session-wrapped key")
    return _aead_open(
        key, blob, header_len=1, domain=_SESSION_DOMAIN, aad=aad, what="session-wrapped key"
    )


_SESSION_KEY_TEXT_LEN: Final = 43  # 32 bytes in unpadded base64
_URLSAFE_ALPHABET: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)


def encode_session_key(key: bytes) -> str:
    """Cookie form of a session key: URL-safe base64 without padding, 43 characters."""
    _require_key(key, "a session key")
    return base64.urlsafe_b64encode(key).rstrip(b"=").decode("ascii")


def decode_session_key(text: str) -> bytes:
    """Strict inverse of encode_session_key: exactly one spelling is accepted for each key."""
    if (
        not isinstance(text, str)
        or len(text) != _SESSION_KEY_TEXT_LEN
        or not set(text) <= _URLSAFE_ALPHABET
    ):
        raise MalformedInput("session key in cookie is malformed")
    try:
        key = base64.urlsafe_b64decode(text + "=")
    except (binascii.Error, ValueError):
        raise MalformedInput("session key in cookie is malformed") from None
    # The last character carries 2 unused bits; refuse the non-canonical spellings.
    if encode_session_key(key) != text:
        raise MalformedInput("session key in cookie is malformed")
    return key


# --- Erasure wrapping --------------------------------------------------------------------------
#
# Every sealed copy of a record's data key is encrypted once more under that record's erasure
# key before it reaches the main database. The erasure key lives in a separate store that
# really overwrites what it deletes (keyring/erasure.py). Destroying it makes every copy, live
# or left behind in the database's files, write-ahead log or a later backup, impossible to open
# with any holder's key: the passwords reach the sealed box only through the erasure key.


def new_erasure_key() -> bytes:
    return nacl.utils.random(KEY_BYTES)


def erasure_aad(record_type: str, record_id: str, holder_id: str) -> bytes:
    """Associated data binding a wrapped copy to its record and holder: a copy cannot be moved
    to another record or holder, even one under the same erasure key."""
    for name, value in (
        ("record_type", record_type),
        ("record_id", record_id),
        ("holder_id", holder_id),
    ):
        if not isinstance(value, str) or not value:
            raise MalformedInput(f"erasure_aad needs a non-empty string {name}")
    return bytes([_ERASURE_AAD_V1]) + _length_prefixed(
        record_type.encode(), record_id.encode(), holder_id.encode()
    )


def wrap_erasable(sealed: bytes, erasure_key: bytes, *, aad: bytes) -> bytes:
    """A sealed copy encrypted under the record's erasure key (XChaCha20-Poly1305).
    Blob: version(1) | nonce(24) | body+tag: 122 bytes for an 81-byte sealed copy."""
    _require_key(erasure_key, "an erasure key")
    return _aead_seal(
        erasure_key, sealed, header=bytes([_ERASURE_WRAP_V1]), domain=_ERASURE_DOMAIN, aad=aad
    )


def unwrap_erasable(blob: bytes, erasure_key: bytes, *, aad: bytes) -> bytes:
    _require_key(erasure_key, "an erasure key")
    _check_version(blob, _ERASURE_WRAP_V1, "erasure-wrapped copy")
    return _aead_open(
        erasure_key,
        blob,
        header_len=1,
        domain=_ERASURE_DOMAIN,
        aad=aad,
        what="erasure-wrapped copy",
    )


# --- Sealed backups -----------------------------------------------------------------------------

BACKUP_MAGIC: Final = b"SANCTUARY-BACKUP"
_ARCHIVE_V1: Final = 1
_ARCHIVE_DOMAIN: Final = b"sanctuary/backup"
_SEALED_KEY_LEN: Final = 1 + sodium.crypto_box_SEALBYTES + KEY_BYTES  # a `seal` blob: 81 bytes
_ARCHIVE_HEADER_LEN: Final = len(BACKUP_MAGIC) + 1 + _SEALED_KEY_LEN


def seal_archive(data: bytes, public_key: bytes) -> bytes:
    """Encrypt a whole backup so that only the holder of the (offline) backup secret key opens it.

    Blob: magic(16) | version(1) | sealed data key(81) | nonce(24) | body+tag. The header,
    sealed key included, is authenticated: it cannot be swapped for another archive's.
    """
    data_key = new_data_key()
    header = BACKUP_MAGIC + bytes([_ARCHIVE_V1]) + seal(data_key, public_key)
    return _aead_seal(data_key.raw, data, header=header, domain=_ARCHIVE_DOMAIN, aad=b"")


def open_archive(blob: bytes, keypair: KeyPair) -> bytes:
    if not isinstance(blob, bytes) or not blob.startswith(BACKUP_MAGIC):
        raise CannotOpen("cannot open backup: not a Sanctuary backup archive")
    _check_version(blob[len(BACKUP_MAGIC) :], _ARCHIVE_V1, "backup")
    if len(blob) < _ARCHIVE_HEADER_LEN + _NONCE_BYTES + _TAG_BYTES:
        raise CannotOpen(f"cannot open backup: archive is truncated ({len(blob)} bytes)")
    try:
        data_key = unseal(blob[len(BACKUP_MAGIC) + 1 : _ARCHIVE_HEADER_LEN], keypair)
    except CannotOpen:
        raise CannotOpen(
            "cannot open backup: sealed to another backup key, or its header was tampered"
        ) from None
    return _aead_open(
        data_key.raw,
        blob,
        header_len=_ARCHIVE_HEADER_LEN,
        domain=_ARCHIVE_DOMAIN,
        aad=b"",
        what="backup (tampered or truncated)",
    )


_BACKUP_KEY_TEXT_LEN: Final = 44  # 32 bytes in padded standard base64


def encode_backup_key(key: bytes) -> str:
    """Text form of a backup public or secret key, for configuration: standard base64."""
    _require_key(key, "a backup key")
    return base64.b64encode(key).decode("ascii")


def decode_backup_key(text: str, *, what: str = "backup key") -> bytes:
    """Strict inverse of encode_backup_key. `what` names the setting in the error message,
    which never repeats the value: it may be a secret key."""
    value = text.strip() if isinstance(text, str) else ""
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedInput(f"{what} is not base64") from None
    if len(value) != _BACKUP_KEY_TEXT_LEN or len(key) != KEY_BYTES:
        raise MalformedInput(f"{what} must be base64 of {KEY_BYTES} bytes")
    return key


# --- Referral packets ---------------------------------------------------------------------------
#
# A referral packet is encrypted under a key derived from the random link token AND a one-time
# code given to the partner by another channel, with a per-referral salt and the server's pepper.
# The database keeps only a digest of the token: a copy of it (or of the proxy's logs, which may
# hold the link) opens no packet without the code and the pepper.

REFERRAL_TOKEN_BYTES: Final = 32
REFERRAL_TOKEN_TEXT_LEN: Final = 43  # 32 bytes in unpadded URL-safe base64
REFERRAL_CODE_DIGITS: Final = 8  # read over a phone in any language; 5 tries of 10^8 is nothing
# Argon2id at libsodium's INTERACTIVE level (64 MiB): only a live token reaches the derivation,
# at most a few times, so the cost falls on guessing the code with a stolen token offline.
REFERRAL_LIMITS: Final = ArgonLimits(
    opslimit=argon2id.OPSLIMIT_INTERACTIVE, memlimit=argon2id.MEMLIMIT_INTERACTIVE
)
_REFERRAL_KDF_V1: Final = 1


def new_referral_token() -> str:
    """The secret in the partner's link: 256 random bits, URL-safe, shown once."""
    return base64.urlsafe_b64encode(nacl.utils.random(REFERRAL_TOKEN_BYTES)).rstrip(b"=").decode()


def new_referral_code() -> str:
    """The one-time code given by another channel: eight digits, shown as two groups of four."""
    digits = f"{secrets.randbelow(10**REFERRAL_CODE_DIGITS):0{REFERRAL_CODE_DIGITS}d}"
    return f"{digits[:4]}-{digits[4:]}"


def normalize_referral_code(text: str) -> str:
    """The code's eight digits, whatever spaces or hyphens were typed between them."""
    if not isinstance(text, str):
        raise MalformedInput("a referral code must be text")
    digits = "".join(ch for ch in text if ch not in " -\t")
    if len(digits) != REFERRAL_CODE_DIGITS or not (digits.isascii() and digits.isdigit()):
        raise MalformedInput(f"a referral code has {REFERRAL_CODE_DIGITS} digits")
    return digits


def referral_token_well_formed(token: str) -> bool:
    return (
        isinstance(token, str)
        and len(token) == REFERRAL_TOKEN_TEXT_LEN
        and set(token) <= _URLSAFE_ALPHABET
    )


def referral_token_digest(token: str) -> str:
    """What the database keeps of the token, to find the referral: BLAKE2b-256, hex."""
    if not referral_token_well_formed(token):
        raise MalformedInput("a referral token is malformed")
    return _blake2b(token.encode("ascii"), size=KEY_BYTES, person=b"sanctuary-reftok").hex()


def new_referral_kdf(limits: ArgonLimits = REFERRAL_LIMITS) -> bytes:
    """The stored derivation parameters: an Argon2id header with a random salt."""
    return _argon_header(_REFERRAL_KDF_V1, limits)


def referral_key(token: str, code: str, kdf: bytes, server_secret: bytes) -> DataKey:
    """The packet key: Argon2id(token | code, salt, recorded limits), then BLAKE2b keyed with
    the server's pepper. A wrong code gives another key, and the packet then fails to open."""
    limits, salt = _read_argon_header(kdf, _REFERRAL_KDF_V1, "referral parameters")
    if len(kdf) != _ARGON_HEADER_LEN:
        raise CannotOpen("cannot open referral parameters: wrong length")
    _require_pepper(server_secret, 16, "referral")
    if not referral_token_well_formed(token):
        raise MalformedInput("a referral token is malformed")
    secret = _length_prefixed(token.encode("ascii"), normalize_referral_code(code).encode("ascii"))
    master = argon2id.kdf(
        KEY_BYTES, secret, salt, opslimit=limits.opslimit, memlimit=limits.memlimit
    )
    return DataKey(_blake2b(master, size=KEY_BYTES, key=server_secret, person=b"sanctuary-refkey"))


# --- Seeker codenames ---------------------------------------------------------------------------
# The word lists and the reading of a typed codename live in sanctuary.keyring.codenames (plain
# Python, no cryptography); this module derives keys from the canonical form it returns.

CODENAME_WORD_COUNT: Final = codenames.WORD_COUNT  # 8 words of >= 11 bits: >= 88 bits
CODENAME_WORDS: Final = codenames.ENGLISH_WORDS


def new_codename(list_name: str = "en") -> str:
    """Eight words from one list ("en" or "ru"), lowercase, single spaces: >= 88 bits."""
    return codenames.new_codename(list_name)


def normalize_codename(text: str) -> str:
    """The canonical form of a typed codename (codenames.normalize): eight list words joined by
    single spaces, whichever layout, case, ё/е, separators or numbers it was typed with."""
    try:
        return codenames.normalize(text)
    except codenames.UnreadableCodename as unreadable:
        raise MalformedCodename(
            str(unreadable),
            reason=unreadable.reason,
            position=unreadable.position,
            count=unreadable.count,
        ) from None


# The codename page carries the codename to its confirmation step sealed in a hidden field, so
# the server stores it nowhere: only the seeker's own session (his secret key) opens it again.
_CODENAME_NOTE_PERSON: Final = b"sanctuary-cnnote"


def _codename_note_key(keypair: KeyPair) -> bytes:
    return _blake2b(keypair.secret_key, size=KEY_BYTES, person=_CODENAME_NOTE_PERSON)


def seal_codename_note(note: str, keypair: KeyPair, *, aad: bytes) -> str:
    """A short text (the codename and the words to check) sealed for the seeker's own key pair,
    as URL-safe base64 for a form field."""
    blob = wrap_with_key(note.encode("utf-8"), _codename_note_key(keypair), aad=aad)
    return base64.urlsafe_b64encode(blob).decode("ascii")


def open_codename_note(sealed: str, keypair: KeyPair, *, aad: bytes) -> str:
    """Raises CannotOpen for a note sealed for someone else, elsewhere, or changed."""
    try:
        blob = base64.urlsafe_b64decode(sealed.encode("ascii"))
    except (ValueError, binascii.Error):
        raise CannotOpen("cannot open codename note: not base64") from None
    opened = unwrap_with_key(blob, _codename_note_key(keypair), aad=aad)
    return opened.decode("utf-8")


class SeekerKeys(NamedTuple):
    lookup_id: bytes  # 32 bytes, stored in the clear to find the case; reveals nothing alone
    keypair: KeyPair  # the seeker's holder key pair; never stored, re-derived at each visit

    def __repr__(self) -> str:
        # A lookup id in a log line would tie that line to one case.
        return "SeekerKeys(lookup_id=<hidden>, keypair=<hidden>)"


# Seeker derivation: Argon2id at libsodium's minimum (1 pass over 8 KiB). The codename's 88
# random bits and the server-held pepper are what defeat guessing: 2^88 tries are out of reach
# at any cost per try, so a memory-hard cost would protect nothing more, while it would make
# every public, unauthenticated submission and sign-in cost the server 64 MiB (the intake surge
# benchmark measured 18 submissions a second with it). These limits are part of derivation
# version 1: changing them changes every lookup id, so a change needs a new version.
SEEKER_LIMITS: Final = ArgonLimits(opslimit=argon2id.OPSLIMIT_MIN, memlimit=argon2id.MEMLIMIT_MIN)

_PEPPER_MIN_BYTES: Final = 32
_PEPPER_MAX_BYTES: Final = sodium.crypto_generichash_KEYBYTES_MAX  # 64: BLAKE2b's key limit


def _require_pepper(secret: bytes, minimum: int, what: str) -> None:
    if not isinstance(secret, bytes) or not minimum <= len(secret) <= _PEPPER_MAX_BYTES:
        raise MalformedInput(f"the {what} pepper must be {minimum} to {_PEPPER_MAX_BYTES} bytes")


def _blake2b(data: bytes, *, size: int, person: bytes, key: bytes = b"") -> bytes:
    return nacl.hash.blake2b(
        data, digest_size=size, key=key, person=person, encoder=nacl.encoding.RawEncoder
    )


def derive_seeker_keys(
    codename: str, server_secret: bytes, *, limits: ArgonLimits = SEEKER_LIMITS
) -> SeekerKeys:
    """Derive a seeker's lookup id and key pair from their codename and the server's pepper.

    The pepper (``server_secret``) lives in the server's configuration, never in the database,
    so a database copy alone cannot test a single guess. Version 1:
      salt      = BLAKE2b-128(pepper, person="sanctuary-salt-1")
      master    = Argon2id(normalized codename in UTF-8, salt, limits) -> 32 bytes
      (an English codename's UTF-8 is its ASCII: codenames made before the Russian list
      derive exactly what they did)
      lookup_id = BLAKE2b-256(master, key=pepper, person="sanctuary-lookup")
      seed      = BLAKE2b-256(master, key=pepper, person="sanctuary-boxkey")
      keypair   = X25519 key pair from seed (crypto_box_seed_keypair)
    """
    _require_pepper(server_secret, _PEPPER_MIN_BYTES, "seeker")
    normalized = normalize_codename(codename).encode("utf-8")
    salt = _blake2b(server_secret, size=_SALT_BYTES, person=b"sanctuary-salt-1")
    master = argon2id.kdf(
        KEY_BYTES, normalized, salt, opslimit=limits.opslimit, memlimit=limits.memlimit
    )
    lookup_id = _blake2b(master, size=KEY_BYTES, key=server_secret, person=b"sanctuary-lookup")
    seed = _blake2b(master, size=KEY_BYTES, key=server_secret, person=b"sanctuary-boxkey")
    return SeekerKeys(lookup_id=lookup_id, keypair=KeyPair.from_seed(seed))
