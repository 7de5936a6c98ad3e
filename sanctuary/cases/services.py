"""Casework writes: each one transaction, audited, taking the acting user."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanctuary.accounts.models import Role, User
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.cases.models import CaseFile, Note, StageChange, Task
from sanctuary.cases.stages import CaseType, Stage, check_transition, retype, type_for_intake_status
from sanctuary.cases.urgency import CriminalCase, Urgency, UrgencyInput, score
from sanctuary.intake.models import Case
from sanctuary.keyring import services as keyring
from sanctuary.keyring.models import Holder


class CaseworkError(Exception):
    """A refusal the person can act on; the message is translated."""


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def file_fields(situation: dict[str, Any], on_behalf: bool) -> dict[str, Any]:
    """The plain casework columns a situation gives: type and the dates urgency needs."""
    summons = situation.get("summons") or {}
    children = [c for c in situation.get("companions", []) if c.get("relation") == "child"]
    return {
        "case_type": type_for_intake_status(
            situation["status"], situation["location"]["kind"], on_behalf
        ).value,
        "summons_date": _date(summons.get("date")),
        "left_unit_date": _date(situation.get("left_unit_date")),
        "criminal_case": situation.get("criminal_case", "none"),
        "children": len(children),
    }


def open_case_file(case: Case, situation: dict[str, Any]) -> CaseFile:
    """Called by intake in the transaction that creates the case."""
    return CaseFile.objects.create(case=case, **file_fields(situation, case.on_behalf))


def refresh_case_file(case: Case, situation: dict[str, Any]) -> None:
    """The seeker updated his situation: the dates and flags follow; type and stage are the
    counselor's to change."""
    fields = file_fields(situation, case.on_behalf)
    fields.pop("case_type")
    CaseFile.objects.filter(case=case).update(**fields)


def urgency_of(file: CaseFile, now: dt.datetime | None = None) -> Urgency:
    now = now or timezone.now()
    last_reply = file.case.messages.filter(from_seeker=False).order_by("-created_at").first()
    return score(
        UrgencyInput(
            today=timezone.localdate(now),
            now=now,
            case_type=CaseType(file.case_type),
            stage=Stage(file.stage),
            created_at=file.case.created_at,
            summons_date=file.summons_date,
            left_unit_date=file.left_unit_date,
            detained_or_missing=file.detained,
            criminal_case=CriminalCase(file.criminal_case),
            children=file.children,
            last_counselor_contact=last_reply.created_at if last_reply else None,
        )
    )


def counselors() -> list[User]:
    return list(
        User.objects.filter(is_active=True, role_rows__role=Role.COUNSELOR)
        .order_by("username")
        .distinct()
    )


@transaction.atomic
def do_assign(
    file: CaseFile, *, counselor: User, keychain: keyring.Keychain, keep_previous: bool = False
) -> None:
    """Grants the case key to the counselor; the previous counselor loses it unless kept."""
    if not counselor.has_role(Role.COUNSELOR):
        raise CaseworkError(_("Only a counselor can take a case."))
    holder = Holder.objects.filter(user=counselor).first()
    if holder is None or not holder.has_key:
        raise CaseworkError(_("This counselor has no keys yet."))
    keyring.grant(file.case, to=holder, keychain=keychain)
    previous = file.counselor
    if previous is not None and previous != counselor and not keep_previous:
        old = Holder.objects.filter(user=previous).first()
        if old is not None:
            keyring.revoke(file.case, holder=old, acting_user=keychain.user)
    file.counselor = counselor
    file.save(update_fields=["counselor"])
    record(
        Action.CASE_ASSIGNED,
        actor=keychain.user,
        object_type="intake.case",
        object_id=file.case_id,
        details={"to": f"user:{counselor.pk}", "kept_previous": keep_previous},
    )


@transaction.atomic
def do_change_stage(
    file: CaseFile, *, stage: Stage, case_type: CaseType, acting_user: User
) -> None:
    old_type, old_stage = CaseType(file.case_type), Stage(file.stage)
    if case_type != old_type:
        landed = retype(old_type, old_stage, case_type)
        if stage != landed:
            check_transition(case_type, landed, stage)
    else:
        check_transition(case_type, old_stage, stage)
    StageChange.objects.create(
        file=file,
        from_type=old_type,
        to_type=case_type,
        from_stage=old_stage,
        to_stage=stage,
        by=acting_user,
    )
    file.case_type, file.stage = case_type.value, stage.value
    file.closed_at = timezone.now() if stage == Stage.CLOSED else None
    file.save(update_fields=["case_type", "stage", "closed_at"])
    record(
        Action.CASE_STAGE_CHANGED,
        actor=acting_user,
        object_type="intake.case",
        object_id=file.case_id,
        details={"type": case_type.value, "from": old_stage.value, "to": stage.value},
    )


@transaction.atomic
def do_set_detained(file: CaseFile, *, detained: bool, acting_user: User) -> None:
    file.detained = detained
    file.save(update_fields=["detained"])
    record(
        Action.CASE_DETAINED_FLAG,
        actor=acting_user,
        object_type="intake.case",
        object_id=file.case_id,
        details={"detained": detained},
    )


@transaction.atomic
def do_add_note(case: Case, *, body: str, keychain: keyring.Keychain) -> Note:
    opened = keyring.open_record(case, keychain)
    note = Note(case=case, author=keychain.user)
    opened.write_into(note, body=body)
    note.save()
    return note


@transaction.atomic
def do_add_task(
    case: Case, *, text: str, due_date: dt.date, assignee: User, keychain: keyring.Keychain
) -> Task:
    opened = keyring.open_record(case, keychain)
    task = Task(case=case, assignee=assignee, due_date=due_date)
    opened.write_into(task, text=text)
    task.save()
    return task


@transaction.atomic
def do_complete_task(task: Task, *, acting_user: User) -> None:
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
