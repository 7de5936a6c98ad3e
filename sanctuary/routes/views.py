import datetime as dt
import difflib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sanctuary.accounts import form_tokens
from sanctuary.accounts.access import acting_user, staff_only
from sanctuary.routes import labels
from sanctuary.routes.access import get_proposal, get_stored_fact
from sanctuary.routes.engine import VERDICTS
from sanctuary.routes.forms import (
    FactFilterForm,
    ProposalForm,
    RejectForm,
    SituationForm,
    SourceCheckForm,
)
from sanctuary.routes.knowledge import (
    DESTINATION_RULE_TYPES,
    STALE_AFTER_DAYS,
    Fact,
    KnowledgeBase,
    Rule,
    When,
)
from sanctuary.routes.messages import render as render_message
from sanctuary.routes.models import FactProposal, ProposalState
from sanctuary.routes.services import (
    EDITOR_ROLES,
    ProposalError,
    advice_for_situation,
    can_edit,
    do_approve_fact_edit,
    do_propose_fact_edit,
    do_record_source_check,
    do_reject_fact_edit,
    fact_as_yaml,
    live_knowledge_base,
)
from sanctuary.routes.situation import SituationError
from sanctuary.routes.upkeep import reverification_queue

# --- The public options check -----------------------------------------------------------------

OPTIONS_FORM = "options"  # the purpose its form tokens are made for


@csrf_exempt  # no cookie on the seeker's side: a signed, single-use form token guards it instead
def options_check(request: HttpRequest) -> HttpResponse:
    """The seeker's self-service check. Stores nothing, sets no cookie, and leaves no trace.

    The answers are POSTed, so they reach no URL: not the browser's history, not a server's
    access log (which records the method, path and query), not a Referer. The form carries a
    signed, single-use token (sanctuary/accounts/form_tokens.py) in place of a CSRF cookie; a
    stale or spent one shows the form again with his answers and a fresh token. A GET always
    shows an empty form: answers in a query string are not read, so no link can carry them.
    """
    lang = get_language()
    kb = live_knowledge_base()
    posted = request.method == "POST"
    form = SituationForm(
        request.POST if posted else None, kb=kb, lang=lang, today=timezone.localdate()
    )
    # The answer page carries no visible form, to stay small; "change your answers" posts his
    # answers back in hidden fields, and the form comes back filled in.
    editing = "edit" in request.POST
    stale = False
    answer = None
    if posted and not editing:
        stale = form_tokens.spend(request, OPTIONS_FORM) is None
        if not stale and form.is_valid():
            try:
                answer = present_advice(advice_for_situation(form.situation_dict(), lang))
            except SituationError:
                form.add_error(None, _("These answers cannot be checked. Please review them."))
    kept = [
        (name, value)
        for name, values in request.POST.lists()
        if name in form.fields
        for value in values
    ]
    return render(
        request,
        "routes/options.html",
        {
            "form": form,
            "answer": answer,
            "kept": kept,
            "token": form_tokens.make(OPTIONS_FORM),
            "stale": stale,
            "stale_after": STALE_AFTER_DAYS,
            "counselor_url": reverse("intake:start"),
        },
        status=400 if stale else 200,
    )


