"""How a model declares a sensitive value, and the registry of every one in the schema."""

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models

if TYPE_CHECKING:
    _Binary = models.BinaryField[bytes | None, bytes | None]
else:
    _Binary = models.BinaryField


class EncryptedField(_Binary):
    """A sensitive value. The column holds only XChaCha20-Poly1305 ciphertext under the record's
    data key, bound to this model, row and field; `sanctuary.keyring.services` reads and writes it.
    Models with such fields inherit `SealedRecord`, whose primary key exists before saving."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)


def sensitive_fields() -> list[tuple[str, str]]:
    """(model label, field name) for every encrypted field of every installed model."""
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, EncryptedField):
                found.append((model._meta.label, field.name))
    return sorted(found)


# Fields whose names suggest content but that hold none, each with the reason. The registry
# test fails for any other such field that is not encrypted.
NOT_SENSITIVE = {
    ("accounts.User", "username"): "a chosen handle, not a legal name (docs/threat-model.md)",
    ("otp_totp.TOTPDevice", "name"): "the label of an authenticator, always 'authenticator'",
    ("auth.Permission", "name"): "Django's description of a permission",
    ("auth.Group", "name"): "Django's group name, unused by Sanctuary",
    ("auth.Permission", "codename"): "Django's code name of a permission",
    ("cases.Attachment", "message"): "a reference to the message row, not its text",
    ("routes.FactProposal", "decision_note"): "an editor's note on a public, sourced fact",
    ("cases.ChecklistItem", "text_en"): "a step of the network's emergency checklist, no case",
    ("cases.ChecklistItem", "text_ru"): "a step of the network's emergency checklist, no case",
    ("cases.ChecklistItem", "contact"): "the network's own working contact, never a seeker's",
    ("django_tasks_database.DBTaskResult", "queue_name"): "django-tasks' queue, always 'default'",
    ("django_tasks_database.DBTaskResult", "backend_name"): "django-tasks' backend alias",
    ("notices.NoticeChannel", "sealed_address"): (
        "sealed with the server's NOTICES_KEY (SecretBox), not a person's keys: the task "
        "worker, which holds no one's keys, must read it to send (sanctuary/notices)"
    ),
}
CONTENT_WORDS = ("name", "story", "note", "message", "address", "phone", "contact", "text", "body")
