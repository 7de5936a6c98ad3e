"""The live knowledge base: reading it, importing and exporting it, and the four-eyes edit flow.

Every write runs in one transaction and writes its audit entry. The engine never sees a row:
the rows are turned back into documents and go through the same loader and checks as the YAML.
"""

import datetime as dt
import json
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanctuary.accounts.models import Role, User
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.routes import engine
from sanctuary.routes.cli import message_problems
from sanctuary.routes.knowledge import (
    DEFAULT_DATA_DIR,
    PLACES_FILE,
    KnowledgeBase,
    KnowledgeError,
    MarkedDict,
    MarkedList,
    default_knowledge_base,
    load,
    load_documents,
    load_marked_yaml,
    load_schema,
    parse_marked_yaml,
    schema_problems,
)
from sanctuary.routes.models import FactProposal, FactRevision, ProposalState, StoredFact
from sanctuary.routes.situation import Situation

EDITOR_ROLES = (Role.LAWYER, Role.COORDINATOR)


class ProposalError(Exception):
    """A refusal the person can act on; its message is already translated."""


# --- Reading the live base --------------------------------------------------------------------

_live_lock = threading.Lock()
_live: dict[str, Any] = {"version": None, "kb": None}


def _live_version() -> tuple[int, str] | None:
    """Changes whenever a revision is written, in this process or another one."""
    latest = FactRevision.objects.order_by("-pk").values_list("pk", "created_at").first()
    return None if latest is None else (latest[0], latest[1].isoformat())


def _plain(document: Any) -> Any:
    """JSON-ready copy: no MarkedDict subclasses, exactly what a JSONField gives back."""
    return json.loads(json.dumps(document))


def shipped_places() -> Any:
    # Places and routes change with the engine's code, so they stay in the repository's YAML.
    return load_marked_yaml(DEFAULT_DATA_DIR / PLACES_FILE, PLACES_FILE)


def _documents(replace: StoredFact | None = None, data: Any = None) -> list[tuple[str, Any]]:
    sections: dict[str, list[Any]] = {}
    for row in StoredFact.objects.in_file_order():
        fact_data = data if replace is not None and row.pk == replace.pk else row.data
        sections.setdefault(row.section, []).append(fact_data)
    return [(f"{section}.yaml", {"facts": facts}) for section, facts in sorted(sections.items())]


def knowledge_base_at_hand() -> KnowledgeBase:
    """The base this process last built from the database, or the shipped one, without asking
    the database: for a page that must still be shown while the database is unreachable."""
    with _live_lock:
        kb: KnowledgeBase | None = _live["kb"]
    return kb if kb is not None else default_knowledge_base()


def live_knowledge_base() -> KnowledgeBase:
    """The base built from the database rows, cached per process until a revision is written.

    An empty database (before `sanctuary routes import`) answers with the shipped files, so a
    fresh install still gives advice.
    """
    version = _live_version()
    if version is None:
        return default_knowledge_base()
    with _live_lock:
        if _live["version"] != version:
            _live["kb"] = load_documents(shipped_places(), _documents())
            _live["version"] = version
        kb: KnowledgeBase = _live["kb"]
        return kb


def forget_live_base() -> None:
    with _live_lock:
        _live["version"] = None
        _live["kb"] = None


def advice_for_situation(situation_dict: dict[str, Any], lang: str) -> dict[str, Any]:
    """Advice from the live base for a situation in its JSON form (situation.schema.json).

    Casework calls this for the case page; raises SituationError naming a bad field.
    """
    situation = Situation.from_dict(situation_dict)
    advice = engine.advise(situation, live_knowledge_base(), checked_on=timezone.localdate())
    return advice.to_dict(lang)


# --- Checking an edited fact ------------------------------------------------------------------


def _in_schema_order(data: dict[str, Any], definition: str) -> dict[str, Any]:
    """Known keys in the schema's order, then the rest alphabetically."""
    order = list(load_schema("facts.schema.json")["$defs"][definition]["properties"])

    def position(key: str) -> tuple[int, int, str]:
        return (0, order.index(key), "") if key in order else (1, 0, key)

    return {key: data[key] for key in sorted(data, key=position)}


def canonical_fact(data: dict[str, Any]) -> dict[str, Any]:
    """Keys in the schema's order. PostgreSQL's jsonb does not keep key order, and YAML shown
    to people or written to files should read the same on every database."""
    fact = _in_schema_order(data, "fact")
    if "rules" in fact:
        fact["rules"] = [_in_schema_order(rule, "rule") for rule in fact["rules"]]
    if "also" in fact:
        fact["also"] = [
            dict(sorted(item.items(), key=lambda kv: kv[0] != "url")) for item in fact["also"]
        ]
    return fact


def fact_as_yaml(data: Any) -> str:
    return yaml.safe_dump(canonical_fact(data), allow_unicode=True, sort_keys=False, width=100)


