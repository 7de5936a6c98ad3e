"""Casework writes: each one transaction, audited, taking the acting user."""

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanctuary.accounts.models import Role, User
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.cases.models import (
    Attachment,
    Case,
    CaseFile,
    CheckIn,
    ChecklistItem,
    ChecklistTick,
    ClosedCaseStat,
    CounselorProfile,
    Message,
    Note,
    StageChange,
    Task,
)
from sanctuary.cases.stages import CaseType, Stage, check_transition, retype, type_for_intake_status
from sanctuary.cases.suggest import Counselor as SuggestCounselor
from sanctuary.cases.suggest import Suggestion, suggest
from sanctuary.cases.urgency import (
    DEFAULT_WEIGHTS,
    MAX_SCORE,
    CriminalCase,
    Urgency,
    UrgencyInput,
    Weights,
    score,
    within_russian_reach,
)
from sanctuary.keyring import crypto
from sanctuary.keyring import services as keyring
from sanctuary.keyring.groups import INTAKE
from sanctuary.keyring.models import Holder
from sanctuary.notices.models import Kind as NoticeKind
from sanctuary.notices.services import coordinators, do_notify


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
    """Called in the transaction that creates the case."""
    return CaseFile.objects.create(
        case=case, received_at=case.created_at, **file_fields(situation, case.on_behalf)
    )


def refresh_case_file(case: Case, situation: dict[str, Any]) -> None:
    """The seeker updated his situation: the dates and flags follow; type and stage are the
    counselor's to change."""
    fields = file_fields(situation, case.on_behalf)
    fields.pop("case_type")
    CaseFile.objects.filter(case=case).update(**fields)


def urgency_of(file: CaseFile, now: dt.datetime | None = None) -> Urgency:
    now = now or timezone.now()
    last_contact = file.last_reply_at
    return score(
        UrgencyInput(
            today=timezone.localdate(now),
            now=now,
            case_type=CaseType(file.case_type),
            stage=Stage(file.stage),
            created_at=file.received_at,
            summons_date=file.summons_date,
            left_unit_date=file.left_unit_date,
            detained_or_missing=file.detained,
            criminal_case=CriminalCase(file.criminal_case),
            children=file.children,
            last_counselor_contact=last_contact,
            check_ins=tuple(
                (check_in.due_at, check_in.confirmed_at is not None)
                for check_in in file.case.check_ins.all()
            ),
        )
    )


# ---- urgency in the database ----------------------------------------------------------------
#
# The queue and the case lists are ordered and paginated in the database, so the database
# computes the same score as ``urgency_of``: each rule of ``urgency.score`` that ``urgency_of``
# feeds becomes a CASE over plain columns, compared with dates and moments computed here from
# ``now``, so the SQL is portable (SQLite and PostgreSQL) and needs no date arithmetic.
# Keep it in step with ``urgency_of``: tests/test_query_counts.py checks that both give the same
# score for cases that exercise every rule.

# A plain column kept by do_staff_reply: a subquery per row made the triage
# queue of 36,000 cases take half a second (bench/casework.py).
LAST_REPLY = "last_reply_at"
URGENCY = "urgency_score"


def _reach() -> Q:
    """``within_russian_reach`` as a condition on (case_type, stage)."""
    condition = Q(pk__in=[])
    for case_type in CaseType:
        stages = [s.value for s in Stage if within_russian_reach(case_type, s)]
        if stages:
            condition |= Q(case_type=case_type.value, stage__in=stages)
    return condition


def _points(*whens: When) -> SqlCase:
    return SqlCase(*whens, default=Value(0), output_field=IntegerField())