def present_advice(advice: dict[str, Any]) -> dict[str, Any]:
    """The advice arranged for reading: warnings, options by verdict, numbered sources.

    A route that is not possible shows only why; its stay and risks would be noise.
    """
    numbers: dict[str, int] = {}
    # The facts an answer turns on (those behind a warning, "where you are now" and each
    # route's one-line explanation) are shown in their own words with their source; the others
    # keep their source and date, which keeps the page light on a phone.
    worded: set[str] = set()

    def line(item: dict[str, Any], full: bool = False) -> dict[str, Any]:
        refs = [numbers.setdefault(fact_id, len(numbers) + 1) for fact_id in item["fact_ids"]]
        if full:
            worded.update(item["fact_ids"])
        return {"text": item["text"], "refs": refs}

    # A stale-fact line names a fact's age, not what it says: it does not word the fact.
    warnings = [
        {**line(w, w["code"] != "stale_fact"), "level": w["level"]} for w in advice["warnings"]
    ]
    here = None
    if advice.get("here"):
        here = {
            "name": advice["here"]["country_name"],
            "lines": [line(r, True) for r in advice["here"]["reasons"]],
            "risks": [
                {**line(r, True), "level": r["level"], "level_label": labels.LEVELS[r["level"]]}
                for r in advice["here"]["risks"]
            ],
        }
    groups = []
    for verdict in VERDICTS:
        shown = [_present_option(o, line) for o in advice["options"] if o["verdict"] == verdict]
        if shown:
            groups.append({"verdict": verdict, "label": labels.VERDICTS[verdict], "options": shown})
    # Age is counted from the day the advice is given, not the situation's date.
    today = dt.date.fromisoformat(advice.get("checked_on") or advice["today"])
    sources = []
    for fact_id, number in sorted(numbers.items(), key=lambda item: item[1]):
        citation = advice["citations"][fact_id]
        verified = dt.date.fromisoformat(citation["last_verified"])
        sources.append(
            {
                "number": number,
                # The fact's own words, in the reader's language (Ukrainian readers get the
                # Russian summary), with the source it rests on, its host and date.
                "summary": citation["summary"] if fact_id in worded else "",
                "url": citation["source_url"],
                "host": urlsplit(citation["source_url"]).hostname or citation["source_url"],
                "date": citation["source_date"],
                "verified": citation["last_verified"],
                "stale": (today - verified).days > STALE_AFTER_DAYS,
            }
        )
    return {"warnings": warnings, "here": here, "groups": groups, "sources": sources}


