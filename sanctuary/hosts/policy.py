"""The network's shelter policy: which vetting tier receives guests, and which families with
children. Set per network with SHELTER_MIN_TIER_FOR_GUESTS and SHELTER_MIN_TIER_FOR_CHILDREN
(docs/operations.md).

`tier_allows` is pure; `allows_for` reads the settings. Shelter's matcher reads the same two
settings (shelter.services.policy)."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class TierAllows:
    guests: bool  # adults: single men, women, groups without children
    families: bool  # parties with children


def tier_allows(tier: int, *, min_tier_for_guests: int, min_tier_for_children: int) -> TierAllows:
    """What a host of this tier may receive under this policy. Children need both thresholds:
    a host who may not receive guests at all receives no family either."""
    guests = tier >= min_tier_for_guests
    return TierAllows(guests=guests, families=guests and tier >= min_tier_for_children)


def allows_for(tier: int) -> TierAllows:
    """`tier_allows` under this network's settings."""
    return tier_allows(
        tier,
        min_tier_for_guests=settings.SHELTER_MIN_TIER_FOR_GUESTS,
        min_tier_for_children=settings.SHELTER_MIN_TIER_FOR_CHILDREN,
    )
