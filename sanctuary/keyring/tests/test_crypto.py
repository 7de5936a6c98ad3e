"""Tests of the cryptographic core. No database, no Django: run with `-p no:django`."""

from __future__ import annotations

import ast
import base64
import hashlib
import math
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctuary.keyring import crypto
from sanctuary.keyring.crypto import (
    CODENAME_WORD_COUNT,
    CODENAME_WORDS,
    PASSWORD_LIMITS,
    SEEKER_LIMITS,
    ArgonLimits,
    CannotOpen,
    DataKey,
    KeyPair,
    KeyringError,
    MalformedCodename,
    MalformedInput,
    constant_time_equal,
    decode_backup_key,
    decode_session_key,
    decrypt_field,
    derive_seeker_keys,
    encode_backup_key,
    encode_session_key,
    encrypt_field,
    field_aad,
    new_codename,
    new_data_key,
    new_session_key,
    normalize_codename,
    open_archive,
    password_wrap_limits,
    password_wrap_needs_upgrade,
    reseal,
    seal,
    seal_archive,
    unseal,
    unwrap_with_key,
    unwrap_with_password,
    wrap_with_key,
    wrap_with_password,
)

# Argon2id at libsodium's minimum: the same code path in milliseconds. One test below runs the
# real defaults once.
FAST = ArgonLimits(opslimit=1, memlimit=8 * 1024)
PEPPER = bytes(range(32))
OTHER_PEPPER = bytes(range(1, 33))
SECRET = b"the story of how I left my unit"
AAD = field_aad("cases.Case", "7f3c", "story")


def regions(blob_len: int) -> dict[str, range]:
    """Byte regions of a field or session blob: version(1) | nonce(24) | body | tag(16)."""
    return {
        "version": range(0, 1),
        "nonce": range(1, 25),
        "body": range(25, blob_len - 16),
        "tag": range(blob_len - 16, blob_len),
    }


def flipped(blob: bytes, index: int, mask: int = 0x01) -> bytes:
    return blob[:index] + bytes([blob[index] ^ mask]) + blob[index + 1 :]


# --- Fields -------------------------------------------------------------------------------------


def test_it_round_trips_a_field() -> None:
    key = new_data_key()
    blob = encrypt_field(key, SECRET, aad=AAD)
    assert decrypt_field(key, blob, aad=AAD) == SECRET
    assert blob[0] == 1
    assert len(blob) == 1 + 24 + len(SECRET) + 16


def test_it_round_trips_an_empty_field() -> None:
    key = new_data_key()
    assert decrypt_field(key, encrypt_field(key, b"", aad=AAD), aad=AAD) == b""


def test_it_uses_a_fresh_nonce_each_time() -> None:
    key = new_data_key()
    first, second = (encrypt_field(key, SECRET, aad=AAD) for _ in range(2))
    assert first[1:25] != second[1:25]
    assert first != second


@pytest.mark.parametrize(
    "other_aad",
    [
        field_aad("cases.Case", "7f3d", "story"),  # another row
        field_aad("cases.Case", "7f3c", "notes"),  # another field
        field_aad("cases.Note", "7f3c", "story"),  # another model
        b"",
    ],
)
def test_it_refuses_a_field_moved_elsewhere(other_aad: bytes) -> None:
    key = new_data_key()
    blob = encrypt_field(key, SECRET, aad=AAD)
    with pytest.raises(CannotOpen):
        decrypt_field(key, blob, aad=other_aad)


def test_it_refuses_a_field_under_the_wrong_key() -> None:
    blob = encrypt_field(new_data_key(), SECRET, aad=AAD)
    with pytest.raises(CannotOpen, match="wrong key"):
        decrypt_field(new_data_key(), blob, aad=AAD)


@pytest.mark.parametrize("region", ["version", "nonce", "body", "tag"])
def test_it_refuses_a_field_tampered_in_any_byte(region: str) -> None:
    key = new_data_key()
    blob = encrypt_field(key, SECRET, aad=AAD)
    for index in regions(len(blob))[region]:
        for mask in (0x01, 0x80, 0xFF):
            with pytest.raises(CannotOpen) as caught:
                decrypt_field(key, flipped(blob, index, mask), aad=AAD)
            assert SECRET.decode() not in str(caught.value)


