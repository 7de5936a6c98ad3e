"""The single entry point for writing the audit log, and its verifier."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sanctuary.audit.chain import GENESIS, Problem, canonical, first_problem, link_hash
from sanctuary.audit.models import Action, AuditEntry, AuditHead, canonical_time

MAX_DETAIL_LENGTH = 120


class AuditDetailError(ValueError):
    pass


def _check_details(details: dict[str, Any]) -> None:
    """Details are short labels and numbers, never content: no story, no name, no message."""
    for key, value in details.items():
        if not key.isidentifier():
            raise AuditDetailError(f"audit detail key {key!r} is not an identifier")
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, bool | int) or item is None:
                continue
            if not isinstance(item, str) or len(item) > MAX_DETAIL_LENGTH:
                raise AuditDetailError(f"audit detail {key!r} must be a short label or a number")


def chain_key() -> bytes:
    return settings.AUDIT_KEY.encode()


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def record(
    action: Action,
    *,
    actor: Any | None,
    object_type: str = "",
    object_id: object = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction, so the entry and the change it
    describes are written together or not at all."""
    details = details or {}
    _check_details(details)
    # No savepoint of its own: a failure here fails the caller's transaction as a whole, which
    # is what an entry written "together or not at all" needs, and the chain's lock, taken
    # just below, is not held over two more round trips.
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        entry = AuditEntry(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor_id=actor.pk if actor is not None else None,
            action=action.value,
            object_type=object_type,
            object_id=str(object_id),
            details=details,
            prev_hash=head.hash,
        )
        content = canonical(
            seq=entry.seq,
            created_at=canonical_time(entry),
            actor_id=entry.actor_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            details=entry.details,
        )
        entry.hash = link_hash(chain_key(), head.hash, content)
        entry.save()
        AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str

    def dump(self) -> str:
        return f"{self.seq} {self.hash}\n"

    @classmethod
    def load(cls, path: Path) -> "Checkpoint":
        seq, hash_ = path.read_text().split()
        return cls(int(seq), hash_)


def head_checkpoint() -> Checkpoint:
    last = AuditEntry.objects.in_chain_order().last()
    return Checkpoint(last.seq, last.hash) if last else Checkpoint(0, GENESIS)


def verify(checkpoint: Checkpoint | None = None) -> Problem | None:
    """The first broken entry, or None. A checkpoint kept outside the database also catches
    entries cut off the end of the log, which a chain alone cannot see."""
    links = AuditEntry.objects.as_links()
    problem = first_problem(chain_key(), links)
    if problem is not None:
        return problem
    if checkpoint is not None and checkpoint.seq > 0:
        if len(links) < checkpoint.seq:
            return Problem(
                len(links) + 1,
                f"entries after #{len(links)} were removed (checkpoint at #{checkpoint.seq})",
            )
        if links[checkpoint.seq - 1].hash != checkpoint.hash:
            return Problem(
                checkpoint.seq, "does not match the checkpoint kept outside the database"
            )
    return None
