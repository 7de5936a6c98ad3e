"""Seeker codenames: the two word lists, new codenames, and reading what a seeker typed.

Plain Python on plain data (no Django): the routes engine's rule holds here too. A codename is
eight words from one list, English (sanctuary/keyring/words/en.txt) or Russian (ru.txt). Both
lists have at least 2048 words, so eight words carry at least 88 bits. What the key derivation
reads is the canonical form ``normalize()`` returns, so every spelling it accepts opens the
same case: either keyboard layout, ё or е, any case, extra spaces, punctuation or the numbers
of the numbered list, and a word's first four letters alone. docs/keys.md ("Seeker codename")
says how the lists were chosen.

Do not remove or change a word in either list: every seeker whose codename contains it would be
locked out. The tests pin both lists.
"""

from __future__ import annotations

import math
import re
import secrets
import unicodedata
from pathlib import Path
from typing import Final

__all__ = [
    "ENGLISH_WORDS",
    "RUSSIAN_WORDS",
    "WORD_COUNT",
    "WORD_LISTS",
    "UnreadableCodename",
    "entropy_bits",
    "list_for_language",
    "new_codename",
    "normalize",
    "read_word",
]

WORD_COUNT: Final = 8
_WORDS_DIR: Final = Path(__file__).resolve().parent / "words"


def _load(name: str) -> tuple[str, ...]:
    text = (_WORDS_DIR / name).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


ENGLISH_WORDS: Final[tuple[str, ...]] = _load("en.txt")
RUSSIAN_WORDS: Final[tuple[str, ...]] = _load("ru.txt")
WORD_LISTS: Final[dict[str, tuple[str, ...]]] = {"en": ENGLISH_WORDS, "ru": RUSSIAN_WORDS}

# Russian and Ukrainian pages give Russian words: Cyrillic script every reader of those pages
# reads; docs/keys.md ("Why Russian words on Ukrainian pages") says why Ukrainian pages do not
# get a list of their own. Every other language gets English.
_LIST_BY_LANGUAGE: Final = {"ru": "ru", "uk": "ru"}


def list_for_language(language_code: str | None) -> str:
    """Which list a page in this language gives its codenames from: "ru" or "en"."""
    base = (language_code or "").split("-")[0].lower()
    return _LIST_BY_LANGUAGE.get(base, "en")


def entropy_bits(list_name: str) -> float:
    return WORD_COUNT * math.log2(len(WORD_LISTS[list_name]))


def new_codename(list_name: str = "en") -> str:
    """Eight words drawn with the system's CSPRNG, lowercase, single spaces."""
    words = WORD_LISTS[list_name]
    return " ".join(secrets.choice(words) for _ in range(WORD_COUNT))


class UnreadableCodename(ValueError):
    """Typed text that is not a codename. ``reason`` is a stable code the interface translates:
    "characters" (something other than letters, digits and separators), "unknown_word"
    (``position`` is the 1-based word no list knows) or "word_count" (``count`` words read).
    None of them depends on whether any case exists."""

    def __init__(self, message: str, *, reason: str, position: int = 0, count: int = 0) -> None:
        super().__init__(message)
        self.reason = reason
        self.position = position
        self.count = count


# --- Keyboard layouts ---------------------------------------------------------------------------
# The same keys on the Russian ЙЦУКЕН layout and on QWERTY. A Russian word typed with the Latin
# layout left on ("rjirf" for "кошка") and an English word typed with the Cyrillic one ("ешпук"
# for "tiger") are read through these tables. Six Russian letters sit on punctuation keys
# (х [, ъ ], ж ;, э ', б ",", ю .), so a chunk typed on the wrong layout is read whole before
# punctuation is taken for a separator.
_QWERTY: Final = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_JCUKEN: Final = "йцукенгшщзхъфывапролджэячсмитьбюе"  # the ё key (`) read as е, as the list is
_LATIN_TO_CYRILLIC: Final = str.maketrans(_QWERTY, _JCUKEN)
_CYRILLIC_TO_LATIN: Final = str.maketrans(  # the 26 letter keys only: English has no others
    "йцукенгшщзфывапролдячсмить", "qwertyuiopasdfghjklzxcvbnm"
)
# Cyrillic letters other than Russian ones: Ukrainian і, ї, є sit on the keys of Russian ы, ъ,
# э, and ґ reads as г; ё is written е in the list.
_FOLD_CYRILLIC: Final = str.maketrans({"ё": "е", "і": "ы", "ї": "ъ", "є": "э", "ґ": "г"})

