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
    "password_wrap_limits",
    "password_wrap_needs_upgrade",
    "recovery_code_matches",
    "referral_key",
    "referral_token_digest",
    "referral_token_well_formed",
    "reseal",
    "seal",
    "seal_archive",
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

CODENAME_WORD_COUNT: Final = 8  # 8 words of 11 bits: 88 bits of entropy


def new_codename() -> str:
    """Eight words from the 2048-word list, lowercase, single spaces: 88 bits of entropy."""
    return " ".join(secrets.choice(CODENAME_WORDS) for _ in range(CODENAME_WORD_COUNT))


# A seeker whose phone still has the Russian ЙЦУКЕН layout active types "ешпук" for "tiger":
# the same keys, other letters. Mapping the Cyrillic letter keys back to QWERTY forgives that.
_RUSSIAN_LAYOUT_TO_QWERTY: Final = str.maketrans(
    "йцукенгшщзфывапролдячсмить", "qwertyuiopasdfghjklzxcvbnm"
)
_SEPARATORS: Final = str.maketrans({c: " " for c in "-‐‑‒–—_.,;:/\\|+"})


def _word_for_token(token: str) -> str | None:
    # Every word is 4 to 7 letters and no two share their first four letters, so four letters
    # identify a word: "harb", "harbour" and "harbor" all mean "harbor".
    if token in _WORD_SET:
        return token
    if len(token) >= 4:
        return _WORD_BY_PREFIX.get(token[:4])
    return None


def _split_run(token: str) -> list[str] | None:
    # Words typed without spaces ("ablebaker"): the list is prefix-free, so at most one reading.
    words: list[str] = []
    position = 0
    while position < len(token):
        word = _WORD_BY_PREFIX.get(token[position : position + 4])
        if word is None or not token.startswith(word, position):
            return None
        words.append(word)
        position += len(word)
    return words


