"""One country list for the whole platform, plain Python (no Django import).

Codes are ISO 3166-1 alpha-2 ("GE"); their names in Russian, English and Ukrainian come from
pycountry's iso3166-1 data and its gettext catalogues, so nobody keeps a list of names by
hand. On top of them stand the named territories the routes knowledge base talks about
(lower-case ids such as "abkhazia"), which are not ISO countries.

- ``is_country(code)``: an ISO code, exactly as stored (upper case).
- ``is_place(value)``: an ISO code or a named territory id.
- ``name(code, language)``: the localised name; an unknown value comes back unchanged, so a
  legacy value kept by a migration still shows as it was stored.
- ``choices(language)``: ``(code, name)`` pairs sorted by the localised name.
- ``normalise(text)``: the code for a code in any case, an alpha-3 code or a name in ru, en
  or uk ("Грузия", "georgia", "ge" → "GE"); None when the text names no country.
- ``normalise_place(text)``: the same, also accepting the named territories.
- ``normalise_stored(value)``: what a data migration writes for a stored value.
"""

from __future__ import annotations

import gettext
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache

import pycountry

LANGUAGES = ("ru", "en", "uk")
DEFAULT_LANGUAGE = "en"

# Territories the routes base names that have no ISO 3166-1 code. Their ids are lower case
# so that they can never collide with a code.
TERRITORIES: Mapping[str, Mapping[str, str]] = {
    "abkhazia": {"en": "Abkhazia", "ru": "Абхазия", "uk": "Абхазія"},
    "south-ossetia": {"en": "South Ossetia", "ru": "Южная Осетия", "uk": "Південна Осетія"},
}

# Where the ISO name is not what a person says or reads (the package's long forms stay
# accepted by ``normalise``). Keep this short: the package is the list.
SHORT_NAMES: Mapping[str, Mapping[str, str]] = {
    "RU": {"en": "Russia", "ru": "Россия", "uk": "Росія"},
    "US": {"ru": "США"},
}

# Other names people type into a sheet; each must name exactly one code.
ALIASES: Mapping[str, str] = {
    "turkey": "TR",
    "кыргызстан": "KG",
    "киргизстан": "KG",
    "czech republic": "CZ",
    "чешская республика": "CZ",
    "great britain": "GB",
    "usa": "US",
    "соединенные штаты америки": "US",
    "сша": "US",
    "оаэ": "AE",
    "оае": "AE",
    "uae": "AE",
    "белоруссия": "BY",
    "молдова": "MD",
    "republic of moldova": "MD",
    "южная корея": "KR",
    "северная корея": "KP",
}

# Alphabets for sorting by the localised name: Python's code-point order puts Ukrainian
# "і", "ї", "є" and "ґ" after "я", and Russian "ё" after "я".
_ALPHABETS = {
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "en": "abcdefghijklmnopqrstuvwxyz",
}


def language_of(language: str | None) -> str:
    """One of LANGUAGES for a language tag such as "ru", "uk-UA" or None."""
    base = (language or "").replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


@cache
def codes() -> tuple[str, ...]:
    """Every ISO 3166-1 alpha-2 code the package knows, sorted."""
    return tuple(sorted(str(country.alpha_2) for country in pycountry.countries))


@cache
def _code_set() -> frozenset[str]:
    return frozenset(codes())


def is_country(code: object) -> bool:
    """An ISO 3166-1 alpha-2 code, exactly as stored (upper case)."""
    return isinstance(code, str) and code in _code_set()


def is_territory(place: object) -> bool:
    return isinstance(place, str) and place in TERRITORIES


def is_place(value: object) -> bool:
    """A country code or a named territory id."""
    return is_country(value) or is_territory(value)


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])


def _translated(text: str, language: str) -> str | None:
    """The catalogue's translation of an English name, or None when it has none."""
    translated = _catalogue(language).gettext(text)
    return translated if language == "en" or translated != text else None


def _iso_names(country: object) -> list[str]:
    """The English names the package gives a country: common, short, official."""
    return [
        str(value)
        for attribute in ("common_name", "name", "official_name")
        if (value := getattr(country, attribute, None))
    ]


