"""The vetting rules, as plain Python: from the steps recorded so far, what a new step does.

Tiers: 0 registered; 1 interviewed by a coordinator; 2 identity document seen, a reference
received, and a second coordinator's approval. The second approval must come from another
coordinator than the one who saw the identity document (two-person rule). A downgrade lowers
the tier and voids the evidence recorded before it: reaching a higher tier again needs fresh
steps. Deactivating and reactivating do not change the tier.
"""

from collections.abc import Sequence
from dataclasses import dataclass

INTERVIEW = "interview"
IDENTITY_SEEN = "identity_seen"
REFERENCE = "reference"
SECOND_APPROVAL = "second_approval"
DOWNGRADE = "downgrade"
DEACTIVATED = "deactivated"
REACTIVATED = "reactivated"

KINDS = (INTERVIEW, IDENTITY_SEEN, REFERENCE, SECOND_APPROVAL, DOWNGRADE)


@dataclass(frozen=True)
class Step:
    kind: str
    by: int | None  # the coordinator's user id


class VettingRefused(Exception):
    """A step the rules refuse; ``code`` names the reason for the page to translate."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def current_evidence(steps: Sequence[Step]) -> list[Step]:
    """The steps since the last downgrade: what still counts towards a tier."""
    last = max((i for i, s in enumerate(steps) if s.kind == DOWNGRADE), default=-1)
    return [s for s in steps[last + 1 :] if s.kind in KINDS]


def next_tier(
    tier: int, steps: Sequence[Step], kind: str, by: int, *, target: int | None = None
) -> int:
    """The host's tier after coordinator ``by`` records ``kind``; VettingRefused otherwise.
    ``steps`` are the host's earlier steps, oldest first; ``target`` is a downgrade's tier."""
    evidence = current_evidence(steps)
    if kind == INTERVIEW:
        return max(tier, 1)
    if kind in (IDENTITY_SEEN, REFERENCE):
        return tier
    if kind == SECOND_APPROVAL:
        if tier >= 2:
            raise VettingRefused("already_tier_2")
        if tier < 1:
            raise VettingRefused("interview_first")
        seen_by = [s.by for s in evidence if s.kind == IDENTITY_SEEN]
        if not seen_by:
            raise VettingRefused("identity_first")
        if not any(s.kind == REFERENCE for s in evidence):
            raise VettingRefused("reference_first")
        if all(who == by for who in seen_by):
            raise VettingRefused("same_coordinator")
        return 2
    if kind == DOWNGRADE:
        if target is None or not 0 <= target < tier:
            raise VettingRefused("not_lower")
        return target
    raise VettingRefused("unknown_step")