def test_it_refuses_every_truncation_of_a_field() -> None:
    key = new_data_key()
    blob = encrypt_field(key, SECRET, aad=AAD)
    for length in range(len(blob)):
        with pytest.raises(CannotOpen):
            decrypt_field(key, blob[:length], aad=AAD)


def test_it_refuses_a_field_with_bytes_appended() -> None:
    key = new_data_key()
    blob = encrypt_field(key, SECRET, aad=AAD)
    with pytest.raises(CannotOpen):
        decrypt_field(key, blob + b"\x00", aad=AAD)


def test_it_raises_keyring_errors_not_nacl_errors() -> None:
    assert issubclass(CannotOpen, KeyringError)
    assert issubclass(MalformedInput, KeyringError)
    assert issubclass(MalformedInput, ValueError)
    assert issubclass(MalformedCodename, MalformedInput)


def test_it_encodes_field_aad_unambiguously() -> None:
    assert field_aad("a", "bc", "d") != field_aad("ab", "c", "d")
    assert field_aad("a", "b", "cd") != field_aad("a", "bc", "d")
    assert field_aad("cases.Case", "1", "story")[0] == 1  # version byte
    assert field_aad("cases.Case", "1", "story") == field_aad("cases.Case", "1", "story")


@pytest.mark.parametrize(
    "parts", [("", "1", "story"), ("cases.Case", "", "story"), ("cases.Case", "1", "")]
)
def test_it_refuses_an_empty_aad_part(parts: tuple[str, str, str]) -> None:
    with pytest.raises(MalformedInput):
        field_aad(*parts)


def test_it_hides_keys_from_repr() -> None:
    key = new_data_key()
    pair = KeyPair.generate()
    assert key.raw.hex() not in repr(key) and repr(key.raw) not in repr(key)
    assert repr(pair.secret_key) not in repr(pair)
    assert "hidden" in repr(derive_seeker_keys(new_codename(), PEPPER, limits=FAST))


def test_it_refuses_a_data_key_of_the_wrong_length() -> None:
    with pytest.raises(MalformedInput):
        DataKey(b"short")


@settings(max_examples=200, deadline=None)
@given(plaintext=st.binary(max_size=4096), aad=st.binary(max_size=300))
def test_it_round_trips_any_binary_value(plaintext: bytes, aad: bytes) -> None:
    key = new_data_key()
    assert decrypt_field(key, encrypt_field(key, plaintext, aad=aad), aad=aad) == plaintext


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_it_round_trips_any_unicode_text(text: str) -> None:
    key = new_data_key()
    blob = encrypt_field(key, text.encode("utf-8", "surrogatepass"), aad=AAD)
    assert decrypt_field(key, blob, aad=AAD).decode("utf-8", "surrogatepass") == text