def normalize_codename(text: str) -> str:
    """Read a typed codename, forgiving case, extra spaces, hyphens or dots between words,
    missing spaces, a misspelt tail after a word's first four letters, and a Russian keyboard
    layout left on. Returns the canonical form: eight full words joined by single spaces.
    """
    cleaned = unicodedata.normalize("NFKC", text).casefold()
    cleaned = cleaned.translate(_RUSSIAN_LAYOUT_TO_QWERTY).translate(_SEPARATORS)
    tokens = cleaned.split()
    if any(not (token.isascii() and token.isalpha()) for token in tokens):
        raise MalformedCodename("a codename contains only letters and spaces", reason="characters")
    words: list[str] = []
    for token in tokens:
        run = _split_run(token) if len(token) > 7 else None
        if run is not None:
            words.extend(run)
            continue
        word = _word_for_token(token)
        if word is None:
            position = len(words) + 1
            raise MalformedCodename(
                f"word {position} of the codename is not in the word list",
                reason="unknown_word",
                position=position,
            )
        words.append(word)
    if len(words) != CODENAME_WORD_COUNT:
        raise MalformedCodename(
            f"a codename has {CODENAME_WORD_COUNT} words, {len(words)} were given",
            reason="word_count",
            count=len(words),
        )
    return " ".join(words)


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
      master    = Argon2id(normalized codename, salt, limits) -> 32 bytes
      lookup_id = BLAKE2b-256(master, key=pepper, person="sanctuary-lookup")
      seed      = BLAKE2b-256(master, key=pepper, person="sanctuary-boxkey")
      keypair   = X25519 key pair from seed (crypto_box_seed_keypair)
    """
    _require_pepper(server_secret, _PEPPER_MIN_BYTES, "seeker")
    normalized = normalize_codename(codename).encode("ascii")
    salt = _blake2b(server_secret, size=_SALT_BYTES, person=b"sanctuary-salt-1")
    master = argon2id.kdf(
        KEY_BYTES, normalized, salt, opslimit=limits.opslimit, memlimit=limits.memlimit
    )
    lookup_id = _blake2b(master, size=KEY_BYTES, key=server_secret, person=b"sanctuary-lookup")
    seed = _blake2b(master, size=KEY_BYTES, key=server_secret, person=b"sanctuary-boxkey")
    return SeekerKeys(lookup_id=lookup_id, keypair=KeyPair.from_seed(seed))


# The 2048 codename words, chosen for Sanctuary: common, concrete English words of 4 to 7 lowercase
# ASCII letters; no two share their first four letters (so the list is also prefix-free); words
# about war, borders, flight, police or crime are left out, so a codename written on paper draws
# no attention at a border search. Kept in alphabetical order. Do not remove or change a word:
# every seeker whose codename contains it would be locked out (the tests pin the list).
_CODENAME_WORDS_TEXT: Final = """
abbey able abyss accent acid acorn acre actor adapt added adobe adult advice aerial affair
afford afraid again agile agree ahead aisle ajar akin alarm album alcove alder alert algae
alley allow almond alone aloud alpha alpine already also alter always amaze amber amigo
amount amulet amuse anchor ancient angel angle angora animal anise ankle annex annual answer
antique antler anvil aorta apart apollo apple april apron aqua arbor arch arctic ardent area
arena argon argue aria arid aroma around arrive arrow aside aspen aspic asset astral atlas
atom atrium attic august aunt auto autumn avenue average avid avocado avoid awake award away
awful awning axis axle azure baby bacon badge baker balance balcony ball balmy balsa bamboo
banana band banjo bank banter barber bare barge barley barn baron barrel basalt basil basket
bath baton bauble bayou bazaar beach bead beak beam bean bear beauty beaver begin behind
beige bell belt bench beret berry beryl best better bias bicycle bike bingo bird birth
biscuit bison bitter black blade blanket blaze blend bless blimp blind bliss blob block
blonde bloom blossom blue bluff blush board boat bobcat bodice body boil bold bolt bone
bonnet bonsai bonus book boot boring borrow boss bottle boulder bounce bowl bracket braid
bramble branch brass brave bread breeze brick bride brief bright brine brisk brook brother
brown brush bubble bucket buddy budget buffalo buggy bugle bulb bundle bunny burger burlap
burrow bushel busy butane butter buyer buzz bypass cabbage cabin cable cactus cafe cage cake
calico calm camel camp canal candy canoe canvas canyon cape capsule case cash castle casual
cause cave caviar cedar ceiling celery cell cement cereal chair chalk change chapel charm
chase cheap check cheek chef cherry chess chicken chief child chimney chin chip chirp chives
chorus chrome chuckle chunky cider cinder cinema circle citrus city civic clam clap clarify
claw clay clean cleft clerk clever click client cliff climb clinic clip clock close cloth
cloud clover clown club clue coach coast coat cobalt cobra cobweb cockpit cocoa coffee coil
coin cold collar color comb comet comfort comic comma compass conch condor cookie copper
coral core corn cosmic cotton couch cougar country cousin cover cowboy coyote cozy crab
craft crane crater crayon cream credit creek crepe crew cricket crisp crocus crop crow
cruise crumb crystal cube cuckoo cuddle cumin cupcake curious curry curtain curve cushion
custom cute cutlet cycle cymbal dahlia dairy daisy damp dance dandy dapper daring dart dash
dawn dazzle deal debate debut decade decide deck decor deer deft degree delay deliver delta
demand denim dentist depth derby design desk detail dial diamond diary diesel diet digital
dingo dinner direct dirt disco dish disk distant ditto diva divot dizzy docile doctor dodge
doll dolphin domain domino donkey donut doodle door dose double dough dove dozen draft
dragon drama drawer dream dress drift drink drip drive drizzle drop drum duck duet duffel
dugout dune during dusk dust duty dwarf dynamo eager eagle earl earn earth easel east easy
ebony echo eclair eclipse edge edible effort egret eight elbow elder elegy eleven elite
elixir else elude email ember emblem embrace emerald empty enact enamel encore energy engine
enigma enjoy enough enroll ensure enter entire entry enzyme epic epoxy equal equip ermine
errand essay estate ether ethic event ever evolve exact example excel exhale exhibit exist
exotic expand expert explain extra fable fabric face fact fade fairy faith fajita falcon
fame family famous fancy farm fashion fast father fauna favor fawn feast feather feed feel
feline felt fence fennel fern ferry fever fiber fiction fiddle field fiesta filly film
filter final finch find fine finger finish fire firm first fish five fjord flag flair flame
flask flat flavor flax fleece flint flipper float flock floor flop flour flower fluffy fluid
flurry flute foal foam focus foil fold folk follow fondue food foot forest forge fork form
fossil found fowl fragile frame frappe fresh friday friend fringe frog frolic frost fruit
fudge fuel fusion future fuzzy gadget gala gallon galore gambit game garage garden garlic
garnet gasket gate gather gauge gauze gazebo gear gecko geese genius gentle genuine gesture
geyser giant gift giggle ginger giraffe girl give gizmo glacier glad glance glass glaze glen
glide glimpse glitter globe glove glow glue gnome goat goblet gold golf gondola good goose
gopher gorilla gossip gourd gown grab grace grain grant grape grass gravy great green grid
grill grin grocery grotto group grove grow gruel grunt guava guess guide guitar gulf gull
gust gutter gypsum habit haiku hair half hall halo halt hamlet hammer hamster hand hangar
happy harbor hard harp harvest have hawk hazel head health heap heart heat heaven hedge
height helix hello help hemp herb hermit hero hiccup high hiking hill hinge hint history
hobby hockey holiday hollow home honey hood hoof hook hoop hope hopper horizon horn horse
hotdog hotel hound hour house hover hula human humble humid humor hunch hundred hungry hurry
husband hush hybrid hymn icon idea idiom idle idol igloo iguana image immune inch include
income index indigo indoor infant infer inform ingot inhale inlet input insect inside intact
invite iris iron island itch item ivory jackal jade jaguar january jasmine jazz jeans jelly
jester jetty jewel jiffy jigsaw jingle jockey join joke jolly journey jovial juggle juice
jukebox july jumbo jump jungle junior just jute kale kappa karma kayak kazoo kebab keel keen
keep kelp kennel kernel ketchup kettle khaki kilo kilt kimono kiosk kipper kiss kiwi knack
knead knee knight knit knob knoll knot know koala kudos lace ladder lady lagoon lair lake
lamb lament lamp lanky lantern lapel laptop large lark lasso latch later lathe laugh laundry
laurel lava lavish lawn layer lazy leader leaf lean learn leash leather lecture ledge leek
left legal legend legume lemon lemur lend length lens lentil leopard lesson letter levee
library lichen lift light lilac lily limb lime limit linen lingo lint lion liquid list
litmus little live lizard llama load loaf lobby lobster local lock locust lodge loft logic
logo lonely long loom loop lotion lotus loud lounge love loyal lucid lucky luggage lullaby
lumber lumen lunar lunch lung lure lush lute luxury lynx lyrics macaw machine madam magic
magma magnet magpie maid mail main maize major make mallet malt mammal mango manor mantle
manual maple marble march margin marine market marlin marrow marsh mascot mask mass master
match math matter mauve maze meadow meager meal measure meat medal media medley mellow melon
member memory mentor menu meow mercy merge merit merlot merry mesh message metal meteor
method mica micro middle midway mild milk million mimic mind mineral mingle mint minute
mirror misty mobile mocha model mohair molar mole moment monday money monkey month moody
moon moose moral more morning morsel mosaic moss moth motion motor mouse move movie much
muddy muffin mulch mule mural murky muse music mustang mutt muzzle myth nacho nail name
nanny napkin nappy narrow nature navel navy near neck nectar needle neon nephew nerve nest
never news newt next nibble nice nickel niece night nimble nine nitro noble noise nomad
noodle nook normal north nose notch note nothing notice nougat nova novel nudge nugget
number nurse nylon oasis obey object oboe ocean ocelot octave october offer office often
okay okra olive omega omelet onion online only onset onyx opal open opera opinion optic
oracle orange orbit orca orchid order organ orient ornate ostrich other otter outdoor outer
outfit outlet oval oven over oxbow oxygen oyster ozone paddle page pagoda pair paisley
palace palm pancake panda panel panther papaya paper parade parcel parent park parrot
parsley party pass pasta patch patent path patio pause pave peach peanut pear pebble pecan
pedal pelican peony people pepper perch perfect person pesto pewter phone photo phrase piano
pickle picnic picture piece pier pilaf pillow pilot pinch pine pink pint pioneer pipe piston
pitch pixel pizza place plaid plank plastic plate play plaza please pledge pluck plug plum
plunge plush pocket podium poem poet point polar pole polka pollen polo pompom pond pony
pool popcorn poppy popular porch possum potato pottery pouch poultry powder power praise
prawn prefer prepare present pretty price pride print prism prize problem profit project
proof proud prune public pudding pudgy puffin pull pulp pulse puma pumpkin punch pupil puppy
purple purse push puzzle pyramid python quail quality quantum quarry quasar queen quest
quick quiet quilt quirky quiz quota rabbit raccoon race rack radar radio raft ragged rail
rain raise rally ramen ramp ranch random range rapid rare rascal raspy raven ravine rayon
razor ready real reason recall recess recipe record recycle reduce reef reflect regal relax
release relief rely remain remedy remind remove render renew rent reopen repair repeat
replace report reptile resin result retina return reunion reveal review reward rhino rhythm
rice rich riddle ride ridge right rigid rigor rind ring rinse ripe ripple risotto ritual
rival river road roam roast robe robin robot rocky rodeo roller romance roof rookie room
rooster rose rosy rotate rough round route rowboat royal rubber ruby ruddy rude ruffle rule
rumba rural rustic safari saga sage sail salad salmon salon salsa salt same sample sand
sapling sardine sash satin saturn sauce sauna sausage save savvy scale scarf scene scheme
school science scone scooter scrap screen script scrub scuba sculpt second section sedan
seed seek select sell seminar senior sense sepia sequin serene series service sesame session
settle setup seven shabby shadow shaft shaggy shallow shanty share shed shell shift shine
ship shirt shoe shop short shove shrimp shrub shuffle sibling side sierra sight sign silent
silk silly silo silver similar simple since sing siren sister sitcom size skate sketch skunk
skylark slab slam sleek sleigh slender slice slide slight slim slipper slogan slot slow
slush small smart smile smooth smudge snack snail snake snap sniff snorkel snow snug soap
soccer social sock soda sofa soft soggy solar solid solo sonar song sonnet soon sorbet sorry
sort soul sound soup source south space spare spawn speak special speed spell spend sphere
spice spider spike spin spirit split spoil sponsor spoon sport spot spray spread spring
spruce squash squid stable stadium staff stage stairs stamp stand start state stay steak
steel stem step stereo stick still sting stock stone stool stork stout stove street strong
student stuff stumble sturdy style subject submit subway success such sudden suede suffer
sugar suggest suit summer super supply supreme sure surface surge survey swallow swamp swan
swap swarm sweet swift swim swing switch swivel symbol syrup system tabby table tackle taco
tadpole taffy tahini tail talent talk talon tamale tango tank tape tapir tardy tartan task
taste tattoo tavern taxi teach teal team teapot tell tepid term terrace test text thank that
theme then theory there they thing this thought three thrive throw thumb thunder thyme tiara
ticket tidbit tide tiger tilt timber time timid tinsel tiny tired tissue title toast today
toddler toffee tofu toga token tomato tone tongue tonight tool tooth torch tornado toss
total toucan tourist toward tower town track trade traffic train trash travel tray treat
tree trend trial tribe trick trim trip trophy trouble truck true truly trumpet trust truth
tube tulip tumble tuna tundra tunnel turkey turn turtle tutor tuxedo tweed twelve twenty
twice twig twin twist type udon ultra umber umpire unable uncle uncover under undo unfair
unfold unhappy unicorn uniform unique unit unknown unlock until unusual unveil upbeat update
upgrade uphold upon upper uproar upset uptown urban urchin urge usage usual utopia vacant
vacuum vague valid valley valor valve vapor vase vast vault veggie vehicle velcro velvet
vendor venue verb verify very vessel vest viable vibrant video view village vintage vinyl
viola viper visit visor vista visual vital vivid vocal voice void volcano volley volume
vortex vote voucher vowel voyage waffle wage wagon wait walk wall walnut walrus wand want
warble warm wasabi wash wasp waste water wave wealth wear weasel weather weaver wedding
wedge weekend weevil weird welcome west whale what wheat wheel when where whip whisk wicker
wide widget width wife wiggle wild will wire wisdom wise wish wizard wobble wolf woman
wombat wonder wood wool word work world worry worth wrap wren wrestle wrist write wrong
xenon yacht yard yarn year yeast yellow yeti yodel yogurt yolk yonder yoyo yummy zany zeal
zebra zenith zephyr zero zest zigzag zinc zipper zodiac zone
"""
CODENAME_WORDS: Final[tuple[str, ...]] = tuple(_CODENAME_WORDS_TEXT.split())
_WORD_SET: Final = frozenset(CODENAME_WORDS)
_WORD_BY_PREFIX: Final = {word[:4]: word for word in CODENAME_WORDS}
