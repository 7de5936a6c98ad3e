"""City names in Russian, English and Ukrainian, plain Python (no Django import).

Cities are stored as typed (hosts' offers, stay requests, the demo data), in the English form
the network uses ("Almaty"). Pages show them in the reader's language, one form per language,
so a Russian page reads "Алматы", never "Almaty" beside "Алма-Ата". A city not in the list
is shown as it was stored.

- ``name(city, language)``: the city's name in ru, en or uk; an unknown city unchanged.
- ``normalise(text)``: the stored (English) form of a city typed in any of the languages,
  in any case, or by a common older name ("Алма-Ата", "Oral"); None for an unknown city.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from sanctuary.countries import language_of

# The English form is the key and the stored value. Cities where the network has hosts or
# people arrive, by country; add one when the network starts to work there.
CITIES: Mapping[str, Mapping[str, str]] = {
    "Almaty": {"ru": "Алматы", "uk": "Алмати"},
    "Astana": {"ru": "Астана", "uk": "Астана"},
    "Uralsk": {"ru": "Уральск", "uk": "Уральськ"},
    "Aktobe": {"ru": "Актобе", "uk": "Актобе"},
    "Tbilisi": {"ru": "Тбилиси", "uk": "Тбілісі"},
    "Batumi": {"ru": "Батуми", "uk": "Батумі"},
    "Kutaisi": {"ru": "Кутаиси", "uk": "Кутаїсі"},
    "Yerevan": {"ru": "Ереван", "uk": "Єреван"},
    "Gyumri": {"ru": "Гюмри", "uk": "Гюмрі"},
    "Bishkek": {"ru": "Бишкек", "uk": "Бішкек"},
    "Osh": {"ru": "Ош", "uk": "Ош"},
    "Tashkent": {"ru": "Ташкент", "uk": "Ташкент"},
    "Samarkand": {"ru": "Самарканд", "uk": "Самарканд"},
    "Ulaanbaatar": {"ru": "Улан-Батор", "uk": "Улан-Батор"},
    "Istanbul": {"ru": "Стамбул", "uk": "Стамбул"},
    "Antalya": {"ru": "Анталья", "uk": "Анталія"},
    "Belgrade": {"ru": "Белград", "uk": "Белград"},
    "Novi Sad": {"ru": "Нови-Сад", "uk": "Нові-Сад"},
    "Podgorica": {"ru": "Подгорица", "uk": "Подгориця"},
    "Budva": {"ru": "Будва", "uk": "Будва"},
    "Dubai": {"ru": "Дубай", "uk": "Дубай"},
    "Tel Aviv": {"ru": "Тель-Авив", "uk": "Тель-Авів"},
    "Haifa": {"ru": "Хайфа", "uk": "Хайфа"},
    "Berlin": {"ru": "Берлин", "uk": "Берлін"},
    "Munich": {"ru": "Мюнхен", "uk": "Мюнхен"},
    "Helsinki": {"ru": "Хельсинки", "uk": "Гельсінкі"},
    "Paris": {"ru": "Париж", "uk": "Париж"},
    "Amsterdam": {"ru": "Амстердам", "uk": "Амстердам"},
    "Warsaw": {"ru": "Варшава", "uk": "Варшава"},
    "Vilnius": {"ru": "Вильнюс", "uk": "Вільнюс"},
    "Riga": {"ru": "Рига", "uk": "Рига"},
    "Tallinn": {"ru": "Таллин", "uk": "Таллінн"},
    "Prague": {"ru": "Прага", "uk": "Прага"},
    "Madrid": {"ru": "Мадрид", "uk": "Мадрид"},
    "Barcelona": {"ru": "Барселона", "uk": "Барселона"},
    "Lisbon": {"ru": "Лиссабон", "uk": "Лісабон"},
    "Buenos Aires": {"ru": "Буэнос-Айрес", "uk": "Буенос-Айрес"},
}

# Older or other names people type; each names exactly one city.
ALIASES: Mapping[str, str] = {
    "алма-ата": "Almaty",
    "alma-ata": "Almaty",
    "нур-султан": "Astana",
    "nur-sultan": "Astana",
    "oral": "Uralsk",
    "орал": "Uralsk",
    "ulan bator": "Ulaanbaatar",
    "ulan-bator": "Ulaanbaatar",
    "тбилиси": "Tbilisi",
    "münchen": "Munich",
    "praha": "Prague",
    "warszawa": "Warsaw",
    "lisboa": "Lisbon",
}


def _key(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").casefold().split())


@cache
def _index() -> Mapping[str, str]:
    index = {_key(alias): city for alias, city in ALIASES.items()}
    for city, names in CITIES.items():
        index[_key(city)] = city
        for translated in names.values():
            index.setdefault(_key(translated), city)
    return index


def normalise(text: str) -> str | None:
    """The stored (English) form of a city typed in any language or case; None if unknown."""
    return _index().get(_key(text))


def name(city: str, language: str | None) -> str:
    """The city's name in the language (ru, en or uk; anything else reads English). A city
    not in the list comes back as it was stored."""
    found = normalise(city)
    if found is None:
        return city
    lang = language_of(language)
    return found if lang == "en" else CITIES[found][lang]