def parse_fact(text: str, fact: StoredFact) -> dict[str, Any]:
    """The fact in ``text`` (YAML), checked as the loader checks files; KnowledgeError lists
    every problem as ``line N: field: message``."""
    try:
        document = parse_marked_yaml(text, "line")
    except KnowledgeError as error:
        problems = [problem.replace("line:", "line ", 1) for problem in error.problems]
        raise KnowledgeError(problems) from None
    if not isinstance(document, MarkedDict):
        raise KnowledgeError(["line 1: (fact): must be a mapping of field: value"])
    # Wrap it as the only fact of a file so the file schema applies and lines are kept.
    facts = MarkedList(document.line)
    facts.append(document)
    facts.item_lines.append(document.line)
    wrapper = MarkedDict(document.line)
    wrapper["facts"] = facts
    wrapper.key_lines["facts"] = document.line
    problems = [
        problem.replace("line:", "line ", 1).replace("facts[0].", "").replace("facts[0]", "(fact)")
        for problem in schema_problems(wrapper, "facts.schema.json", "line")
    ]
    if not problems and document["id"] != fact.fact_id:
        problems.append(f"line {document.key_lines['id']}: id: must stay {fact.fact_id}")
    if problems:
        raise KnowledgeError(problems)
    data: dict[str, Any] = _plain(document)
    # Dates, references and message texts are checked on the whole base with the edit in it.
    try:
        kb = load_documents(shipped_places(), _documents(replace=fact, data=data))
    except KnowledgeError as error:
        raise KnowledgeError(error.problems) from None
    problems = message_problems(kb)
    if problems:
        raise KnowledgeError(problems)
    return data


# --- The four-eyes edit flow ------------------------------------------------------------------


def can_edit(user: User) -> bool:
    return any(user.has_role(role) for role in EDITOR_ROLES)


@transaction.atomic
def do_propose_fact_edit(
    *, fact: StoredFact, data: dict[str, Any], source_url: str, reason: str, acting_user: User
) -> FactProposal:
    if not can_edit(acting_user):
        raise ProposalError(_("Only lawyers and coordinators can propose edits."))
    if not source_url.strip() or not reason.strip():
        raise ProposalError(_("An edit needs a source and a reason."))
    if data == fact.data:
        raise ProposalError(_("This proposal changes nothing."))
    if any(data.get(key) != fact.data.get(key) for key in CHECK_FIELDS):
        raise ProposalError(
            _("The date a fact was verified moves only with a recorded check of the source.")
        )
    proposal = FactProposal.objects.create(
        fact=fact,
        base_revision=fact.revision,
        data=data,
        source_url=source_url.strip(),
        reason=reason.strip(),
        proposed_by=acting_user,
    )
    record(
        Action.ROUTES_EDIT_PROPOSED,
        actor=acting_user,
        object_type="routes.proposal",
        object_id=proposal.pk,
        details={"fact": fact.fact_id, "base_revision": fact.revision},
    )
    return proposal


# The fields only a recorded reading of the source moves (do_record_source_check).
CHECK_FIELDS = ("last_verified", "checked", "unconfirmed")


@transaction.atomic
def do_record_source_check(
    *,
    fact: StoredFact,
    read: str,
    read_date: str,
    note: str,
    acting_user: User,
) -> FactRevision:
    """Somebody read the fact's source (or a newer, better one) and it says what the fact says.

    Records who, when, the page read, its date and a note of what it says in the fact's
    ``checked``, moves ``last_verified`` to today and clears a failed re-verification. Nothing
    else of the fact changes: a change of meaning goes through a proposal and a second person.
    """
    if not can_edit(acting_user):
        raise ProposalError(_("Only lawyers and coordinators can record a check of the source."))
    fact = StoredFact.objects.select_for_update().get(pk=fact.pk)
    today = timezone.localdate()
    data = {key: value for key, value in fact.data.items() if key != "unconfirmed"}
    data["checked"] = {
        "on": today.isoformat(),
        "by": acting_user.username,
        "read": read.strip(),
        "read_date": read_date.strip(),
        "note": note.strip(),
    }
    data["last_verified"] = today.isoformat()
    try:
        data = parse_fact(fact_as_yaml(data), fact)
    except KnowledgeError as error:
        raise ProposalError("; ".join(error.problems)) from None
    now = timezone.now()
    revision = FactRevision.objects.create(
        fact=fact,
        number=fact.revision + 1,
        data_before=fact.data,
        data_after=data,
        source_url=read.strip(),
        reason=_("Checked at the source: %(note)s") % {"note": note.strip()},
        proposed_by=acting_user,
        approved_by=acting_user,
        created_at=now,
    )
    fact.data = data
    fact.revision = revision.number
    fact.updated_at = now
    fact.save(update_fields=["data", "revision", "updated_at"])
    record(
        Action.ROUTES_SOURCE_CHECKED,
        actor=acting_user,
        object_type="routes.fact",
        object_id=fact.pk,
        details={"fact": fact.fact_id, "revision": revision.number, "read": read.strip()},
    )
    transaction.on_commit(forget_live_base)
    return revision


def _check_decider(proposal: FactProposal, user: User) -> None:
    if not can_edit(user):
        raise ProposalError(_("Only lawyers and coordinators can review edits."))
    if not proposal.is_pending:
        raise ProposalError(_("This proposal has already been decided."))
    if proposal.proposed_by_id == user.pk:
        raise ProposalError(_("A second person must review your proposal; you cannot do it."))


