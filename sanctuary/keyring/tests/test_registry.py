from django.apps import apps

from sanctuary.keyring.fields import (
    CONTENT_WORDS,
    NOT_SENSITIVE,
    EncryptedField,
    sensitive_fields,
)


def content_named_fields() -> set[tuple[str, str]]:
    found = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if any(word in field.name.lower() for word in CONTENT_WORDS):
                found.add((model._meta.label, field.name))
    return found


def test_it_lists_every_encrypted_field() -> None:
    registry = sensitive_fields()
    assert ("cases.Case", "story") in registry
    for label, name in registry:
        assert isinstance(apps.get_model(label)._meta.get_field(name), EncryptedField)


def test_it_knows_every_field_whose_name_suggests_content() -> None:
    unexplained = content_named_fields() - set(sensitive_fields()) - set(NOT_SENSITIVE)
    assert unexplained == set(), (
        "encrypt these fields with EncryptedField, or add them to NOT_SENSITIVE with a reason"
    )


def test_it_keeps_no_stale_exception() -> None:
    assert set(NOT_SENSITIVE) <= content_named_fields()
    assert all(len(reason) > 10 for reason in NOT_SENSITIVE.values())
