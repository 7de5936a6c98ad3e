from pathlib import Path

from django.test import Client

from sanctuary.i18n_check import parse_po, problems


def test_it_has_every_string_translated_in_russian_english_and_ukrainian() -> None:
    assert problems("ru") == []
    assert problems("en") == []
    assert problems("uk") == []


def test_it_reports_an_untranslated_string(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n\nmsgid "Hello"\nmsgstr ""\n\n#, fuzzy\nmsgid "Bye"\nmsgstr "Пока"\n'
    )
    entries = parse_po(po)
    assert [(e.msgid, e.msgstr, e.fuzzy) for e in entries[1:]] == [
        ("Hello", {0: ""}, False),
        ("Bye", {0: "Пока"}, True),
    ]


def test_it_serves_russian_first_and_english_under_its_prefix() -> None:
    client = Client()
    response = client.get("/")
    assert response["Location"] == "/ru/"
    assert "Вход для сотрудников" in client.get("/ru/staff/login/").content.decode()
    assert "Staff login" in client.get("/en/staff/login/").content.decode()


def test_it_switches_language_with_a_link_and_no_cookie() -> None:
    client = Client()
    response = client.get("/ru/staff/login/")
    assert 'href="/en/staff/login/"' in response.content.decode()
    assert "django_language" not in response.cookies
