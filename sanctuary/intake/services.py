"""Writes on the seeker's side. Each is one transaction; none writes content to the audit log."""

import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.cases.models import CaseFile
from sanctuary.cases.services import open_case_file, refresh_case_file
from sanctuary.intake.models import Attachment, Case, Message
from sanctuary.intake.scrub import Scrubbed
from sanctuary.keyring import crypto
from sanctuary.keyring import services as keyring
from sanctuary.keyring.groups import INTAKE
from sanctuary.keyring.models import Holder, SealedKey


class IntakeUnavailable(Exception):
    """The network has not set up its intake group yet, so nobody could read a new case."""


def pepper() -> bytes:
    return str(settings.SEEKER_PEPPER).encode()


def _plain_fields(answers: dict[str, Any]) -> dict[str, Any]:
    situation = answers["situation"]
    location = situation["location"]
    return {
        "status": situation["status"],
        "on_behalf": answers["on_behalf"],
        "country": location.get("country", "RU" if location["kind"] == "russia" else ""),
        "languages": answers["languages"],
        "help_wanted": answers["help_wanted"],
    }


def _sealed_fields(answers: dict[str, Any]) -> dict[str, str]:
    contact = {"channel": answers["contact_channel"], "handle": answers["contact_handle"]}
    return {
        "situation": json.dumps(answers["situation"], ensure_ascii=False),
        "story": answers["story"],
        "contact": json.dumps(contact, ensure_ascii=False),
    }


@transaction.atomic
def do_submit_case(
    answers: dict[str, Any], *, codename: str | None = None
) -> tuple[Case, str, crypto.KeyPair]:
    """A new case sealed to the intake group and to the seeker, and his codename, which is
    shown once and stored nowhere. Only the demo passes a codename of its own."""
    intake = keyring.group_holder(INTAKE)
    if intake is None:
        raise IntakeUnavailable
    codename = codename or crypto.new_codename()
    derived = crypto.derive_seeker_keys(codename, pepper())
    seeker = Holder.objects.create(kind=Holder.Kind.SEEKER, public_key=derived.keypair.public_key)
    case = Case(lookup_id=derived.lookup_id.hex(), seeker=seeker, **_plain_fields(answers))
    key = keyring.seal_new_record(case, [intake, seeker])
    keyring.write_fields(case, key, **_sealed_fields(answers))
    case.save()
    open_case_file(case, answers["situation"])
    record(Action.CASE_SUBMITTED, actor=None, object_type="intake.case", object_id=case.pk)
    return case, codename, derived.keypair


def find_case(codename: str) -> tuple[Case, crypto.KeyPair] | None:
    """The case a codename opens, or None. Raises MalformedCodename for text that is not one."""
    derived = crypto.derive_seeker_keys(codename, pepper())
    case = Case.objects.filter(lookup_id=derived.lookup_id.hex()).first()
    return (case, derived.keypair) if case else None


def case_key(case: Case, keypair: crypto.KeyPair) -> crypto.DataKey:
    copy = SealedKey.objects.for_record(case).get(holder=case.seeker)
    return crypto.unseal(bytes(copy.sealed), keypair)


def read_case(case: Case, key: crypto.DataKey) -> dict[str, Any]:
    return {
        "situation": json.loads(keyring.read_field(case, key, "situation") or "{}"),
        "story": keyring.read_field(case, key, "story"),
        "contact": json.loads(keyring.read_field(case, key, "contact") or "{}"),
    }


def thread(case: Case, key: crypto.DataKey) -> list[dict[str, Any]]:
    """The mailbox, oldest first, decrypted for someone who holds the case key."""
    messages = case.messages.select_related("author").prefetch_related("attachments")
    return [
        {
            "message": message,
            "body": keyring.read_field(message, key, "body"),
            "attachments": [
                {"attachment": a, "name": keyring.read_field(a, key, "filename")}
                for a in message.attachments.all()
            ],
        }
        for message in messages
    ]


@transaction.atomic
def do_add_seeker_message(
    case: Case, key: crypto.DataKey, *, body: str, files: list[tuple[str, Scrubbed]]
) -> Message:
    message = Message(case=case, from_seeker=True)
    keyring.write_fields(message, key, body=body)
    message.save()
    for name, scrubbed in files:
        attachment = Attachment(message=message, media_type=scrubbed.media_type)
        keyring.write_fields(attachment, key, filename=name, content=scrubbed.content)
        attachment.save()
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    return message


@transaction.atomic
def do_update_case(case: Case, key: crypto.DataKey, answers: dict[str, Any]) -> None:
    for name, value in _plain_fields(answers).items():
        setattr(case, name, value)
    keyring.write_fields(case, key, **_sealed_fields(answers))
    case.updated_at = timezone.now()
    case.save()
    refresh_case_file(case, answers["situation"])


@transaction.atomic
def do_delete_case(case: Case) -> None:
    """'Delete my case', and the retention purge of a closed case: every key copy and
    ciphertext shredded, then every row removed (messages, notes, tasks, check-ins and the case
    file go with the case)."""
    keyring.shred(case, acting_user=None)
    seeker = case.seeker
    case.delete()
    seeker.delete()


@transaction.atomic
def do_staff_reply(case: Case, *, body: str, keychain: keyring.Keychain) -> Message:
    """A reply from someone who holds the case; readable by the seeker and by holders."""
    opened = keyring.open_record(case, keychain)
    message = Message(case=case, from_seeker=False, author=keychain.user)
    keyring.write_fields(message, opened.key, body=body)
    message.save()
    CaseFile.objects.filter(case=case).update(last_reply_at=message.created_at)
    record(Action.MESSAGE_SENT, actor=keychain.user, object_type="intake.case", object_id=case.pk)
    return message