@settings(max_examples=8, deadline=None)
@given(
    size=st.one_of(
        st.sampled_from([0, 1, 2048, 1024 * 1024, 10 * 1024 * 1024]),
        st.integers(0, 10 * 1024 * 1024),
    ),
    pattern=st.binary(min_size=1, max_size=16),
)
def test_it_round_trips_values_up_to_ten_megabytes(size: int, pattern: bytes) -> None:
    plaintext = (pattern * (size // len(pattern) + 1))[:size]
    key = new_data_key()
    blob = encrypt_field(key, plaintext, aad=AAD)
    assert len(blob) == size + 41
    assert decrypt_field(key, blob, aad=AAD) == plaintext


@settings(max_examples=200, deadline=None)
@given(plaintext=st.binary(max_size=256), data=st.data())
def test_it_never_opens_a_blob_with_any_single_byte_changed(
    plaintext: bytes, data: st.DataObject
) -> None:
    key = new_data_key()
    blob = encrypt_field(key, plaintext, aad=AAD)
    index = data.draw(st.integers(0, len(blob) - 1))
    mask = data.draw(st.integers(1, 255))
    with pytest.raises(CannotOpen):
        decrypt_field(key, flipped(blob, index, mask), aad=AAD)


# --- Key pairs, sealing, granting ---------------------------------------------------------------


def test_it_seals_a_data_key_to_a_holder() -> None:
    holder = KeyPair.generate()
    key = new_data_key()
    sealed = seal(key, holder.public_key)
    assert sealed[0] == 1 and len(sealed) == 1 + 48 + 32
    assert unseal(sealed, holder) == key


def test_it_refuses_to_unseal_for_another_holder() -> None:
    sealed = seal(new_data_key(), KeyPair.generate().public_key)
    with pytest.raises(CannotOpen, match="another holder"):
        unseal(sealed, KeyPair.generate())


def test_it_refuses_a_tampered_or_truncated_sealed_key() -> None:
    holder = KeyPair.generate()
    sealed = seal(new_data_key(), holder.public_key)
    for index in range(len(sealed)):
        with pytest.raises(CannotOpen):
            unseal(flipped(sealed, index), holder)
    for length in range(len(sealed)):
        with pytest.raises(CannotOpen):
            unseal(sealed[:length], holder)


def test_it_grants_by_resealing_to_another_holder() -> None:
    counselor, colleague = KeyPair.generate(), KeyPair.generate()
    key = new_data_key()
    granted = reseal(seal(key, counselor.public_key), counselor, colleague.public_key)
    assert unseal(granted, colleague) == key
    with pytest.raises(CannotOpen):
        unseal(granted, counselor)


def test_it_cannot_grant_what_it_cannot_open() -> None:
    sealed = seal(new_data_key(), KeyPair.generate().public_key)
    with pytest.raises(CannotOpen):
        reseal(sealed, KeyPair.generate(), KeyPair.generate().public_key)


def test_it_rebuilds_a_key_pair_from_its_secret() -> None:
    pair = KeyPair.generate()
    assert KeyPair.from_secret_key(pair.secret_key) == pair
    seed = bytes(32)
    assert KeyPair.from_seed(seed) == KeyPair.from_seed(seed)


def test_it_refuses_a_key_pair_whose_halves_do_not_match() -> None:
    with pytest.raises(MalformedInput):
        KeyPair(KeyPair.generate().public_key, KeyPair.generate().secret_key)


@pytest.mark.parametrize("public_key", [b"", b"\x01" * 31, bytes(32)])
def test_it_refuses_to_seal_to_a_bad_public_key(public_key: bytes) -> None:
    with pytest.raises(MalformedInput):
        seal(new_data_key(), public_key)


# --- Password wrapping --------------------------------------------------------------------------


def test_it_wraps_a_secret_key_with_a_password() -> None:
    holder = KeyPair.generate()
    blob = wrap_with_password(holder.secret_key, "correct horse", limits=FAST)
    assert unwrap_with_password(blob, "correct horse") == holder.secret_key
    assert password_wrap_limits(blob) == FAST


def test_it_refuses_the_wrong_password() -> None:
    blob = wrap_with_password(SECRET, "correct horse", limits=FAST)
    with pytest.raises(CannotOpen, match="wrong password"):
        unwrap_with_password(blob, "correct horsE")


def test_it_derives_the_same_key_from_composed_and_decomposed_passwords() -> None:
    composed = unicodedata.normalize("NFC", "пароль йод")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    blob = wrap_with_password(SECRET, composed, limits=FAST)
    assert unwrap_with_password(blob, decomposed) == SECRET


def test_it_refuses_an_empty_password() -> None:
    with pytest.raises(MalformedInput):
        wrap_with_password(SECRET, "", limits=FAST)


def test_it_refuses_a_password_blob_tampered_in_any_byte() -> None:
    blob = wrap_with_password(SECRET, "pw", limits=FAST)
    for index in range(len(blob)):
        with pytest.raises(CannotOpen):
            unwrap_with_password(flipped(blob, index), "pw")
    for length in range(len(blob)):
        with pytest.raises(CannotOpen):
            unwrap_with_password(blob[:length], "pw")


def test_it_refuses_recorded_limits_out_of_bounds_before_deriving() -> None:
    blob = wrap_with_password(SECRET, "pw", limits=FAST)
    huge_memory = blob[:5] + (2**32 - 1).to_bytes(4, "big") + blob[9:]  # 4 TiB
    many_passes = blob[:1] + (10**6).to_bytes(4, "big") + blob[5:]
    for bad in (huge_memory, many_passes):
        started = time.perf_counter()
        with pytest.raises(CannotOpen, match="out of bounds"):
            unwrap_with_password(bad, "pw")
        assert time.perf_counter() - started < 0.5


def test_it_tells_when_a_password_blob_needs_stronger_limits() -> None:
    weak = wrap_with_password(SECRET, "pw", limits=FAST)
    assert password_wrap_needs_upgrade(weak)
    assert not password_wrap_needs_upgrade(weak, limits=FAST)


def test_it_keeps_default_limits_at_least_interactive() -> None:
    assert PASSWORD_LIMITS.opslimit >= 2 and PASSWORD_LIMITS.memlimit >= 64 * 1024 * 1024
    # The seeker derivation rests on the codename's 88 bits and the pepper, not on Argon2id.
    assert ArgonLimits(opslimit=1, memlimit=8192) == SEEKER_LIMITS


def test_it_wraps_with_the_real_default_limits() -> None:
    holder = KeyPair.generate()
    blob = wrap_with_password(holder.secret_key, "a real passphrase")
    assert password_wrap_limits(blob) == PASSWORD_LIMITS
    assert not password_wrap_needs_upgrade(blob)
    assert unwrap_with_password(blob, "a real passphrase") == holder.secret_key


@pytest.mark.parametrize("limits", [(0, 8192), (17, 8192), (1, 4096), (1, 2**31), (1, 8193)])
def test_it_refuses_argon_limits_out_of_bounds(limits: tuple[int, int]) -> None:
    with pytest.raises(MalformedInput):
        ArgonLimits(*limits)


# --- Session wrapping ---------------------------------------------------------------------------

SESSION_AAD = b"session:user-12"


def test_it_wraps_a_secret_key_for_a_session() -> None:
    session_key = new_session_key()
    holder = KeyPair.generate()
    blob = wrap_with_key(holder.secret_key, session_key, aad=SESSION_AAD)
    assert blob[0] == 1
    assert unwrap_with_key(blob, session_key, aad=SESSION_AAD) == holder.secret_key


def test_it_refuses_a_session_blob_with_the_wrong_key_or_context() -> None:
    session_key = new_session_key()
    blob = wrap_with_key(SECRET, session_key, aad=SESSION_AAD)
    with pytest.raises(CannotOpen):
        unwrap_with_key(blob, new_session_key(), aad=SESSION_AAD)
    with pytest.raises(CannotOpen):
        unwrap_with_key(blob, session_key, aad=b"session:user-13")


@pytest.mark.parametrize("region", ["version", "nonce", "body", "tag"])
def test_it_refuses_a_session_blob_tampered_in_any_byte(region: str) -> None:
    session_key = new_session_key()
    blob = wrap_with_key(SECRET, session_key, aad=SESSION_AAD)
    for index in regions(len(blob))[region]:
        with pytest.raises(CannotOpen):
            unwrap_with_key(flipped(blob, index), session_key, aad=SESSION_AAD)
    for length in range(len(blob)):
        with pytest.raises(CannotOpen):
            unwrap_with_key(blob[:length], session_key, aad=SESSION_AAD)


def test_it_keeps_blob_kinds_apart_even_under_one_key() -> None:
    key = new_data_key()
    field_blob = encrypt_field(key, SECRET, aad=AAD)
    session_blob = wrap_with_key(SECRET, key.raw, aad=AAD)
    with pytest.raises(CannotOpen):
        unwrap_with_key(field_blob, key.raw, aad=AAD)
    with pytest.raises(CannotOpen):
        decrypt_field(key, session_blob, aad=AAD)


def test_it_encodes_a_session_key_for_a_cookie() -> None:
    session_key = new_session_key()
    text = encode_session_key(session_key)
    assert len(text) == 43 and "=" not in text and "+" not in text and "/" not in text
    assert decode_session_key(text) == session_key


@settings(max_examples=300)
@given(key=st.binary(min_size=32, max_size=32))
def test_it_decodes_exactly_what_it_encodes(key: bytes) -> None:
    assert decode_session_key(encode_session_key(key)) == key


def test_it_decodes_cookie_values_strictly() -> None:
    text = encode_session_key(bytes(range(32)))
    # The last character carries 2 unused bits (always zero when encoding); setting one gives
    # a spelling that lenient decoders read as the same key.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    non_canonical = text[:-1] + alphabet[alphabet.index(text[-1]) + 1]
    assert base64.urlsafe_b64decode(non_canonical + "=") == bytes(range(32))
    bad_values = [
        "",
        text + "=",  # padding
        text[:-1],  # too short
        text + "A",  # too long
        text[:-1] + "+",  # standard alphabet, not URL-safe
        " " + text[1:],
        text[:-1] + "é",
        non_canonical,  # same bytes, other spelling of the unused bits
    ]
    for bad in bad_values:
        with pytest.raises(MalformedInput):
            decode_session_key(bad)


def test_it_refuses_session_keys_of_the_wrong_length() -> None:
    with pytest.raises(MalformedInput):
        wrap_with_key(SECRET, b"k" * 16, aad=b"")
    with pytest.raises(MalformedInput):
        encode_session_key(b"k" * 31)


def test_it_compares_in_constant_time() -> None:
    assert constant_time_equal(b"abc", b"abc")
    assert not constant_time_equal(b"abc", b"abd")
    assert not constant_time_equal(b"abc", b"abcd")


# --- Codenames ----------------------------------------------------------------------------------


def test_it_has_exactly_2048_distinct_lowercase_ascii_words() -> None:
    assert len(CODENAME_WORDS) == 2048
    assert len(set(CODENAME_WORDS)) == 2048
    for word in CODENAME_WORDS:
        assert word.isascii() and word.isalpha() and word.islower(), word
        assert 4 <= len(word) <= 7, word
    assert list(CODENAME_WORDS) == sorted(CODENAME_WORDS)


def test_it_keeps_the_word_list_unchanged() -> None:
    # Removing or changing a word would lock out every seeker whose codename contains it.
    digest = hashlib.sha256(" ".join(CODENAME_WORDS).encode()).hexdigest()
    assert digest == "0acc9cf17504ec3fb2e6c97727fe2a96a917e0972b32ec194858c5a4f03404e4"


def test_it_identifies_every_word_by_its_first_four_letters() -> None:
    prefixes = {word[:4] for word in CODENAME_WORDS}
    assert len(prefixes) == 2048
    for word in CODENAME_WORDS:
        # The list is prefix-free, so words typed without spaces have a single reading.
        assert not any(other != word and other.startswith(word) for other in CODENAME_WORDS)
        rest = list(CODENAME_WORDS[: CODENAME_WORD_COUNT - 1])
        assert normalize_codename(" ".join([word[:4], *rest])) == " ".join([word, *rest])


def test_it_generates_codenames_of_88_bits() -> None:
    assert CODENAME_WORD_COUNT * math.log2(len(CODENAME_WORDS)) == 88
    codenames = {new_codename() for _ in range(200)}
    assert len(codenames) == 200
    for codename in codenames:
        assert len(codename.split(" ")) == 8
        assert normalize_codename(codename) == codename


def test_it_forgives_how_a_codename_is_typed() -> None:
    canonical = "tiger lemon cobalt spruce ember walrus quiet harbor"
    for typed in [
        "Tiger Lemon Cobalt Spruce Ember Walrus Quiet Harbor",
        "  tiger   lemon cobalt\tspruce\nember walrus quiet harbor  ",
        "tiger-lemon-cobalt-spruce-ember-walrus-quiet-harbor",
        "TIGER—LEMON—COBALT—SPRUCE—EMBER—WALRUS—QUIET—HARBOR",
        "tiger.lemon.cobalt, spruce ember walrus quiet harbor",
        "tigerlemoncobaltspruceemberwalrusquietharbor",
        "tige lemo coba spru embe walr quie harb",
        "tigerr lemoon cobatl spruec emberr walrsu quiett harbour",  # slips after letter 4
        "Ｔｉｇｅｒ lemon cobalt spruce ember walrus quiet harbor",  # full-width letters
    ]:
        assert normalize_codename(typed) == canonical, typed


def test_it_forgives_a_russian_keyboard_layout_left_on() -> None:
    to_russian = str.maketrans("qwertyuiopasdfghjklzxcvbnm", "йцукенгшщзфывапролдячсмить")
    canonical = "tiger lemon cobalt spruce ember walrus quiet harbor"
    assert normalize_codename(canonical.translate(to_russian)) == canonical
    assert normalize_codename(canonical.translate(to_russian).upper()) == canonical


@settings(max_examples=300)
@given(
    indices=st.lists(st.integers(0, 2047), min_size=8, max_size=8),
    separator=st.sampled_from([" ", "  ", "-", " - ", "\t", "", ".", "_"]),
    upper=st.booleans(),
    cut=st.booleans(),
)
def test_it_reads_back_any_codename_however_typed(
    indices: list[int], separator: str, upper: bool, cut: bool
) -> None:
    words = [CODENAME_WORDS[i] for i in indices]
    typed_words = [w[:4] for w in words] if cut and separator else words
    typed = separator.join(typed_words)
    typed = typed.upper() if upper else typed
    assert normalize_codename(typed) == " ".join(words)


@pytest.mark.parametrize(
    ("typed", "reason", "position", "count"),
    [
        ("tiger lemon cobalt spruce ember walrus quiet", "word_count", 0, 7),
        ("tiger lemon cobalt spruce ember walrus quiet harbor tiger", "word_count", 0, 9),
        ("", "word_count", 0, 0),
        ("tiger lemon xqzw spruce ember walrus quiet harbor", "unknown_word", 3, 0),
        ("tiger lem cobalt spruce ember walrus quiet harbor", "unknown_word", 2, 0),
        ("tiger lemon cobalt spruce ember walrus quiet harbor\u263a", "characters", 0, 0),
        ("tiger lemon cobalt spruce ember walrus quiet σκύλος", "unknown_word", 8, 0),
    ],
)
def test_it_says_why_a_codename_cannot_be_read(
    typed: str, reason: str, position: int, count: int
) -> None:
    with pytest.raises(MalformedCodename) as caught:
        normalize_codename(typed)
    assert caught.value.reason == reason
    assert caught.value.position == position
    assert caught.value.count == count
    for word in typed.split():
        assert word not in str(caught.value)  # the message never echoes the codename


def test_it_derives_the_same_seeker_keys_from_the_same_codename() -> None:
    codename = new_codename()
    first = derive_seeker_keys(codename, PEPPER, limits=FAST)
    again = derive_seeker_keys(codename.upper().replace(" ", "-"), PEPPER, limits=FAST)
    assert len(first.lookup_id) == 32
    assert first == again
    lookup_id, keypair = first  # unpacks like a tuple
    assert lookup_id == first.lookup_id and keypair == first.keypair


def test_it_derives_other_seeker_keys_under_another_pepper_or_codename() -> None:
    codename = new_codename()
    base = derive_seeker_keys(codename, PEPPER, limits=FAST)
    other_pepper = derive_seeker_keys(codename, OTHER_PEPPER, limits=FAST)
    other_codename = derive_seeker_keys(new_codename(), PEPPER, limits=FAST)
    for other in (other_pepper, other_codename):
        assert other.lookup_id != base.lookup_id
        assert other.keypair.public_key != base.keypair.public_key
        assert other.keypair.secret_key != base.keypair.secret_key
    # The lookup id and the key seed are separate outputs, never the same bytes.
    assert base.lookup_id not in (base.keypair.secret_key, base.keypair.public_key)


def test_it_lets_a_seeker_open_what_was_sealed_to_their_codename() -> None:
    codename = new_codename()
    case_key = new_data_key()
    sealed = seal(case_key, derive_seeker_keys(codename, PEPPER, limits=FAST).keypair.public_key)
    reply = encrypt_field(case_key, "Ответ консультанта".encode(), aad=AAD)
    returning = derive_seeker_keys(codename, PEPPER, limits=FAST).keypair
    assert decrypt_field(unseal(sealed, returning), reply, aad=AAD).decode() == "Ответ консультанта"


def test_it_derives_seeker_keys_with_the_real_default_limits() -> None:
    codename = new_codename()
    assert derive_seeker_keys(codename, PEPPER) == derive_seeker_keys(codename, PEPPER)
    stronger = ArgonLimits(opslimit=2, memlimit=8192)
    assert derive_seeker_keys(codename, PEPPER) != derive_seeker_keys(
        codename, PEPPER, limits=stronger
    )


@pytest.mark.parametrize("pepper", [b"", b"p" * 31, b"p" * 65])
def test_it_refuses_a_pepper_of_the_wrong_size(pepper: bytes) -> None:
    with pytest.raises(MalformedInput):
        derive_seeker_keys(new_codename(), pepper, limits=FAST)


def test_it_does_not_import_django() -> None:
    tree = ast.parse(Path(crypto.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.split(".")[0] == "django" for name in imported)
    # Its one project import is the pure codename module (test_codenames checks that one).
    assert {name for name in imported if name.startswith("sanctuary")} == {"sanctuary.keyring"}
    assert "codenames" in {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    imported = {name for name in imported if not name.startswith("sanctuary")}
    assert {name.split(".")[0] for name in imported} <= {
        "__future__",
        "base64",
        "binascii",
        "hmac",
        "secrets",
        "unicodedata",
        "dataclasses",
        "typing",
        "nacl",
    }


# --- Sealed backups -----------------------------------------------------------------------------

ARCHIVE = b'{"objects": ["the list of everyone we helped"]}' * 50


def test_it_round_trips_a_backup_archive() -> None:
    backup_keys = KeyPair.generate()
    blob = seal_archive(ARCHIVE, backup_keys.public_key)
    assert blob.startswith(crypto.BACKUP_MAGIC)
    assert b"everyone we helped" not in blob
    assert open_archive(blob, backup_keys) == ARCHIVE


def test_it_round_trips_an_empty_archive() -> None:
    backup_keys = KeyPair.generate()
    assert open_archive(seal_archive(b"", backup_keys.public_key), backup_keys) == b""


def test_it_uses_a_fresh_data_key_for_each_archive() -> None:
    public_key = KeyPair.generate().public_key
    first, second = seal_archive(ARCHIVE, public_key), seal_archive(ARCHIVE, public_key)
    assert first[17:98] != second[17:98]  # the sealed data keys
    assert first[98:] != second[98:]


def test_it_refuses_an_archive_under_another_backup_key() -> None:
    blob = seal_archive(ARCHIVE, KeyPair.generate().public_key)
    with pytest.raises(CannotOpen, match="another backup key"):
        open_archive(blob, KeyPair.generate())


@pytest.mark.parametrize(
    "region", ["magic", "version", "sealed key", "nonce", "body", "tag"], ids=str
)
def test_it_refuses_an_archive_tampered_in_any_region(region: str) -> None:
    backup_keys = KeyPair.generate()
    blob = seal_archive(ARCHIVE, backup_keys.public_key)
    index = {
        "magic": 3,
        "version": 16,
        "sealed key": 40,
        "nonce": 100,
        "body": 500,
        "tag": len(blob) - 1,
    }[region]
    with pytest.raises(CannotOpen) as raised:
        open_archive(flipped(blob, index), backup_keys)
    assert "everyone" not in str(raised.value)


def test_it_refuses_every_kind_of_truncated_archive() -> None:
    backup_keys = KeyPair.generate()
    blob = seal_archive(ARCHIVE, backup_keys.public_key)
    for length in (0, 10, 16, 17, 60, 98, 120, 138, len(blob) // 2, len(blob) - 1):
        with pytest.raises(CannotOpen):
            open_archive(blob[:length], backup_keys)


def test_it_refuses_an_archive_with_bytes_appended() -> None:
    backup_keys = KeyPair.generate()
    blob = seal_archive(ARCHIVE, backup_keys.public_key)
    with pytest.raises(CannotOpen):
        open_archive(blob + b"\x00", backup_keys)


def test_it_refuses_a_field_blob_passed_as_an_archive() -> None:
    backup_keys = KeyPair.generate()
    with pytest.raises(CannotOpen, match="not a Sanctuary backup"):
        open_archive(encrypt_field(new_data_key(), ARCHIVE, aad=AAD), backup_keys)


def test_it_refuses_to_seal_an_archive_to_a_bad_public_key() -> None:
    with pytest.raises(MalformedInput):
        seal_archive(ARCHIVE, b"\x01" * 31)


def test_it_encodes_backup_keys_as_strict_base64() -> None:
    backup_keys = KeyPair.generate()
    text = encode_backup_key(backup_keys.public_key)
    assert len(text) == 44
    assert decode_backup_key(text) == backup_keys.public_key
    assert decode_backup_key(f"  {text}\n") == backup_keys.public_key


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not base64!",
        base64.b64encode(b"\x01" * 31).decode(),
        base64.b64encode(b"\x01" * 33).decode(),
    ],
)
def test_it_refuses_malformed_backup_keys_without_repeating_them(text: str) -> None:
    with pytest.raises(MalformedInput, match="BACKUP_SECRET_KEY") as raised:
        decode_backup_key(text, what="BACKUP_SECRET_KEY")
    assert not text or text not in str(raised.value)


def test_it_derives_an_old_english_codename_exactly_as_before_the_russian_list() -> None:
    # Computed with the derivation as it was when codenames were English only (ASCII input):
    # cases made then must still open.
    pepper = bytes(range(32))
    typed = "Tiger LEMON-cobalt spru ember walrus quiet harbour"
    derived = derive_seeker_keys(typed, pepper)
    assert derived.lookup_id.hex() == (
        "c770d27218d1422d56a9c293509deb5f53f7b67417ad5357c89df5075c2fc56c"
    )
    assert derived.keypair.public_key.hex() == (
        "9db99ae973f6973d04f0edc13d87878256194b856ee0657dbaf9007b58d45303"
    )


def test_it_derives_one_key_for_every_spelling_of_a_russian_codename() -> None:
    canonical = new_codename("ru")
    latin = str.maketrans("йцукенгшщзхъфывапролджэячсмитьбю", "qwertyuiop[]asdfghjkl;'zxcvbnm,.")
    spellings = [
        canonical,
        canonical.upper().replace("Е", "Ё"),
        " ".join(f"{n}. {w[:4]}" for n, w in enumerate(canonical.split(), 1)),
        canonical.translate(latin),
    ]
    keys = {derive_seeker_keys(s, PEPPER, limits=FAST).lookup_id for s in spellings}
    assert len(keys) == 1
    other = derive_seeker_keys(new_codename("ru"), PEPPER, limits=FAST).lookup_id
    assert other not in keys  # control: another codename derives another key


def test_it_opens_a_codename_note_only_with_the_key_pair_and_context_it_was_sealed_for() -> None:
    mine, theirs = KeyPair.generate(), KeyPair.generate()
    sealed = crypto.seal_codename_note("3 7|кошка жираф", mine, aad=b"case-1")
    assert "кошка" not in sealed and "3 7" not in sealed
    assert crypto.open_codename_note(sealed, mine, aad=b"case-1") == "3 7|кошка жираф"
    with pytest.raises(CannotOpen):
        crypto.open_codename_note(sealed, theirs, aad=b"case-1")
    with pytest.raises(CannotOpen):
        crypto.open_codename_note(sealed, mine, aad=b"case-2")
    with pytest.raises(CannotOpen):
        crypto.open_codename_note("not base64 at all!", mine, aad=b"case-1")