def _present_option(option: dict[str, Any], line: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    if option["verdict"] == "not_possible":
        return {
            "name": option["destination_name"],
            "mode": labels.MODES[option["mode"]],
            "reasons": [line(r) for r in option["reasons"] if r["code"] in labels.BLOCKING_CODES],
        }
    return {
        "name": option["destination_name"],
        "mode": labels.MODES[option["mode"]],
        "why": line(option["explanation"], True) if option.get("explanation") else None,
        "confidence": labels.CONFIDENCES[option["confidence"]],
        "stale": option["stale"],
        "wished": option["wished"],
        # "Entry is allowed with X" would repeat the documents line; its sources go there.
        "entry": [line(r) for r in option["reasons"] if r["code"] == "entry_allowed"],
        "reasons": [
            line(r)
            for r in option["reasons"]
            if r["code"] not in labels.STAY_CODES and r["code"] != "entry_allowed"
        ],
        "stay": [line(r) for r in option["reasons"] if r["code"] in labels.STAY_CODES],
        "risks": [
            {**line(r), "level": r["level"], "level_label": labels.LEVELS[r["level"]]}
            for r in option["risks"]
        ],
        "documents": [labels.DOCUMENTS.get(d, d) for d in option["documents_required"]],
    }


# --- Staff: reading the knowledge base --------------------------------------------------------


def _fact_row(fact: Fact, lang: str, today: dt.date) -> dict[str, Any]:
    return {
        "id": fact.id,
        "summary": fact.summary(lang),
        "places": ", ".join(fact.places),
        "status": labels.FACT_STATUSES[fact.status],
        "confidence": labels.CONFIDENCES[fact.confidence],
        "last_verified": fact.last_verified,
        "stale": fact.is_stale(today),
    }


def _touches(fact: Fact, places: frozenset[str]) -> bool:
    return bool(places & set(fact.places)) or any(rule.places & places for rule in fact.rules)


@staff_only()
def facts(request: HttpRequest) -> HttpResponse:
    lang = get_language()
    today = timezone.localdate()
    kb = live_knowledge_base()
    form = FactFilterForm(request.GET or None, kb=kb, lang=lang)
    shown = sorted(kb.facts.values(), key=lambda fact: fact.id)
    if form.is_valid():
        place = form.cleaned_data["place"]
        if place:
            shown = [fact for fact in shown if _touches(fact, frozenset({place}))]
        if form.cleaned_data["status"]:
            shown = [fact for fact in shown if fact.status == form.cleaned_data["status"]]
        if form.cleaned_data["stale"]:
            shown = [fact for fact in shown if fact.is_stale(today)]
    rows = [_fact_row(fact, lang, today) for fact in shown]
    return render(
        request,
        "routes/facts.html",
        {"form": form, "rows": rows, "total": len(kb.facts), "stale_after": STALE_AFTER_DAYS},
    )


@staff_only()
def countries(request: HttpRequest) -> HttpResponse:
    lang = get_language()
    today = timezone.localdate()
    kb = live_knowledge_base()
    rows = []
    for place in sorted(kb.places.values(), key=lambda place: place.name(lang)):
        if not place.routes:
            continue
        about = [fact for fact in kb.facts.values() if _touches(fact, place.matching_places)]
        rows.append(
            {
                "id": place.id,
                "name": place.name(lang),
                "facts": len(about),
                "stale": sum(fact.is_stale(today) for fact in about),
            }
        )
    return render(request, "routes/countries.html", {"rows": rows})


def _describe(rule: Rule, lang: str) -> str:
    """One line for a rule, in the engine's own words."""
    if rule.type == "entry":
        text = " ".join(
            render_message("entry_allowed", {"document": document}, lang)
            for document in rule.documents
        )
        if rule.visa_required:
            text += " " + render_message("visa_required", {}, lang)
        return text
    if rule.type == "entry_closed":
        return " ".join(
            render_message("entry_closed", {"mode": mode}, lang)
            for mode in sorted(rule.modes or {"land", "air"})
        )
    if rule.type == "child_document":
        return render_message("child_needs_document", {"document": rule.requires or ""}, lang)
    if rule.type == "stay":
        parts = []
        if rule.days and rule.per_days:
            parts.append(
                render_message(
                    "stay_days_in_period", {"days": rule.days, "per_days": rule.per_days}, lang
                )
            )
        elif rule.days:
            parts.append(render_message("stay_days", {"days": rule.days}, lang))
        elif rule.unlimited:
            parts.append(render_message("stay_unlimited", {}, lang))
        if rule.registration_days:
            parts.append(render_message("registration", {"days": rule.registration_days}, lang))
        return " ".join(parts)
    if rule.type == "protection":
        params = {"kind": rule.kind or "", "outlook": rule.outlook or ""}
        return render_message("protection", params, lang)
    return f"{render_message(f'risk_{rule.kind}', {}, lang)} ({labels.LEVELS[rule.level or 'low']})"


def _profile(kb: KnowledgeBase, place_id: str, lang: str, today: dt.date) -> list[dict[str, Any]]:
    place = kb.places[place_id]
    sections: dict[str, list[dict[str, Any]]] = {}
    for fact in sorted(kb.facts.values(), key=lambda fact: fact.id):
        for rule in fact.rules:
            if rule.type not in DESTINATION_RULE_TYPES or not rule.places & place.matching_places:
                continue
            sections.setdefault(str(labels.RULE_TYPES[rule.type]), []).append(
                {
                    "fact": _fact_row(fact, lang, today),
                    "text": _describe(rule, lang),
                    "modes": ", ".join(str(labels.MODES[m]) for m in sorted(rule.modes or ())),
                    "valid_from": rule.valid_from,
                    "valid_until": rule.valid_until,
                    "in_force": rule.in_range(today),
                    "conditional": rule.when != When(),
                }
            )
    order = [str(label) for label in dict.fromkeys(labels.RULE_TYPES.values())]
    return [{"title": title, "lines": sections[title]} for title in order if title in sections]


@staff_only()
def country(request: HttpRequest, place: str) -> HttpResponse:
    lang = get_language()
    today = timezone.localdate()
    kb = live_knowledge_base()
    if place not in kb.places:
        raise Http404
    return render(
        request,
        "routes/country.html",
        {
            "name": kb.places[place].name(lang),
            "place": kb.places[place],
            "sections": _profile(kb, place, lang, today),
        },
    )


def _diff(before: Any, after: Any) -> str:
    old = fact_as_yaml(before).splitlines() if before is not None else []
    new = fact_as_yaml(after).splitlines()
    return "\n".join(difflib.unified_diff(old, new, lineterm="", n=1))


@staff_only()
def fact(request: HttpRequest, fact_id: str) -> HttpResponse:
    stored = get_stored_fact(fact_id)
    kb_fact = live_knowledge_base().facts.get(fact_id)
    revisions = [
        {"revision": revision, "diff": _diff(revision.data_before, revision.data_after)}
        for revision in stored.revisions.select_related("proposed_by", "approved_by")
    ]
    return render(
        request,
        "routes/fact.html",
        {
            "stored": stored,
            "row": _fact_row(kb_fact, get_language(), timezone.localdate()) if kb_fact else None,
            "yaml": fact_as_yaml(stored.data),
            "revisions": revisions,
            "pending": stored.proposals.pending().select_related("proposed_by"),
            "can_propose": can_edit(acting_user(request)),
        },
    )


# --- Staff: keeping the base current ----------------------------------------------------------

QUEUE_LENGTH = 40


@staff_only(*EDITOR_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    """The facts to re-read at their source first: age x use x risk (see routes.upkeep)."""
    lang = get_language()
    today = timezone.localdate()
    items = reverification_queue(live_knowledge_base(), today)[:QUEUE_LENGTH]
    rows = [
        {
            **_fact_row(item.fact, lang, today),
            "age_days": item.age_days,
            "uses": item.uses,
            "risk": item.risk,
            "priority": f"{item.priority:.1f}",
        }
        for item in items
    ]
    return render(request, "routes/queue.html", {"rows": rows, "stale_after": STALE_AFTER_DAYS})


@staff_only(*EDITOR_ROLES)
def check_source(request: HttpRequest, fact_id: str) -> HttpResponse:
    """Record that the source was read and still says what the fact says."""
    stored = get_stored_fact(fact_id)
    form = SourceCheckForm(
        request.POST if request.method == "POST" else None,
        initial={"read": stored.data.get("source_url", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            do_record_source_check(
                fact=stored,
                read=form.cleaned_data["read"],
                read_date=form.cleaned_data["read_date"],
                note=form.cleaned_data["note"],
                acting_user=acting_user(request),
            )
        except ProposalError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Check recorded: the fact is verified as of today."))
            return redirect("routes:fact", stored.fact_id)
    return render(request, "routes/check.html", {"stored": stored, "form": form})


# --- Staff: the four-eyes edit flow -----------------------------------------------------------


@staff_only(*EDITOR_ROLES)
def propose(request: HttpRequest, fact_id: str) -> HttpResponse:
    stored = get_stored_fact(fact_id)
    form = ProposalForm(
        request.POST if request.method == "POST" else None,
        initial={"text": fact_as_yaml(stored.data)},
        fact=stored,
    )
    if request.method == "POST" and form.is_valid():
        try:
            proposal = do_propose_fact_edit(
                fact=stored,
                data=form.cleaned_data["text"],
                source_url=form.cleaned_data["source_url"],
                reason=form.cleaned_data["reason"],
                acting_user=acting_user(request),
            )
        except ProposalError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Edit proposed. A second person must approve it."))
            return redirect("routes:proposal", proposal.pk)
    return render(request, "routes/propose.html", {"stored": stored, "form": form})


@staff_only()
def proposals(request: HttpRequest) -> HttpResponse:
    listed = FactProposal.objects.select_related("fact", "proposed_by", "decided_by")
    return render(
        request,
        "routes/proposals.html",
        {
            "pending": listed.pending(),
            "decided": listed.exclude(state=ProposalState.PENDING)[:30],
        },
    )


def _proposal_page(
    request: HttpRequest, proposal: FactProposal, error: str = "", status: int = 200
) -> HttpResponse:
    user = acting_user(request)
    return render(
        request,
        "routes/proposal.html",
        {
            "proposal": proposal,
            "diff": _diff(proposal.fact.data, proposal.data),
            "outdated": proposal.is_pending and proposal.base_revision != proposal.fact.revision,
            "can_decide": proposal.is_pending and can_edit(user) and proposal.proposed_by != user,
            "own": proposal.proposed_by == user,
            "reject_form": RejectForm(),
            "error": error,
        },
        status=status,
    )


@staff_only()
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    return _proposal_page(request, get_proposal(pk))


@require_POST
@staff_only(*EDITOR_ROLES)
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_proposal(pk)
    try:
        revision = do_approve_fact_edit(proposal=found, acting_user=acting_user(request))
    except ProposalError as refusal:
        # Seeing the proposal is allowed; deciding it is not: a 403, not a 404.
        return _proposal_page(request, found, str(refusal), status=403)
    messages.success(
        request,
        _("Edit approved: %(fact)s is now at revision %(number)s.")
        % {"fact": found.fact.fact_id, "number": revision.number},
    )
    return redirect("routes:fact", found.fact.fact_id)


@require_POST
@staff_only(*EDITOR_ROLES)
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_proposal(pk)
    form = RejectForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        do_reject_fact_edit(proposal=found, note=note, acting_user=acting_user(request))
    except ProposalError as refusal:
        return _proposal_page(request, found, str(refusal), status=403)
    messages.success(request, _("Edit rejected."))
    return redirect("routes:proposals")