_SEPARATORS: Final = frozenset("-‐‑‒–—_.,;:/\\|+()[]{}<>'\"`«»„“”‘’!?*#№=~&^%$@…")
_LIST_NUMBER: Final = re.compile(r"^\(?\d+[.)]?")  # "3." or "(3)" copied from the list
_LAYOUT_PUNCTUATION: Final = frozenset("[];',.`")  # Russian letters' keys on the Latin layout
_RUSSIAN_LETTERS: Final = frozenset("абвгдежзийклмнопрстуфхцчшщъыьэюя")
_LATIN_LETTERS: Final = frozenset("abcdefghijklmnopqrstuvwxyz")


class _List:
    """One word list, indexed by its words' first four letters (unique within a list)."""

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = frozenset(words)
        self.by_prefix = {word[:4]: word for word in words}

    def word(self, token: str) -> str | None:
        # "harb", "harbour" and "harbor" all mean "harbor": four letters identify a word.
        if token in self.words:
            return token
        if len(token) >= 4:
            return self.by_prefix.get(token[:4])
        return None

    def run(self, token: str) -> list[str] | None:
        # Words typed without spaces ("ablebaker"): each list is prefix-free (every word has
        # four letters or more, and no two share their first four), so there is one reading.
        words: list[str] = []
        position = 0
        while position < len(token):
            word = self.by_prefix.get(token[position : position + 4])
            if word is None or not token.startswith(word, position):
                return None
            words.append(word)
            position += len(word)
        return words if len(words) > 1 else None


_ENGLISH: Final = _List(ENGLISH_WORDS)
_RUSSIAN: Final = _List(RUSSIAN_WORDS)


def _read_token(token: str) -> tuple[list[str], bool] | None:
    """The word (or words, typed without spaces) one run of letters is, and whether it was a
    Russian word typed on the Latin layout; None when no list knows it."""
    letters = set(token)
    readings: list[tuple[_List, str, bool]] = []
    if letters <= _LATIN_LETTERS:
        readings = [
            (_ENGLISH, token, False),
            (_RUSSIAN, token.translate(_LATIN_TO_CYRILLIC), True),
        ]
    elif letters <= _RUSSIAN_LETTERS:
        readings = [
            (_RUSSIAN, token, False),
            (_ENGLISH, token.translate(_CYRILLIC_TO_LATIN), False),
        ]
    elif letters <= _LATIN_LETTERS | _RUSSIAN_LETTERS:
        # Layout switched in the middle of a word: read it whole in each layout.
        readings = [
            (_RUSSIAN, token.translate(_LATIN_TO_CYRILLIC), True),
            (_ENGLISH, token.translate(_CYRILLIC_TO_LATIN), False),
        ]
    for word_list, text, from_latin in readings:
        # A run first: a list word is never itself a run (the lists are prefix-free), while a
        # run read as one word would keep only its first word.
        run = word_list.run(text) if len(text) >= 8 else None
        if run is not None:
            return run, from_latin
    for word_list, text, from_latin in readings:
        word = word_list.word(text)
        if word is not None:
            return [word], from_latin
    return None


def _split(chunk: str) -> list[str]:
    return "".join(" " if c in _SEPARATORS or c.isdigit() else c for c in chunk).split()


