"""The audit chain's arithmetic: canonical content and keyed hashes. No Django import.

Each entry's hash is HMAC-SHA256(key, previous hash || canonical content). The key lives
outside the database, so a person who can write to the database can edit a row but cannot
compute the hashes that would make the edit look genuine.
"""

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class Link:
    seq: int
    created_at: str
    actor_id: int | None
    action: str
    object_type: str
    object_id: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


def canonical(
    *,
    seq: int,
    created_at: str,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    details: dict[str, Any],
) -> bytes:
    content = {
        "seq": seq,
        "time": created_at,
        "actor": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "details": details,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link_hash(key: bytes, prev_hash: str, content: bytes) -> str:
    return hmac.new(key, prev_hash.encode() + b"\n" + content, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Problem:
    seq: int
    reason: str


def first_problem(key: bytes, links: Iterable[Link]) -> Problem | None:
    """The first entry at which the chain breaks, or None when every link holds.

    Sequence numbers must run 1, 2, 3 … without a gap: a deleted row leaves a gap, an
    inserted one a duplicate or a wrong predecessor, a reordered one a wrong predecessor.
    """
    expected_seq = 1
    prev_hash = GENESIS
    for link in links:
        if link.seq != expected_seq:
            reason = "missing" if link.seq > expected_seq else "out of order or duplicated"
            return Problem(expected_seq, f"entry {expected_seq} is {reason} (found {link.seq})")
        if not hmac.compare_digest(link.prev_hash, prev_hash):
            return Problem(link.seq, "does not follow the entry before it")
        content = canonical(
            seq=link.seq,
            created_at=link.created_at,
            actor_id=link.actor_id,
            action=link.action,
            object_type=link.object_type,
            object_id=link.object_id,
            details=link.details,
        )
        if not hmac.compare_digest(link.hash, link_hash(key, prev_hash, content)):
            return Problem(link.seq, "its content or hash was changed")
        prev_hash = link.hash
        expected_seq += 1
    return None
