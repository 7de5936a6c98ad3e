"""Whom to suggest for a case: counselors who speak the seeker's languages and know his
country, the least loaded first. Pure Python on plain data, no Django import."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Counselor:
    user_id: int
    languages: frozenset[str]
    countries: frozenset[str]
    open_cases: int


@dataclass(frozen=True)
class Suggestion:
    user_id: int
    shared_languages: tuple[str, ...]  # in the seeker's order
    knows_country: bool
    open_cases: int

    @property
    def speaks(self) -> bool:
        return bool(self.shared_languages)


def suggest(
    languages: Sequence[str], country: str, counselors: Iterable[Counselor]
) -> list[Suggestion]:
    """Every counselor, best first: one who shares a language with the seeker before one who
    does not (a conversation needs a language), then one who knows the seeker's country, then
    the fewest open cases, then more shared languages; ties by user id, so the order is
    stable."""
    ranked = []
    for c in counselors:
        shared = tuple(lang for lang in languages if lang in c.languages)
        ranked.append(
            Suggestion(
                user_id=c.user_id,
                shared_languages=shared,
                knows_country=bool(country) and country in c.countries,
                open_cases=c.open_cases,
            )
        )
    return sorted(
        ranked,
        key=lambda s: (
            not s.speaks,
            not s.knows_country,
            s.open_cases,
            -len(s.shared_languages),
            s.user_id,
        ),
    )