def _whole(token: str) -> bool:
    """Whether a token is typed in full (a list word, in either layout), not cut short."""
    return (
        token in _ENGLISH.words
        or token in _RUSSIAN.words
        or token.translate(_LATIN_TO_CYRILLIC) in _RUSSIAN.words
        or token.translate(_CYRILLIC_TO_LATIN) in _ENGLISH.words
    )


def _read_as_cyrillic(chunk: str) -> list[str] | None:
    """A chunk typed wholly on the Latin layout, its punctuation keys read as the Russian
    letters they carry (";bhfa" is "жираф", ",tkrf" is "белка")."""
    tokens = _split(_LIST_NUMBER.sub("", chunk).translate(_LATIN_TO_CYRILLIC))
    if not tokens or not all(set(token) <= _RUSSIAN_LETTERS for token in tokens):
        return None
    words: list[str] = []
    for token in tokens:
        run = _RUSSIAN.run(token) if len(token) >= 8 else None
        word = _RUSSIAN.word(token)
        if run is None and word is None:
            return None
        words.extend(run or [word or ""])
    return words


def _read_chunk(chunk: str) -> tuple[list[str], int | None, bool]:
    """The words in one whitespace-free chunk; the 0-based index (among them) of the first
    token no list knows, or None; and whether a character is neither a letter nor a separator.
    """
    tokens = _split(chunk)
    if any(not token.isalpha() for token in tokens):
        return [], None, True
    words: list[str] = []
    unknown_at = None
    russian_on_latin = False
    for token in tokens:
        read = _read_token(token)
        if read is None:
            unknown_at = len(words)
            break
        words.extend(read[0])
        russian_on_latin = russian_on_latin or read[1]
    # Punctuation among Latin letters may be a separator, or a Russian letter typed on the
    # Latin layout. When the chunk holds Russian typed on the Latin layout, or does not read
    # with separators, its whole Cyrillic reading wins if there is one.
    if (unknown_at is not None or russian_on_latin) and set(chunk) & _LATIN_LETTERS:
        whole = _read_as_cyrillic(chunk)
        if whole is not None:
            return whole, None, False
    # ",thren" is "беркут" typed on the Latin layout, its б on the comma key; with the comma
    # taken for a separator it would read as "thre…", the start of "three". A reading of whole
    # words beats one that needs a cut word.
    if set(chunk) & _LAYOUT_PUNCTUATION and set(chunk) & _LATIN_LETTERS:
        whole = _read_as_cyrillic(chunk)
        if whole is not None and not all(_whole(token) for token in tokens):
            cyrillic = _split(_LIST_NUMBER.sub("", chunk).translate(_LATIN_TO_CYRILLIC))
            if all(_whole(token) or _RUSSIAN.run(token) for token in cyrillic):
                return whole, None, False
    return words, unknown_at, False


def _read_all(text: str) -> list[str]:
    cleaned = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD_CYRILLIC)
    words: list[str] = []
    for chunk in cleaned.split():
        read, unknown_at, bad_characters = _read_chunk(chunk)
        if bad_characters:
            raise UnreadableCodename(
                "a codename holds only letters, spaces and the numbers of the list",
                reason="characters",
            )
        if unknown_at is not None:
            position = len(words) + unknown_at + 1
            raise UnreadableCodename(
                f"word {position} of the codename is in no word list",
                reason="unknown_word",
                position=position,
            )
        words.extend(read)
    return words


def normalize(text: str) -> str:
    """The canonical form of a typed codename: eight list words joined by single spaces.
    Raises UnreadableCodename saying what is wrong (never anything about any case)."""
    words = _read_all(text)
    if len(words) != WORD_COUNT:
        raise UnreadableCodename(
            f"a codename has {WORD_COUNT} words, {len(words)} were read",
            reason="word_count",
            count=len(words),
        )
    return " ".join(words)


def read_word(text: str) -> str | None:
    """The one list word typed (forgiven as in a codename), or None."""
    try:
        words = _read_all(text)
    except UnreadableCodename:
        return None
    return words[0] if len(words) == 1 else None
