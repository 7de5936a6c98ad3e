"""The codename word lists and the reading of a typed codename: plain Python, no database."""

import ast
import hashlib
import math
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sanctuary.keyring import codenames
from sanctuary.keyring.codenames import (
    ENGLISH_WORDS,
    RUSSIAN_WORDS,
    WORD_COUNT,
    UnreadableCodename,
    list_for_language,
    new_codename,
    normalize,
    read_word,
)

RUSSIAN = set("абвгдежзийклмнопрстуфхцчшщъыьэюя")
TO_CYRILLIC_KEYS = str.maketrans(
    "qwertyuiop[]asdfghjkl;'zxcvbnm,.", "йцукенгшщзхъфывапролджэячсмитьбю"
)
TO_LATIN_KEYS = str.maketrans(
    "йцукенгшщзхъфывапролджэячсмитьбю", "qwertyuiop[]asdfghjkl;'zxcvbnm,."
)

# Words a codename written on paper must not hold: war and weapons, death, illness, police,
# prisons and courts, borders and flight, and insults. Whole words, and stems that no harmless
# word of the list contains.
DENIED_WORDS = {
    "война",
    "армия",
    "солдат",
    "танк",
    "бомба",
    "мина",
    "пуля",
    "ружье",
    "пистолет",
    "автомат",
    "граната",
    "снаряд",
    "нож",
    "топор",
    "меч",
    "сабля",
    "кинжал",
    "копье",
    "штык",
    "пушка",
    "порох",
    "патрон",
    "шлем",
    "каска",
    "окоп",
    "фронт",
    "плен",
    "враг",
    "смерть",
    "труп",
    "гроб",
    "могила",
    "кладбище",
    "кровь",
    "рана",
    "боль",
    "болезнь",
    "рак",
    "вирус",
    "больница",
    "аптека",
    "лекарство",
    "таблетка",
    "шприц",
    "полиция",
    "милиция",
    "тюрьма",
    "суд",
    "судья",
    "арест",
    "допрос",
    "побег",
    "граница",
    "виза",
    "паспорт",
    "повестка",
    "призыв",
    "дезертир",
    "военкомат",
    "штраф",
    "крыса",
    "козел",
    "шакал",
    "дурак",
    "черт",
    "ад",
    "бес",
    "палач",
    "вор",
    "бандит",
    "убийца",
    "страх",
    "ужас",
    "крест",
    "икона",
    "решетка",
    "наручники",
    "конвой",
    "охрана",
    "стража",
    "сторож",
    "вахтер",
    "шлагбаум",
    "таможня",
    "аэропорт",
    "ракета",
    "вокзал",
    "самогон",
    "водка",
    "наркотик",
}
DENIED_STEMS = (
    "войн", "воен", "армей", "солдат", "оруж", "бомб", "пулемет", "пистол", "гранат", "снаряд",
    "мертв", "смерт", "убий", "убит", "казн", "трупн", "могил", "похорон", "кладбищ",
    "кровь", "кровав", "болезн", "больн", "инфекц", "полиц", "милиц", "тюрьм", "тюрем",
    "арест", "допрос", "пытк", "дезерт", "военкомат", "мобилиз", "границ", "погран", "взрыв",
    "выстрел", "стрельб", "насил", "террор", "наркот", "самоуб", "бандит",
)  # fmt: skip


def _denied(word: str) -> bool:
    return word in DENIED_WORDS or any(stem in word for stem in DENIED_STEMS)


def test_it_has_at_least_2048_distinct_lowercase_russian_words_in_order() -> None:
    assert len(RUSSIAN_WORDS) >= 2048
    assert len(set(RUSSIAN_WORDS)) == len(RUSSIAN_WORDS)
    assert list(RUSSIAN_WORDS) == sorted(RUSSIAN_WORDS)
    for word in RUSSIAN_WORDS:
        # Russian letters only: no Latin look-alike, no hyphen, no space, no capital, no ё.
        assert set(word) <= RUSSIAN and word == word.lower(), word
        assert 4 <= len(word) <= 10, word


def test_it_writes_e_for_yo_so_no_two_words_differ_only_by_it() -> None:
    assert not any("ё" in word for word in RUSSIAN_WORDS)
    folded = {word.replace("ё", "е") for word in RUSSIAN_WORDS}
    assert len(folded) == len(RUSSIAN_WORDS)
    assert normalize(" ".join(["ёлка"] * 8)) == " ".join(["елка"] * 8)
    assert normalize(" ".join(["`krf"] * 8)) == " ".join(["елка"] * 8)  # the ё key, Latin layout