@transaction.atomic
def do_approve_fact_edit(*, proposal: FactProposal, acting_user: User) -> FactRevision:
    """The edit takes effect: a new revision, the fact updated, the live base rebuilt."""
    proposal = FactProposal.objects.select_for_update().get(pk=proposal.pk)
    fact = StoredFact.objects.select_for_update().get(pk=proposal.fact_id)
    _check_decider(proposal, acting_user)
    if fact.revision != proposal.base_revision:
        raise ProposalError(
            _("The fact has changed since this proposal was made. Reject it and propose again.")
        )
    now = timezone.now()
    revision = FactRevision.objects.create(
        fact=fact,
        number=fact.revision + 1,
        data_before=fact.data,
        data_after=proposal.data,
        source_url=proposal.source_url,
        reason=proposal.reason,
        proposed_by_id=proposal.proposed_by_id,
        approved_by=acting_user,
        created_at=now,
    )
    fact.data = proposal.data
    fact.revision = revision.number
    fact.updated_at = now
    fact.save(update_fields=["data", "revision", "updated_at"])
    proposal.state = ProposalState.APPROVED
    proposal.decided_by = acting_user
    proposal.decided_at = now
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    record(
        Action.ROUTES_EDIT_APPROVED,
        actor=acting_user,
        object_type="routes.proposal",
        object_id=proposal.pk,
        details={"fact": fact.fact_id, "revision": revision.number},
    )
    transaction.on_commit(forget_live_base)
    return revision


@transaction.atomic
def do_reject_fact_edit(*, proposal: FactProposal, note: str, acting_user: User) -> None:
    proposal = FactProposal.objects.select_for_update().get(pk=proposal.pk)
    _check_decider(proposal, acting_user)
    proposal.state = ProposalState.REJECTED
    proposal.decided_by = acting_user
    proposal.decided_at = timezone.now()
    proposal.decision_note = note.strip()
    proposal.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    record(
        Action.ROUTES_EDIT_REJECTED,
        actor=acting_user,
        object_type="routes.proposal",
        object_id=proposal.pk,
        details={"fact": proposal.fact.fact_id},
    )


# --- Import and export ------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    unchanged: int
    differing: tuple[str, ...]


@transaction.atomic
def do_import_knowledge(data_dir: Path | None = None) -> ImportResult:
    """Add the facts of the YAML files that the database does not have yet.

    Idempotent. A fact already in the database is never overwritten, even when the file
    differs: the database may hold approved edits, and changes go through proposals.
    """
    data_dir = data_dir or DEFAULT_DATA_DIR
    load(data_dir)  # refuse a broken folder before touching anything
    known = dict(StoredFact.objects.values_list("fact_id", "data"))
    new_facts: list[StoredFact] = []
    unchanged = 0
    differing: list[str] = []
    for path in sorted(data_dir.glob("*.yaml")):
        if path.name == PLACES_FILE:
            continue
        document = _plain(load_marked_yaml(path, path.name))
        for position, data in enumerate(document["facts"]):
            if data["id"] not in known:
                new_facts.append(
                    StoredFact(fact_id=data["id"], section=path.stem, position=position, data=data)
                )
            elif known[data["id"]] == data:
                unchanged += 1
            else:
                differing.append(data["id"])
    created = StoredFact.objects.bulk_create(new_facts)
    now = timezone.now()
    FactRevision.objects.bulk_create(
        FactRevision(
            fact=fact,
            number=1,
            data_after=fact.data,
            source_url=fact.data["source_url"],
            reason=f"imported from {fact.section}.yaml",
            created_at=now,
        )
        for fact in StoredFact.objects.filter(fact_id__in=[f.fact_id for f in created])
    )
    if created:
        record(
            Action.ROUTES_IMPORTED,
            actor=None,
            object_type="routes.knowledge",
            details={"created": len(created), "unchanged": unchanged},
        )
        transaction.on_commit(forget_live_base)
    return ImportResult(len(created), unchanged, tuple(differing))


def export_knowledge(out_dir: Path, today: dt.date | None = None) -> list[Path]:
    """Write the live base as YAML files of the same names and shape as data/."""
    documents = _documents()
    if not documents:
        raise KnowledgeError(["the live knowledge base is empty: run `sanctuary routes import`"])
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / PLACES_FILE]
    shutil.copyfile(DEFAULT_DATA_DIR / PLACES_FILE, written[0])
    day = (today or timezone.localdate()).isoformat()
    for label, document in documents:
        path = out_dir / label
        header = f"# Exported from Sanctuary's live knowledge base on {day}.\n"
        facts = {"facts": [canonical_fact(fact) for fact in document["facts"]]}
        text = yaml.safe_dump(facts, allow_unicode=True, sort_keys=False, width=100)
        path.write_text(header + text, encoding="utf-8")
        written.append(path)
    with transaction.atomic():
        record(
            Action.ROUTES_EXPORTED,
            actor=None,
            object_type="routes.knowledge",
            details={"files": len(written)},
        )
    return written
