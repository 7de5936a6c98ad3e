"""The packet and its key, without a database: only ticked items, and a key that needs both
the link token and the code."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctuary.keyring import crypto
from sanctuary.referrals import packet
from sanctuary.referrals.packet import ITEMS, PacketError, build, kinds, offered

FAST = crypto.ArgonLimits(opslimit=1, memlimit=8192)
PEPPER = b"p" * 32
AVAILABLE = {
    "case_type": "mobilized",
    "country": "RU",
    "languages": ["ru"],
    "help_wanted": ["legal"],
    "summons_date": "2026-11-20",
    "left_unit_date": "",
    "criminal_case": "",
    "children": 0,
    "story": "canary-story",
    "contact": {"channel": "signal", "handle": "canary-handle"},
    "note:1": "canary-note-1",
    "note:2": "canary-note-2",
}


def test_it_offers_only_what_the_case_holds() -> None:
    assert offered(AVAILABLE) == [
        "case_type",
        "country",
        "languages",
        "help_wanted",
        "summons_date",
        "story",
        "contact",
        "note:1",
        "note:2",
    ]


@given(st.lists(st.sampled_from(offered(AVAILABLE)), unique=True))
def test_it_carries_exactly_the_ticked_items(ticked: list[str]) -> None:
    built = build(AVAILABLE, ticked, "request")
    text = repr(built.as_json_data())
    for key in offered(AVAILABLE):
        canary = repr(AVAILABLE[key])[1:-1] if key in ("story",) or key.startswith("note") else ""
        if canary:
            assert (canary in text) == (key in ticked), key
    assert set(built.items) == {k for k in ticked if k in ITEMS}
    assert len(built.notes) == len([k for k in ticked if k.startswith("note:")])
    assert packet.from_json_data(built.as_json_data()) == built


def test_it_refuses_a_tick_the_case_does_not_offer() -> None:
    for bad in (["left_unit_date"], ["children"], ["note:3"], ["anything"]):
        with pytest.raises(PacketError):
            build(AVAILABLE, bad, "")


def test_it_names_kinds_without_note_ids() -> None:
    assert kinds(["note:2", "story", "note:1"]) == ["note", "story"]


def test_it_refuses_an_unknown_packet_version() -> None:
    with pytest.raises(PacketError):
        packet.from_json_data({"v": 99})


# ---- the key ------------------------------------------------------------------------------------


def test_it_derives_one_key_from_token_code_salt_and_pepper() -> None:
    token, code = crypto.new_referral_token(), crypto.new_referral_code()
    kdf = crypto.new_referral_kdf(FAST)
    key = crypto.referral_key(token, code, kdf, PEPPER)
    assert crypto.referral_key(token, code.replace("-", " "), kdf, PEPPER) == key
    other_code = f"{(int(code.replace('-', '')) + 1) % 10**8:08d}"
    assert crypto.referral_key(token, other_code, kdf, PEPPER) != key
    assert crypto.referral_key(crypto.new_referral_token(), code, kdf, PEPPER) != key
    assert crypto.referral_key(token, code, crypto.new_referral_kdf(FAST), PEPPER) != key
    assert crypto.referral_key(token, code, kdf, b"q" * 32) != key


def test_it_makes_tokens_and_codes_of_the_promised_shape() -> None:
    tokens = {crypto.new_referral_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(crypto.referral_token_well_formed(t) for t in tokens)
    code = crypto.new_referral_code()
    assert len(code) == 9 and code[4] == "-"
    assert crypto.normalize_referral_code(code).isdigit()


@given(st.text(max_size=30))
def test_it_refuses_anything_but_eight_digits(text: str) -> None:
    digits = "".join(ch for ch in text if ch not in " -\t")
    try:
        normalized = crypto.normalize_referral_code(text)
    except crypto.MalformedInput:
        assert not (len(digits) == 8 and digits.isascii() and digits.isdigit())
    else:
        assert normalized == digits


def test_it_stores_a_digest_not_the_token() -> None:
    token = crypto.new_referral_token()
    digest = crypto.referral_token_digest(token)
    assert token not in digest and len(digest) == 64
    with pytest.raises(crypto.MalformedInput):
        crypto.referral_token_digest("short")


def test_it_refuses_tampered_parameters() -> None:
    token, code = crypto.new_referral_token(), crypto.new_referral_code()
    kdf = crypto.new_referral_kdf(FAST)
    for bad in (b"", bytes([2]) + kdf[1:], kdf[:-1], kdf[:1] + (99).to_bytes(4, "big") + kdf[5:]):
        with pytest.raises(crypto.KeyringError):
            crypto.referral_key(token, code, bad, PEPPER)