def urgency_expression(now: dt.datetime, weights: Weights = DEFAULT_WEIGHTS) -> Any:
    """The urgency score of a CaseFile row."""
    today = timezone.localdate(now)
    reach = _reach()
    day = dt.timedelta(days=1)
    waiting_days = (
        -(-weights.waiting_cap // weights.waiting_per_day) if weights.waiting_per_day else 0
    )
    check_in_overdue = CheckIn.objects.filter(
        case=OuterRef("case"), confirmed_at__isnull=True, due_at__lt=now - weights.check_in_grace
    )
    terms = [
        _points(When(detained=True, then=Value(weights.detained))),
        _points(When(Exists(check_in_overdue), then=Value(weights.check_in_overdue))),
        _points(
            When(reach & Q(summons_date__lt=today), then=Value(weights.date_passed)),
            When(
                reach & Q(summons_date__lte=today + weights.date_imminent_days * day),
                then=Value(weights.date_imminent),
            ),
            When(
                reach & Q(summons_date__lte=today + weights.date_approaching_days * day),
                then=Value(weights.date_approaching),
            ),
        ),
        _points(
            When(reach & Q(left_unit_date__isnull=False), then=Value(weights.left_unit_in_russia)),
            When(left_unit_date__isnull=False, then=Value(weights.left_unit)),
        ),
        _points(
            When(criminal_case=CriminalCase.LIKELY, then=Value(weights.criminal_case_likely)),
            When(criminal_case=CriminalCase.OPENED, then=Value(weights.criminal_case_opened)),
            When(criminal_case=CriminalCase.WANTED, then=Value(weights.wanted)),
        ),
        _points(When(children__gt=0, then=Value(weights.children))),
        # Waiting since intake or the last reply: (now - since).days >= d iff since <= now - d.
        _points(
            *(
                When(
                    Q(**{f"{LAST_REPLY}__isnull": True, "received_at__lte": now - d * day})
                    | Q(**{f"{LAST_REPLY}__lte": now - d * day}),
                    then=Value(min(weights.waiting_cap, d * weights.waiting_per_day)),
                )
                for d in range(waiting_days, 0, -1)
            )
        ),
    ]
    total: Any = terms[0]
    for term in terms[1:]:
        total = total + term
    return SqlCase(
        When(stage=Stage.CLOSED, then=Value(0)),
        default=Least(total, Value(MAX_SCORE)),
        output_field=IntegerField(),
    )


def with_urgency(files: QuerySet[CaseFile], now: dt.datetime | None = None) -> QuerySet[CaseFile]:
    """The files with their last counselor reply and urgency score annotated: raised alarms and
    detained-or-missing flags first, then the most urgent, then the longest waiting."""
    now = now or timezone.now()
    return files.annotate(**{URGENCY: urgency_expression(now)}).order_by(
        _points(When(alarm_at__isnull=True, detained=False, then=Value(1))),
        f"-{URGENCY}",
        "received_at",
        "pk",
    )


def assignment_suggestions(file: CaseFile) -> list[tuple[User, Suggestion]]:
    """Every counselor, best first for this case (cases/suggest.py), in two queries."""
    people = {
        user.pk: user
        for user in User.objects.filter(is_active=True, role_rows__role=Role.COUNSELOR)
        .select_related("counselor_profile")
        .distinct()
    }
    loads = dict(
        CaseFile.objects.open()
        .filter(counselor_id__in=people)
        .values("counselor_id")
        .annotate(n=Count("pk"))
        .values_list("counselor_id", "n")
    )
    team = []
    for pk, user in people.items():
        profile = getattr(user, "counselor_profile", None)
        team.append(
            SuggestCounselor(
                user_id=pk,
                languages=frozenset(profile.languages if profile else ()),
                countries=frozenset(profile.countries if profile else ()),
                open_cases=loads.get(pk, 0),
            )
        )
    ranked = suggest(file.case.languages, file.case.country, team)
    return [(people[s.user_id], s) for s in ranked]


@transaction.atomic
def do_save_counselor_profile(
    user: User, *, languages: list[str], countries: list[str]
) -> CounselorProfile:
    profile, _created = CounselorProfile.objects.update_or_create(
        user=user, defaults={"languages": sorted(languages), "countries": sorted(countries)}
    )
    return profile


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
    if stage == Stage.CLOSED:
        file.closed_at = timezone.now()
        file.retention_until = file.closed_at + dt.timedelta(days=settings.CASE_RETENTION_DAYS)
    else:
        file.closed_at = file.retention_until = None
    file.save(update_fields=["case_type", "stage", "closed_at", "retention_until"])
    record(
        Action.CASE_STAGE_CHANGED,
        actor=acting_user,
        object_type="intake.case",
        object_id=file.case_id,
        details={"type": case_type.value, "from": old_stage.value, "to": stage.value},
    )


@transaction.atomic
def do_set_detained(file: CaseFile, *, detained: bool, acting_user: User) -> None:
    """Raising the flag escalates: the case goes to the top of the coordinators' triage queue,
    held or not, until the flag is cleared (CaseFileQuerySet.for_triage)."""
    file.detained = detained
    file.save(update_fields=["detained"])
    record(
        Action.CASE_DETAINED_FLAG,
        actor=acting_user,
        object_type="intake.case",
        object_id=file.case_id,
        details={"detained": detained},
    )
    if detained:
        _notify_emergency(file, NoticeKind.DETAINED, exclude=acting_user)


def case_path(case_id: Any) -> str:
    return reverse("cases:case", args=[case_id])


def _notify_emergency(file: CaseFile, kind: NoticeKind, *, exclude: User | None = None) -> None:
    """The case's counselor and every coordinator; only the kind and the case's link."""
    do_notify([file.counselor, *coordinators()], kind, case_path(file.case_id), exclude=exclude)


# ---- the emergency checklist ----------------------------------------------------------------

CHECKLIST_FIELDS = ("country", "position", "kind", "text_en", "text_ru", "contact")


@transaction.atomic
def do_save_checklist_item(
    item: ChecklistItem | None, *, values: dict[str, Any], acting_user: User
) -> ChecklistItem:
    """Adds a step (item None) or edits one; the audit entry names the step, not its text."""
    added = item is None
    item = item or ChecklistItem()
    for name in CHECKLIST_FIELDS:
        setattr(item, name, values[name])
    item.updated_by, item.updated_at = acting_user, timezone.now()
    item.save()
    record(
        Action.CHECKLIST_CHANGED,
        actor=acting_user,
        object_type="cases.checklistitem",
        object_id=item.pk,
        details={"change": "added" if added else "edited", "country": item.country or "*"},
    )
    return item


@transaction.atomic
def do_remove_checklist_item(item: ChecklistItem, *, acting_user: User) -> None:
    pk, country = item.pk, item.country
    item.delete()
    record(
        Action.CHECKLIST_CHANGED,
        actor=acting_user,
        object_type="cases.checklistitem",
        object_id=pk,
        details={"change": "removed", "country": country or "*"},
    )


@transaction.atomic
def do_tick_checklist_step(case: Case, *, item: ChecklistItem, acting_user: User) -> None:
    """Marks a step done on a case; ticking twice changes nothing."""
    _tick, created = ChecklistTick.objects.get_or_create(
        case=case, item=item, defaults={"by": acting_user}
    )
    if created:
        record(
            Action.CHECKLIST_STEP_DONE,
            actor=acting_user,
            object_type="intake.case",
            object_id=case.pk,
            details={"step": str(item.pk)},
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


# ---- check-ins -------------------------------------------------------------------------------


@transaction.atomic
def do_add_check_in(
    case: Case, *, label: str, due_at: dt.datetime, keychain: keyring.Keychain
) -> CheckIn:
    """A moment by which the seeker confirms from his mailbox; the label is encrypted."""
    opened = keyring.open_record(case, keychain)
    check_in = CheckIn(case=case, due_at=due_at, created_by=keychain.user)
    opened.write_into(check_in, label=label)
    check_in.save()
    record(
        Action.CHECKIN_SET,
        actor=keychain.user,
        object_type="intake.case",
        object_id=case.pk,
        details={"check_in": str(check_in.pk)},
    )
    return check_in


@transaction.atomic
def do_confirm_check_in(check_in: CheckIn) -> None:
    """The seeker says he is safe. A late confirmation still counts: once no missed check-in
    is left unconfirmed, the case's alarm is lowered."""
    locked = CheckIn.objects.select_for_update().get(pk=check_in.pk)
    if locked.confirmed_at is not None:
        return
    locked.confirmed_at = timezone.now()
    locked.save(update_fields=["confirmed_at"])
    check_in.confirmed_at = locked.confirmed_at
    still_missed = CheckIn.objects.filter(
        case_id=locked.case_id, confirmed_at__isnull=True, missed_at__isnull=False
    ).exists()
    if not still_missed:
        CaseFile.objects.filter(case_id=locked.case_id).update(alarm_at=None)
    record(
        Action.CHECKIN_CONFIRMED,
        actor=None,
        object_type="intake.case",
        object_id=locked.case_id,
        details={"check_in": str(locked.pk), "late": locked.missed_at is not None},
    )


def notify_due_tasks(today: dt.date | None = None) -> int:
    """Tells each open task's assignee, once, that it is due (today or earlier). Returns how
    many were told."""
    today = today or timezone.localdate()
    told = 0
    for pk in list(Task.objects.due_unnoticed(today).values_list("pk", flat=True)):
        told += _notify_due(pk, today)
    return told


@transaction.atomic
def _notify_due(pk: Any, today: dt.date) -> int:
    # One UPDATE claims the task: two overlapping runs tell its assignee once.
    claimed = Task.objects.filter(pk=pk, noticed_at__isnull=True, done_at__isnull=True).update(
        noticed_at=timezone.now()
    )
    if not claimed:
        return 0
    task = Task.objects.select_related("assignee").get(pk=pk)
    do_notify([task.assignee], NoticeKind.TASK_DUE, case_path(task.case_id))
    return 1


def raise_missed_check_in_alarms(now: dt.datetime | None = None) -> int:
    """Raises the alarm on every case with an overdue, unconfirmed check-in; each check-in is
    alarmed (and audited) once. Returns how many alarms were raised."""
    now = now or timezone.now()
    raised = 0
    for pk in list(CheckIn.objects.missed(now).values_list("pk", flat=True)):
        raised += _raise_alarm(pk, now)
    return raised


@transaction.atomic
def _raise_alarm(pk: Any, now: dt.datetime) -> int:
    check_in = CheckIn.objects.select_for_update().filter(pk=pk).first()
    if check_in is None or check_in.missed_at is not None or check_in.confirmed_at is not None:
        return 0  # confirmed, alarmed or deleted since the query: another run got there
    check_in.missed_at = now
    check_in.save(update_fields=["missed_at"])
    CaseFile.objects.filter(case_id=check_in.case_id, alarm_at__isnull=True).update(alarm_at=now)
    file = CaseFile.objects.select_related("counselor").filter(case_id=check_in.case_id).first()
    if file is not None:
        _notify_emergency(file, NoticeKind.MISSED_CHECK_IN)
    record(
        Action.CHECKIN_MISSED,
        actor=None,
        object_type="intake.case",
        object_id=check_in.case_id,
        details={"check_in": str(check_in.pk), "due": check_in.due_at.isoformat()},
    )
    return 1


# ---- retention -------------------------------------------------------------------------------


def purge_expired_cases(now: dt.datetime | None = None) -> int:
    """Shreds every closed case whose retention date has passed, keeping one statistics row
    each. Returns how many were purged."""
    now = now or timezone.now()
    due = CaseFile.objects.filter(stage=Stage.CLOSED, retention_until__lte=now)
    return sum(_purge(pk, now) for pk in list(due.values_list("pk", flat=True)))


@transaction.atomic
def _purge(pk: Any, now: dt.datetime) -> int:
    file = (
        CaseFile.objects.select_for_update()
        .filter(pk=pk, stage=Stage.CLOSED, retention_until__lte=now)
        .select_related("case")
        .first()
    )
    if file is None:
        return 0  # reopened or purged since the query
    closing = file.changes.filter(to_stage=Stage.CLOSED).order_by("-at").first()
    closed_at = file.closed_at or now
    ClosedCaseStat.objects.create(
        case_type=file.case_type,
        country=file.case.country,
        stage_reached=closing.from_stage if closing else file.stage,
        month=timezone.localdate(closed_at).replace(day=1),
    )
    case_id = file.case_id
    do_delete_case(file.case)
    record(Action.CASE_PURGED, actor=None, object_type="intake.case", object_id=case_id)
    return 1


# ---- the case record: opened from the seeker's side, read and answered here -----------------


class IntakeUnavailable(Exception):
    """The network has not set up its intake group yet, so nobody could read a new case."""


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
def do_open_case(answers: dict[str, Any], *, lookup_id: str, seeker_key: bytes) -> Case:
    """A new case sealed to the intake group and to the seeker's public key, with its file.
    The seeker's side derives both the lookup id and the key from his codename."""
    intake = keyring.group_holder(INTAKE)
    if intake is None:
        raise IntakeUnavailable
    seeker = Holder.objects.create(kind=Holder.Kind.SEEKER, public_key=seeker_key)
    case = Case(lookup_id=lookup_id, seeker=seeker, **_plain_fields(answers))
    key = keyring.seal_new_record(case, [intake, seeker])
    keyring.write_fields(case, key, **_sealed_fields(answers))
    case.save()
    open_case_file(case, answers["situation"])
    # The notices first: the audit entry takes the chain's lock, held until the commit, which
    # every other submission of a surge waits for.
    do_notify(coordinators(), NoticeKind.NEW_CASE, case_path(case.pk))
    record(Action.CASE_SUBMITTED, actor=None, object_type="intake.case", object_id=case.pk)
    return case


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
    case: Case, key: crypto.DataKey, *, body: str, files: list[tuple[str, str, bytes]]
) -> Message:
    """A message from the seeker with its files, each (name, media type, content) and already
    stripped of metadata by the seeker's side."""
    message = Message(case=case, from_seeker=True)
    keyring.write_fields(message, key, body=body)
    message.save()
    for name, media_type, content in files:
        attachment = Attachment(message=message, media_type=media_type)
        keyring.write_fields(attachment, key, filename=name, content=content)
        attachment.save()
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    file = CaseFile.objects.select_related("counselor").filter(case=case).first()
    if file is not None and file.counselor is not None:
        do_notify([file.counselor], NoticeKind.SEEKER_MESSAGE, case_path(case.pk))
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
