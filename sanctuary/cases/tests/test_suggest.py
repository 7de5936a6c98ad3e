"""The assignment suggestions, on plain data without a database."""

from sanctuary.cases.suggest import Counselor, suggest


def counselor(user_id: int, langs: str, countries: str = "", load: int = 0) -> Counselor:
    return Counselor(
        user_id=user_id,
        languages=frozenset(langs.split()),
        countries=frozenset(countries.split()),
        open_cases=load,
    )


def order(languages: list[str], country: str, *counselors: Counselor) -> list[int]:
    return [s.user_id for s in suggest(languages, country, counselors)]


def test_it_puts_a_shared_language_before_country_and_load() -> None:
    assert order(["ru"], "KZ", counselor(1, "en", "KZ", 0), counselor(2, "ru", "", 9)) == [2, 1]


def test_it_prefers_who_knows_the_country_among_speakers() -> None:
    assert order(["ru"], "KZ", counselor(1, "ru", "GE", 0), counselor(2, "ru", "KZ", 5)) == [2, 1]


def test_it_gives_the_case_to_the_least_loaded_when_all_else_is_equal() -> None:
    assert order(["ru"], "", counselor(1, "ru", load=4), counselor(2, "ru", load=1)) == [2, 1]


def test_it_breaks_ties_by_more_shared_languages_then_by_id() -> None:
    assert order(["ru", "en"], "", counselor(3, "ru"), counselor(2, "ru en")) == [2, 3]
    assert order(["ru"], "", counselor(3, "ru"), counselor(2, "ru")) == [2, 3]


def test_it_reports_the_shared_languages_in_the_seekers_order() -> None:
    (best,) = suggest(["kk", "ru"], "KZ", [counselor(1, "ru kk", "KZ", 2)])
    assert best.shared_languages == ("kk", "ru")
    assert best.knows_country and best.speaks and best.open_cases == 2


def test_it_does_not_count_an_unknown_country_as_known() -> None:
    (best,) = suggest(["ru"], "", [counselor(1, "ru", "")])
    assert not best.knows_country


def test_it_keeps_every_counselor_and_never_invents_one() -> None:
    team = [counselor(i, "ru" if i % 2 else "en", load=i) for i in range(1, 8)]
    assert sorted(order(["ru"], "KZ", *team)) == list(range(1, 8))
    assert order(["ru"], "KZ") == []
