"""One form of each city name per language (sanctuary/cities.py), and the pages that show it:
Cyrillic city names on Russian and Ukrainian pages, one country name per language."""

import re
from pathlib import Path

import pytest

from sanctuary import cities, countries

ROOT = Path(__file__).resolve().parents[1]
CYRILLIC = re.compile(r"^[А-Яа-яЁёІіЇїЄєҐґ' -]+$")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Almaty", "Almaty"),
        ("almaty", "Almaty"),
        ("  АЛМАТЫ ", "Almaty"),
        ("Алма-Ата", "Almaty"),
        ("Алмати", "Almaty"),
        ("Oral", "Uralsk"),
        ("Єреван", "Yerevan"),
        ("Тель-Авив", "Tel Aviv"),
        ("tel  aviv", "Tel Aviv"),
    ],
)
def test_it_reads_a_city_typed_in_any_language(typed: str, stored: str) -> None:
    assert cities.normalise(typed) == stored


def test_it_shows_each_city_in_the_readers_language() -> None:
    assert cities.name("Almaty", "ru") == "Алматы"
    assert cities.name("almaty", "uk") == "Алмати"
    assert cities.name("Алматы", "en") == "Almaty"
    assert cities.name("Bishkek", "ru-RU") == "Бишкек"
    # A city not in the list is shown as it was stored, in any language.
    assert cities.normalise("Nowhere") is None
    assert cities.name("Nowhere", "ru") == "Nowhere"


def test_it_has_one_cyrillic_form_per_language_and_no_two_cities_alike() -> None:
    seen: dict[str, str] = {}
    for city, names in cities.CITIES.items():
        assert set(names) == {"ru", "uk"}, city
        for lang, name in names.items():
            assert CYRILLIC.match(name), f"{city}: {lang} {name!r} is not Cyrillic"
        for form in (city, *names.values()):
            key = form.casefold()
            assert seen.setdefault(key, city) == city, f"{form!r} names {seen[key]} and {city}"
    for alias, city in cities.ALIASES.items():
        assert city in cities.CITIES, alias


def test_it_names_every_demo_city_in_russian_and_ukrainian() -> None:
    from sanctuary.demo.hosts import DEMO_HOSTS
    from sanctuary.demo.shelter import PARTIES

    for city in {host.city for host in DEMO_HOSTS} | {party[0] for party in PARTIES}:
        assert cities.normalise(city) == city, city
        assert CYRILLIC.match(cities.name(city, "ru")), city
        assert CYRILLIC.match(cities.name(city, "uk")), city


def test_it_uses_the_country_lists_one_russian_name_for_kyrgyzstan_everywhere() -> None:
    """ "Киргизия" in Russian, as the country list and the routes base both write it; never
    "Кыргызстан" on a page or in a catalogue."""
    assert countries.name("KG", "ru") == "Киргизия"
    assert countries.normalise("Кыргызстан") == "KG"  # still read when typed
    shown = [
        *ROOT.glob("*/templates/**/*.html"),
        *ROOT.glob("templates/**/*.html"),
        *ROOT.glob("locale/*/LC_MESSAGES/django.po"),
        *ROOT.glob("routes/data/*.yaml"),
    ]
    assert shown
    for path in shown:
        assert "Кыргызстан" not in path.read_text(encoding="utf-8"), path