def test_it_keeps_the_russian_list_unchanged() -> None:
    # Removing or changing a word would lock out every seeker whose codename contains it.
    digest = hashlib.sha256(" ".join(RUSSIAN_WORDS).encode()).hexdigest()
    assert digest == RUSSIAN_DIGEST


def test_it_identifies_every_russian_word_by_its_first_four_letters() -> None:
    by_prefix = {word[:4] for word in RUSSIAN_WORDS}
    assert len(by_prefix) == len(RUSSIAN_WORDS)
    rest = list(RUSSIAN_WORDS[: WORD_COUNT - 1])
    for word in RUSSIAN_WORDS:
        assert normalize(" ".join([word[:4], *rest])) == " ".join([word, *rest])


def test_it_never_reads_a_word_of_one_list_as_a_word_of_the_other() -> None:
    # A word typed on the other layout is looked up in the other list by its first four keys:
    # no Russian word and English word may share those four keys.
    english = {word[:4] for word in ENGLISH_WORDS}
    russian = {word[:4] for word in RUSSIAN_WORDS}
    assert not {p.translate(TO_LATIN_KEYS) for p in russian} & english
    assert not {p.translate(TO_CYRILLIC_KEYS) for p in english} & russian


def test_it_holds_no_frightening_word() -> None:
    assert [word for word in RUSSIAN_WORDS if _denied(word)] == []


def test_its_denylist_would_see_a_frightening_word() -> None:
    # Positive control: the check above can fail.
    for planted in ("война", "пистолет", "полиция", "кладбище", "военкомат", "болезнь"):
        assert _denied(planted)
    assert not _denied("кошка")


# Words with two meanings or two pronunciations, and words one ё away from another word: a
# seeker reading one back must not hesitate between two. Known ones, checked by hand.
HOMOGRAPHS = {
    "замок", "мука", "атлас", "орган", "ирис", "коса", "ключ", "лама", "ласка", "рысь", "клещи",
    "гранат", "берег", "осел", "село", "паром", "пила", "берет", "байка", "блин", "залив",
    "иглу", "опал", "помело", "клей", "белок", "лук", "брак",
}  # fmt: skip


def test_it_holds_no_known_homograph() -> None:
    assert sorted(HOMOGRAPHS & set(RUSSIAN_WORDS)) == []
    assert {"кошка", "хлеб"} <= set(RUSSIAN_WORDS)  # control: the check looks at real words


def test_it_gives_russian_words_on_russian_and_ukrainian_pages() -> None:
    assert list_for_language("ru") == "ru"
    assert list_for_language("uk") == "ru"
    assert list_for_language("en") == "en"
    assert list_for_language("de") == "en"
    assert list_for_language(None) == "en"


def test_it_generates_codenames_of_at_least_88_bits_from_either_list() -> None:
    assert codenames.entropy_bits("en") == 88
    assert codenames.entropy_bits("ru") >= 88
    assert WORD_COUNT * math.log2(len(RUSSIAN_WORDS)) >= 88
    for name, words in (("ru", set(RUSSIAN_WORDS)), ("en", set(ENGLISH_WORDS))):
        made = {new_codename(name) for _ in range(200)}
        assert len(made) == 200
        for codename in made:
            assert len(codename.split(" ")) == 8 and set(codename.split(" ")) <= words
            assert normalize(codename) == codename


def test_it_forgives_how_a_russian_codename_is_typed() -> None:
    canonical = "кошка жираф ежевика хлеб березка чайник белка якорь"
    canonical = " ".join(normalize(" ".join([w] * 8)).split()[0] for w in canonical.split())
    words = canonical.split()
    for typed in [
        canonical.upper(),
        "  " + "   ".join(words) + "\n",
        "-".join(words),
        ", ".join(words) + ".",
        " ".join(f"{n}. {w}" for n, w in enumerate(words, 1)),  # copied with the list's numbers
        " ".join(f"{n}){w}" for n, w in enumerate(words, 1)),
        "".join(words),  # no spaces at all
        " ".join(w[:4] for w in words),  # four letters are enough
        " ".join(w.translate(TO_LATIN_KEYS) for w in words),  # the Latin layout left on
        " ".join(f"{n}.{w.translate(TO_LATIN_KEYS)}" for n, w in enumerate(words, 1)),
        " ".join(w.translate(TO_LATIN_KEYS).upper() for w in words),
    ]:
        assert normalize(typed) == canonical, typed


