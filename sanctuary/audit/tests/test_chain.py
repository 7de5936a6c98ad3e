from dataclasses import replace

from sanctuary.audit.chain import GENESIS, Link, canonical, first_problem, link_hash

KEY = b"k" * 32


def build(count: int) -> list[Link]:
    links = []
    prev = GENESIS
    for seq in range(1, count + 1):
        fields = dict(
            seq=seq,
            created_at=f"2026-01-0{seq}T00:00:00.000000+00:00",
            actor_id=seq,
            action="login",
            object_type="user",
            object_id=str(seq),
            details={"n": seq},
        )
        digest = link_hash(KEY, prev, canonical(**fields))  # type: ignore[arg-type]
        links.append(Link(**fields, prev_hash=prev, hash=digest))  # type: ignore[arg-type]
        prev = digest
    return links


def test_it_accepts_an_intact_chain() -> None:
    assert first_problem(KEY, build(5)) is None


def test_it_accepts_an_empty_chain() -> None:
    assert first_problem(KEY, []) is None


def test_it_names_an_edited_entry() -> None:
    links = build(5)
    links[2] = replace(links[2], details={"n": 99})
    problem = first_problem(KEY, links)
    assert problem is not None and problem.seq == 3


def test_it_names_a_gap_left_by_a_deleted_entry() -> None:
    links = build(5)
    del links[1]
    problem = first_problem(KEY, links)
    assert problem is not None and problem.seq == 2


def test_it_names_reordered_entries() -> None:
    links = build(5)
    links[1], links[2] = links[2], links[1]
    problem = first_problem(KEY, links)
    assert problem is not None and problem.seq == 2


def test_it_rejects_a_chain_rehashed_without_the_key() -> None:
    links = build(3)
    forged = build(3)
    # Someone without the key recomputes hashes with a guessed key: every link fails.
    wrong = [replace(link, hash=link_hash(b"guess", link.prev_hash, b"")) for link in forged]
    assert first_problem(KEY, wrong) is not None
    assert first_problem(KEY, links) is None
