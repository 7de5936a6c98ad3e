"""The network's shelter policy: which vetting tier receives guests, and which families with
children. Set per network with SHELTER_MIN_TIER_FOR_GUESTS and SHELTER_MIN_TIER_FOR_CHILDREN
(docs/operations.md).

`tier_allows` is pure; `matcher_policy` reads the settings and builds the matcher's Policy."""

from dataclasses import dataclass

from sanctuary.shelter import matcher


@dataclass(frozen=True)
class TierAllows:
    guests: bool  # adults: single men, women, groups without children
    families: bool  # parties with children


def tier_allows(tier: int, *, min_tier_for_guests: int, min_tier_for_children: int) -> TierAllows:
    """What a host of this tier may receive under this policy. Children need both thresholds:
    a host who may not receive guests at all receives no family either."""
    guests = tier >= min_tier_for_guests
    return TierAllows(guests=guests, families=guests and tier >= min_tier_for_children)


def matcher_policy() -> matcher.Policy:
    """The matcher's Policy with this network's tier thresholds; other weights stay default."""
    from django.conf import settings

    return matcher.Policy(
        min_tier_for_guests=settings.SHELTER_MIN_TIER_FOR_GUESTS,
        min_tier_for_children=settings.SHELTER_MIN_TIER_FOR_CHILDREN,
    )


def allows_for(tier: int) -> TierAllows:
    """`tier_allows` under this network's settings."""
    policy = matcher_policy()
    return tier_allows(
        tier,
        min_tier_for_guests=policy.min_tier_for_guests,
        min_tier_for_children=policy.min_tier_for_children,
    )