def test_it_reads_the_latin_layout_for_words_with_letters_on_punctuation_keys() -> None:
    # ж sits on ";", б on ",", ю on ".", х on "[", э on "'": "жираф" typed is ";bhfa".
    words = [w for w in RUSSIAN_WORDS if set(w[:4]) & set("жбюхэъ")][:8]
    assert len(words) == 8
    typed = " ".join(w.translate(TO_LATIN_KEYS) for w in words)
    assert any(c in typed for c in ";,.[']")
    assert normalize(typed) == " ".join(words)


def test_it_reads_an_english_word_typed_on_the_cyrillic_layout() -> None:
    canonical = "tiger lemon cobalt spruce ember walrus quiet harbor"
    to_cyrillic = str.maketrans("qwertyuiopasdfghjklzxcvbnm", "йцукенгшщзфывапролдячсмить")
    assert normalize(canonical.translate(to_cyrillic)) == canonical


def test_it_reads_ukrainian_letters_on_the_keys_of_russian_ones() -> None:
    # A Ukrainian keyboard has і where Russian has ы, є for э, ї for ъ.
    words = [w for w in RUSSIAN_WORDS if "ы" in w[:4]][:8]
    typed = " ".join(w.replace("ы", "і") for w in words)
    assert normalize(typed) == " ".join(words)


def test_it_reads_old_english_codenames_exactly_as_before() -> None:
    # The canonical form of an English codename is unchanged, so its key is too.
    assert normalize("Tiger-LEMON cobalt spruce ember walrus quiet harbour") == (
        "tiger lemon cobalt spruce ember walrus quiet harbor"
    )


def test_it_reads_every_russian_word_typed_on_the_latin_layout_whole_or_cut() -> None:
    # Six letters sit on punctuation keys: "беркут" is ",thren" there, which once read as
    # "thre…", the start of the English "three" (found by the test below).
    misread: dict[str, str | None] = {}
    for word in RUSSIAN_WORDS:
        for typed in (word, word[:4]):
            latin = typed.translate(TO_LATIN_KEYS)
            if read_word(latin) != word:
                misread[latin] = read_word(latin)
    assert misread == {}


@settings(max_examples=300)
@example(
    indices=[0] * 7 + [RUSSIAN_WORDS.index("беркут")],
    separator=" ",
    upper=False,
    cut=False,
    latin=True,
)
@given(
    indices=st.lists(st.integers(0, len(RUSSIAN_WORDS) - 1), min_size=8, max_size=8),
    separator=st.sampled_from([" ", "  ", "-", " - ", "\t", "", ".", "_", ", "]),
    upper=st.booleans(),
    cut=st.booleans(),
    latin=st.booleans(),
)
def test_it_reads_back_any_russian_codename_however_typed(
    indices: list[int], separator: str, upper: bool, cut: bool, latin: bool
) -> None:
    words = [RUSSIAN_WORDS[i] for i in indices]
    typed_words = [w[:4] for w in words] if cut and separator else words
    if latin and separator.strip() not in {".", ","}:
        typed_words = [w.translate(TO_LATIN_KEYS) for w in typed_words]
    typed = separator.join(typed_words)
    typed = typed.upper() if upper else typed
    assert normalize(typed) == " ".join(words)


@pytest.mark.parametrize(
    ("typed", "reason", "position", "count"),
    [
        ("кошка жираф ежевика хлеб", "word_count", 0, 4),
        ("кошка жираф ежевика хлеб кошка жираф ежевика хлеб хлеб", "word_count", 0, 9),
        ("кошка жираф ыыыы хлеб кошка жираф ежевика хлеб", "unknown_word", 3, 0),
        ("1. кошка 2. жираф 3. кош", "unknown_word", 3, 0),
        ("кошка жираф ежевика хлеб кошка жираф ежевика хлеб\u263a", "characters", 0, 0),
    ],
)
def test_it_says_what_is_wrong_with_a_russian_codename(
    typed: str, reason: str, position: int, count: int
) -> None:
    with pytest.raises(UnreadableCodename) as caught:
        normalize(typed)
    assert (caught.value.reason, caught.value.position, caught.value.count) == (
        reason,
        position,
        count,
    )
    for word in typed.split():
        assert word not in str(caught.value)  # the message never echoes the codename


def test_it_imports_nothing_but_the_standard_library() -> None:
    tree = ast.parse(Path(codenames.__file__).read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert {name.split(".")[0] for name in imported} <= {
        "__future__",
        "math",
        "pathlib",
        "re",
        "secrets",
        "typing",
        "unicodedata",
    }


RUSSIAN_DIGEST = "8a954df005ff63c6f7be8106221e72b022cc643d7e2dfa1ca145bfc4327dd936"
