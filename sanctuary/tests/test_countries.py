"""The one country list: codes, names in three languages, sorting and reading typed names.
Pure Python: no database, no Django."""

import ast
from pathlib import Path

import pytest

from sanctuary import countries


def test_it_knows_every_iso_code_and_nothing_else() -> None:
    assert len(countries.codes()) == 249
    assert {"GE", "KZ", "DE", "UA", "RU", "NO"} <= set(countries.codes())
    for value in ("XX", "ge", "DEU", "", " GE", "EU", "abkhazia", None, 42):
        assert not countries.is_country(value), value


def test_it_tells_named_territories_from_countries() -> None:
    assert countries.is_territory("abkhazia") and countries.is_place("south-ossetia")
    assert not countries.is_country("abkhazia")
    assert countries.is_place("GE") and not countries.is_place("Abkhazia")


@pytest.mark.parametrize(
    ("code", "ru", "en", "uk"),
    [
        ("GE", "Грузия", "Georgia", "Грузія"),
        ("KG", "Киргизия", "Kyrgyzstan", "Киргизстан"),
        ("DE", "Германия", "Germany", "Німеччина"),
        ("RU", "Россия", "Russia", "Росія"),
        ("MD", "Молдавия", "Moldova", "Молдова"),
        ("abkhazia", "Абхазия", "Abkhazia", "Абхазія"),
    ],
)
def test_it_names_a_place_in_each_language(code: str, ru: str, en: str, uk: str) -> None:
    assert countries.names(code) == {"ru": ru, "en": en, "uk": uk}


def test_it_reads_language_tags_and_falls_back_to_english() -> None:
    assert countries.name("GE", "ru-RU") == "Грузия"
    assert countries.name("GE", "uk_UA") == "Грузія"
    assert countries.name("GE", "de") == "Georgia"
    assert countries.name("GE", None) == "Georgia"


def test_it_gives_every_code_a_translated_name_in_russian_and_ukrainian() -> None:
    for language in ("ru", "uk"):
        latin = [code for code in countries.codes() if countries.name(code, language).isascii()]
        # A name left in English would show up here (the positive control is English itself).
        assert latin == [], language
    assert countries.name("GE", "en").isascii()


def test_it_returns_an_unknown_value_as_it_is() -> None:
    assert countries.name("Narnia", "ru") == "Narnia"


def test_it_sorts_choices_by_the_localised_name() -> None:
    ukrainian = [name for _code, name in countries.choices("uk")]
    # Code-point order would put "Єгипет", "Італія" and "Йорданія" after "Японія".
    at = ukrainian.index
    assert at("Естонія") < at("Єгипет") < at("Ємен") < at("Замбія")
    assert at("Ізраїль") < at("Італія") < at("Йорданія") < at("Японія") == len(ukrainian) - 1
    russian = [name for _code, name in countries.choices("ru")]
    assert russian == sorted(russian, key=lambda name: countries.sort_key(name, "ru"))
    assert russian.index("Австралия") == 0
    english = [name for _code, name in countries.choices("en")]
    assert english.index("Åland Islands") < english.index("Albania")
    assert english.index("Guinea") < english.index("Guinea-Bissau")


def test_it_offers_territories_and_a_subset_on_request() -> None:
    plain = dict(countries.choices("en"))
    assert "abkhazia" not in plain and len(plain) == 249
    with_territories = dict(countries.choices("en", territories=True))
    assert with_territories["abkhazia"] == "Abkhazia"
    assert countries.choices("ru", only=["KZ", "GE", "XX"]) == [
        ("GE", "Грузия"),
        ("KZ", "Казахстан"),
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("GE", "GE"),
        (" ge ", "GE"),
        ("Ge", "GE"),
        ("GEO", "GE"),
        ("Грузия", "GE"),
        ("грузия", "GE"),
        ("ГРУЗІЯ", "GE"),
        ("Georgia", "GE"),
        ("Киргизия", "KG"),
        ("Кыргызстан", "KG"),
        ("Türkiye", "TR"),
        ("Turkiye", "TR"),
        ("turkey", "TR"),
        ("Турция", "TR"),
        ("Россия", "RU"),
        ("Российская Федерация", "RU"),
        ("Russian Federation", "RU"),
        ("Czech Republic", "CZ"),
        ("Чехія", "CZ"),
        ("Кот-д’Ивуар", "CI"),
        ("Cote d'Ivoire", "CI"),
        ("Соединённые Штаты", "US"),
        ("соединенные  штаты", "US"),
        ("Moldova, Republic of", "MD"),
    ],
)
def test_it_normalises_a_code_or_a_name_to_the_code(text: str, code: str) -> None:
    assert countries.normalise(text) == code


@pytest.mark.parametrize(
    "text", ["", " ", "XX", "G", "Narnia", "Грузияя", "UK", "EU", "Abkhazia", "x" * 10_000]
)
def test_it_refuses_what_names_no_country(text: str) -> None:
    assert countries.normalise(text) is None


def test_it_reads_territories_only_when_asked() -> None:
    assert countries.normalise("Абхазия") is None
    assert countries.normalise_place("Абхазия") == "abkhazia"
    assert countries.normalise_place("South Ossetia") == "south-ossetia"
    assert countries.normalise_place("Південна Осетія") == "south-ossetia"


def test_every_spelling_names_one_place() -> None:
    assert countries.ambiguous_spellings() == frozenset()


def test_it_tells_a_migration_what_to_store() -> None:
    assert countries.normalise_stored("") == ""
    assert countries.normalise_stored("kz") == "KZ"
    assert countries.normalise_stored("Казахстан") == "KZ"
    assert countries.normalise_stored("Narnia") is None
    assert countries.normalise_stored("abkhazia") is None
    assert countries.normalise_stored("Абхазия", territories=True) == "abkhazia"


def test_the_module_imports_no_django() -> None:
    source = Path(countries.__file__).read_text(encoding="utf-8")
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    }
    assert "django" not in imported
    assert "pycountry" in imported  # positive control: the walk sees the imports