@cache
def _names(language: str) -> Mapping[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        code = str(country.alpha_2)
        override = SHORT_NAMES.get(code, {}).get(language)
        translated = [t for n in _iso_names(country) if (t := _translated(n, language))]
        names[code] = override or (translated[0] if translated else str(country.name))
    return names


def name(code: str, language: str | None) -> str:
    """The name of a country or named territory in the language (ru, en or uk; anything
    else reads English). An unknown value is returned as it is."""
    lang = language_of(language)
    if code in TERRITORIES:
        return TERRITORIES[code][lang]
    return _names(lang).get(code, code)


def names(code: str) -> dict[str, str]:
    """The name in every language, e.g. for the routes base's places."""
    return {lang: name(code, lang) for lang in LANGUAGES}


def sort_key(text: str, language: str | None) -> tuple[tuple[int, ...], str]:
    """Order names as a reader of the language expects: by its alphabet, letters with
    diacritics beside their base letter, other scripts after it."""
    alphabet = _ALPHABETS[language_of(language)]
    key = []
    for char in text.casefold():
        if char in alphabet:
            key.append(100 + alphabet.index(char))
            continue
        base = unicodedata.normalize("NFKD", char)[0]
        if base in alphabet:
            key.append(100 + alphabet.index(base))
        elif base.isalnum():
            key.append(1000 + ord(base))
        elif base.isspace() or base == "-":
            key.append(0)  # a word ends before any letter: "Guinea" before "Guinea-Bissau"
        # apostrophes and other marks do not count
    return tuple(key), text


@cache
def _choices(language: str, territories: bool) -> tuple[tuple[str, str], ...]:
    pairs = [(code, name(code, language)) for code in codes()]
    if territories:
        pairs += [(place, name(place, language)) for place in TERRITORIES]
    return tuple(sorted(pairs, key=lambda pair: sort_key(pair[1], language)))


def choices(
    language: str | None, *, territories: bool = False, only: Iterable[str] | None = None
) -> list[tuple[str, str]]:
    """(code, localised name) pairs sorted by the name; ``territories`` adds the named
    territories, ``only`` keeps the given codes."""
    pairs = _choices(language_of(language), territories)
    if only is None:
        return list(pairs)
    kept = set(only)
    return [pair for pair in pairs if pair[0] in kept]


def _key(text: str) -> str:
    """How typed names are compared: no accents or diacritics, no case, one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    for apostrophe in "’ʼ`´":
        plain = plain.replace(apostrophe, "'")
    plain = plain.replace("-", " ").replace(".", " ").replace(",", " ")
    return " ".join(plain.casefold().split())


@cache
def _index() -> Mapping[str, str]:
    """Every known spelling (its ``_key``) → code or territory id. A spelling that two
    places share is left out rather than guessed."""
    found: dict[str, set[str]] = {}

    def add(text: str, code: str) -> None:
        found.setdefault(_key(text), set()).add(code)

    for country in pycountry.countries:
        code = str(country.alpha_2)
        add(str(country.alpha_3), code)
        for english in _iso_names(country):
            add(english, code)
            for language in LANGUAGES:
                translated = _translated(english, language)
                if translated:
                    add(translated, code)
        for override in SHORT_NAMES.get(code, {}).values():
            add(override, code)
    for alias, code in ALIASES.items():
        add(alias, code)
    for place, territory_names in TERRITORIES.items():
        add(place, place)
        for text in territory_names.values():
            add(text, place)
    return {key: next(iter(places)) for key, places in found.items() if len(places) == 1}


@cache
def ambiguous_spellings() -> frozenset[str]:
    """Spellings ``normalise`` refuses because they name two places (for the tests)."""
    index = _index()
    spellings = set()
    for country in pycountry.countries:
        for english in _iso_names(country):
            for language in LANGUAGES:
                translated = _translated(english, language)
                if translated and _key(translated) not in index:
                    spellings.add(_key(translated))
    return frozenset(spellings)


def normalise_place(text: str) -> str | None:
    """The code or territory id for a code in any case, an alpha-3 code, a territory id or
    a name in ru, en or uk; None when the text names no known place."""
    cleaned = text.strip()
    if len(cleaned) == 2 and cleaned.upper() in _code_set():
        return cleaned.upper()
    if not cleaned or len(cleaned) > 100:
        return None
    return _index().get(_key(cleaned))


def normalise(text: str) -> str | None:
    """The ISO code for a code in any case, an alpha-3 code or a country's name in ru, en or
    uk ("Грузия" → "GE"); None for anything else, a named territory included."""
    place = normalise_place(text)
    return place if place is not None and is_country(place) else None


def normalise_stored(value: str, *, territories: bool = False) -> str | None:
    """What a data migration writes for a stored country value: "" stays "", a code or a
    name becomes its code (or territory id, when ``territories``); None means "no safe
    mapping: keep the row as it is and report it"."""
    if value == "":
        return ""
    return normalise_place(value) if territories else normalise(value)
