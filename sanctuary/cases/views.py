"""The counselor's side: the triage queue, my cases, the case page and its actions."""

from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanctuary.accounts.access import acting_user, staff_only
from sanctuary.accounts.models import Role, User
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.cases import sections, services
from sanctuary.cases.access import access_triage, get_file_for_user
from sanctuary.cases.forms import (
    AssignForm,
    CheckInForm,
    ChecklistItemForm,
    CounselorProfileForm,
    NoteForm,
    ReplyForm,
    StageForm,
    TaskForm,
)
from sanctuary.cases.models import (
    LANGUAGE_CHOICES,
    CaseFile,
    CaseFileQuerySet,
    CheckIn,
    ChecklistItem,
    ChecklistTick,
    CounselorProfile,
    HelpWanted,
    Note,
    Task,
)
from sanctuary.cases.stages import LABELS, CaseType, Stage, TransitionError, allowed_next
from sanctuary.cases.suggest import Suggestion
from sanctuary.cases.urgency import render_reason
from sanctuary.keyring.groups import INTAKE
from sanctuary.keyring.services import Keychain, open_record
from sanctuary.routes.knowledge import STALE_AFTER_DAYS
from sanctuary.routes.services import advice_for_situation, live_knowledge_base
from sanctuary.routes.situation import SituationError
from sanctuary.routes.views import present_advice


def _lang() -> str:
    return get_language() or "ru"


def _row(file: CaseFile, now: datetime | None = None) -> dict[str, Any]:
    """A case as the queue and lists show it: plain triage fields only, never the story."""
    urgency = services.urgency_of(file, now)
    labels = LABELS.get(_lang(), LABELS["en"])
    help_labels = dict(HelpWanted.choices)
    return {
        "file": file,
        "type": labels[file.case_type],
        "stage": labels[file.stage],
        "urgency": urgency,
        "reasons": [render_reason(r, _lang()) for r in urgency.reasons],
        "help": [str(help_labels.get(h, h)) for h in file.case.help_wanted],
        "age": (timezone.now() - file.received_at).days,
        "alarm": file.alarm_at,
    }


# A page of a list: the queue and the lists are ordered and cut in the database, so a page
# costs the same few queries however many cases there are.
PER_PAGE = 50


def _by_urgency(request: HttpRequest, files: CaseFileQuerySet) -> dict[str, Any]:
    """One page of files, raised alarms first, then the most urgent, then the longest waiting
    (``services.with_urgency``), and how many of all of them have a raised alarm."""
    now = timezone.now()
    page = Paginator(services.with_urgency(files, now), PER_PAGE).get_page(request.GET.get("page"))
    return {
        "rows": [_row(file, now) for file in page.object_list],
        "page": page,
        "alarms": files.filter(alarm_at__isnull=False).count(),
    }


@staff_only()
def triage(request: HttpRequest) -> HttpResponse:
    access_triage(request)
    context = _by_urgency(request, CaseFile.objects.for_triage())
    return render(request, "cases/triage.html", context)


@staff_only()
def mine(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    context = _by_urgency(request, CaseFile.objects.assigned_to(user))
    context["overdue"] = Task.objects.overdue(timezone.localdate()).filter(assignee=user).count()
    return render(request, "cases/mine.html", context)


@staff_only()
def overdue_tasks(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    tasks = (
        Task.objects.overdue(timezone.localdate()).filter(assignee=user).order_by("due_date", "pk")
    )
    page = Paginator(tasks, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/overdue.html", {"tasks": page.object_list, "page": page})


def _advice(situation: dict[str, Any]) -> dict[str, Any] | None:
    """The routes engine's advice for the case's situation as it stands today."""
    try:
        advice = advice_for_situation(
            {**situation, "today": timezone.localdate().isoformat()}, _lang()
        )
    except SituationError:
        return None
    return present_advice(advice)


# What the timeline shows of the audit log besides messages, notes, tasks and stage changes.
TIMELINE_ACTIONS = [
    Action.KEY_GRANTED,
    Action.KEY_REVOKED,
    Action.CASE_DETAINED_FLAG,
    Action.CHECKLIST_STEP_DONE,
    Action.CHECKIN_SET,
    Action.CHECKIN_CONFIRMED,
    Action.CHECKIN_MISSED,
]


def _timeline(
    file: CaseFile, thread: list[dict[str, Any]], notes: list[Any], tasks: list[Any]
) -> list[Any]:
    events: list[dict[str, Any]] = []
    for item in thread:
        events.append({"at": item["message"].created_at, "kind": "message", "item": item})
    for note in notes:
        events.append({"at": note["note"].created_at, "kind": "note", "item": note})
    for task in tasks:
        events.append({"at": task["task"].created_at, "kind": "task", "item": task})
    labels = LABELS.get(_lang(), LABELS["en"])
    for change in file.changes.select_related("by"):
        events.append(
            {
                "at": change.at,
                "kind": "stage",
                "item": {"by": change.by, "to": labels[change.to_stage]},
            }
        )
    for entry in _case_audit(file, TIMELINE_ACTIONS):
        events.append({"at": entry["entry"].created_at, "kind": "access", "item": entry})
    return sorted(events, key=lambda event: event["at"])


def _case_audit(
    file: CaseFile, actions: list[Action], last: int | None = None
) -> list[dict[str, Any]]:
    """The case's audit entries of these kinds, oldest first; with ``last``, only the last."""
    found = AuditEntry.objects.filter(
        object_type="intake.case", object_id=str(file.case_id), action__in=actions
    )
    entries = list(found.order_by("seq") if last is None else found.order_by("-seq")[:last])
    if last is not None:
        entries.reverse()
    names = dict(
        User.objects.filter(pk__in={e.actor_id for e in entries}).values_list("pk", "username")
    )
    return [{"entry": e, "who": names.get(e.actor_id or 0, "—")} for e in entries]


def render_case_page(
    request: HttpRequest, file: CaseFile, keychain: Keychain, **forms: Any
) -> HttpResponse:
    opened = open_record(file.case, keychain)
    data = services.read_case(file.case, opened.key)
    thread = services.thread(file.case, opened.key)
    notes = [
        {"note": note, "body": opened.read_from(note, "body")}
        for note in Note.objects.filter(case=file.case).select_related("author")
    ]
    tasks = [
        {"task": task, "text": opened.read_from(task, "text")}
        for task in Task.objects.filter(case=file.case).select_related("assignee")
    ]
    check_ins = [
        {"check_in": check_in, "label": opened.read_from(check_in, "label")}
        for check_in in CheckIn.objects.filter(case=file.case)
    ]
    lang = _lang()
    labels = LABELS.get(lang, LABELS["en"])
    context = {
        "file": file,
        "case": file.case,
        "type": labels[file.case_type],
        "stage": labels[file.stage],
        "next_stages": [
            (s.value, labels[s.value])
            for s in allowed_next(CaseType(file.case_type), Stage(file.stage))
        ],
        "urgency": _row(file),
        "data": data,
        "timeline": _timeline(file, thread, notes, tasks),
        "tasks": tasks,
        "openings": _case_audit(file, [Action.RECORD_OPENED], last=20),
        "answer": _advice(data["situation"]),
        "stale_after": STALE_AFTER_DAYS,
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "task_form": forms.get("task_form") or TaskForm(),
        "check_ins": check_ins,
        "check_in_form": forms.get("check_in_form") or CheckInForm(),
        "now": timezone.now(),
        "stage_form": forms.get("stage_form")
        or StageForm(lang=lang, initial={"case_type": file.case_type, "stage": file.stage}),
        "can_assign": _can_assign(keychain),
        **sections.case_page_context(file, keychain, opened, forms),
    }
    if context["can_assign"]:
        suggestions = services.assignment_suggestions(file)
        context["suggestions"] = [_suggestion(user, s) for user, s in suggestions[:3]]
        context["assign_form"] = forms.get("assign_form") or AssignForm(
            counselors=_labelled(suggestions), initial={"counselor": file.counselor}
        )
    if file.detained:
        countries = _countries(lang)
        chosen = request.GET.get("checklist", "")
        country = chosen if chosen in dict(countries) else file.case.country
        context["checklist"] = _checklist(file, country)
        context["checklist_country"] = country
        context["checklist_countries"] = countries
    return render(request, "cases/case.html", context)


def _suggestion(user: User, suggestion: Suggestion) -> dict[str, Any]:
    names = dict(LANGUAGE_CHOICES)
    return {
        "user": user,
        "languages": [str(names.get(code, code)) for code in suggestion.shared_languages],
        "knows_country": suggestion.knows_country,
        "open_cases": suggestion.open_cases,
    }


def _labelled(suggestions: list[tuple[User, Suggestion]]) -> list[tuple[User, str]]:
    """The assignment choices, best first, each saying why."""
    labelled = []
    for user, suggestion in suggestions:
        shown = _suggestion(user, suggestion)
        parts = [user.username]
        if shown["languages"]:
            parts.append(", ".join(shown["languages"]))
        if suggestion.knows_country:
            parts.append(_("knows the country"))
        parts.append(
            ngettext("%(count)d open case", "%(count)d open cases", suggestion.open_cases)
            % {"count": suggestion.open_cases}
        )
        labelled.append((user, " · ".join(parts)))
    return labelled


def _can_assign(keychain: Keychain) -> bool:
    """Assigning is triage work: for those who hold the intake group's key."""
    return keychain.holds_group(INTAKE)


@staff_only()
def case(request: HttpRequest, pk: UUID) -> HttpResponse:
    file, keychain = get_file_for_user(request, pk)
    return render_case_page(request, file, keychain)


@staff_only()
@require_POST
def reply(request: HttpRequest, pk: UUID) -> HttpResponse:
    file, keychain = get_file_for_user(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return render_case_page(request, file, keychain, reply_form=form)
    services.do_staff_reply(file.case, body=form.cleaned_data["body"], keychain=keychain)
    return redirect("cases:case", pk=file.pk)


@staff_only()
@require_POST
def note(request: HttpRequest, pk: UUID) -> HttpResponse:
    file, keychain = get_file_for_user(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return render_case_page(request, file, keychain, note_form=form)
    services.do_add_note(file.case, body=form.cleaned_data["note"], keychain=keychain)
    return redirect("cases:case", pk=file.pk)


@staff_only()
@require_POST
def add_task(request: HttpRequest, pk: UUID) -> HttpResponse:
    file, keychain = get_file_for_user(request, pk)
    form = TaskForm(request.POST)
    if not form.is_valid():
        return render_case_page(request, file, keychain, task_form=form)
    services.do_add_task(
        file.case,
        text=form.cleaned_data["text"],
        due_date=form.cleaned_data["due_date"],
        assignee=acting_user(request),
        keychain=keychain,
    )
    return redirect("cases:case", pk=file.pk)


@staff_only()
@require_POST
def add_check_in(request: HttpRequest, pk: UUID) -> HttpResponse:
    file, keychain = get_file_for_user(request, pk)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        return render_case_page(request, file, keychain, check_in_form=form)
    services.do_add_check_in(
        file.case,
        label=form.cleaned_data["label"],
        due_at=form.cleaned_data["due_at"],
        keychain=keychain,
    )
    return redirect("cases:case", pk=file.pk)


@staff_only()
@require_POST
def complete_task(request: HttpRequest, pk: UUID, task_pk: UUID) -> HttpResponse:
    file, _keychain = get_file_for_user(request, pk)
    task = Task.objects.filter(pk=task_pk, case=file.case).first()
    if task is None:
        raise Http404
    if task.done_at is None:
        services.do_complete_task(task, acting_user=acting_user(request))
    return redirect("cases:case", pk=file.pk)


@staff_only()
@require_POST
def change_stage(request: HttpRequest, pk: UUID) -> HttpResponse:
    file, keychain = get_file_for_user(request, pk)
    form = StageForm(request.POST, lang=_lang())
    if form.is_valid():
        try:
            services.do_change_stage(
                file,
                stage=Stage(form.cleaned_data["stage"]),
                case_type=CaseType(form.cleaned_data["case_type"]),
                acting_user=acting_user(request),
            )
        except TransitionError:
            form.add_error("stage", _("A case cannot move to this stage from where it is."))
        else:
            return redirect("cases:case", pk=file.pk)
    return render_case_page(request, file, keychain, stage_form=form)


@staff_only()
@require_POST
def assign(request: HttpRequest, pk: UUID) -> HttpResponse:
    file, keychain = get_file_for_user(request, pk)
    if not _can_assign(keychain):
        raise Http404
    form = AssignForm(request.POST, counselors=_labelled(services.assignment_suggestions(file)))
    if form.is_valid():
        try:
            services.do_assign(
                file,
                counselor=form.cleaned_data["counselor"],
                keychain=keychain,
                keep_previous=form.cleaned_data["keep_previous"],
            )
        except services.CaseworkError as error:
            form.add_error("counselor", str(error))
        else:
            messages.success(request, _("The case is assigned."))
            return redirect("cases:case", pk=file.pk)
    return render_case_page(request, file, keychain, assign_form=form)


@staff_only()
@require_POST
def detained(request: HttpRequest, pk: UUID) -> HttpResponse:
    file, _keychain = get_file_for_user(request, pk)
    services.do_set_detained(
        file, detained=request.POST.get("detained") == "1", acting_user=acting_user(request)
    )
    return redirect("cases:case", pk=file.pk)


# ---- the emergency checklist ----------------------------------------------------------------

CHECKLIST_EDITORS = (Role.COORDINATOR, Role.LAWYER)


def _countries(lang: str) -> list[tuple[str, str]]:
    """Every country of the routes knowledge base, Russia included, by name."""
    places = live_knowledge_base().places.values()
    named = [(p.id, p.name(lang)) for p in places if p.kind == "country"]
    return sorted(named, key=lambda pair: pair[1])


def _checklist(file: CaseFile, country: str) -> list[dict[str, Any]]:
    ticks = {
        t.item_id: t for t in ChecklistTick.objects.filter(case=file.case).select_related("by")
    }
    return [
        {"item": item, "text": item.text(_lang()), "tick": ticks.get(item.pk)}
        for item in ChecklistItem.objects.for_country(country)
    ]


@staff_only(*CHECKLIST_EDITORS)
def checklists(request: HttpRequest) -> HttpResponse:
    countries = _countries(_lang())
    form = ChecklistItemForm(request.POST or None, countries=countries)
    if request.method == "POST" and form.is_valid():
        services.do_save_checklist_item(
            None, values=form.cleaned_data, acting_user=acting_user(request)
        )
        messages.success(request, _("The step is added."))
        return redirect("cases:checklists")
    names = dict(countries)
    groups: dict[str, list[ChecklistItem]] = {}
    for item in ChecklistItem.objects.order_by("country", "position", "pk"):
        groups.setdefault(item.country, []).append(item)
    sections = [
        {
            "country": code,
            "name": names.get(code, code) if code else _("Every country"),
            "items": [{"item": i, "text": i.text(_lang())} for i in items],
        }
        for code, items in sorted(groups.items(), key=lambda g: (g[0] != "", names.get(g[0], g[0])))
    ]
    return render(request, "cases/checklists.html", {"sections": sections, "form": form})


@staff_only(*CHECKLIST_EDITORS)
def checklist_item(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = get_object_or_404(ChecklistItem, pk=item_pk)
    form = ChecklistItemForm(request.POST or None, instance=item, countries=_countries(_lang()))
    if request.method == "POST" and form.is_valid():
        services.do_save_checklist_item(
            item, values=form.cleaned_data, acting_user=acting_user(request)
        )
        messages.success(request, _("The step is saved."))
        return redirect("cases:checklists")
    return render(request, "cases/checklist_item.html", {"item": item, "form": form})


@staff_only(*CHECKLIST_EDITORS)
@require_POST
def remove_checklist_item(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = get_object_or_404(ChecklistItem, pk=item_pk)
    services.do_remove_checklist_item(item, acting_user=acting_user(request))
    messages.success(request, _("The step is removed."))
    return redirect("cases:checklists")


@staff_only()
@require_POST
def tick_checklist_step(request: HttpRequest, pk: UUID, item_pk: int) -> HttpResponse:
    file, _keychain = get_file_for_user(request, pk)
    chosen = request.POST.get("country", "")
    # A step of the case's country, of the country whose steps were shown, or of every country.
    shown = {file.case.country, chosen, ""}
    item = ChecklistItem.objects.filter(pk=item_pk, country__in=shown).first()
    if item is None or not file.detained:
        raise Http404
    services.do_tick_checklist_step(file.case, item=item, acting_user=acting_user(request))
    url = reverse("cases:case", kwargs={"pk": file.pk})
    if chosen and chosen != file.case.country:
        url += "?" + urlencode({"checklist": chosen})
    return redirect(url + "#checklist")


# ---- the counselor's profile -----------------------------------------------------------------


@staff_only(Role.COUNSELOR)
def profile(request: HttpRequest) -> HttpResponse:
    """The languages and countries a counselor offers, for the assignment suggestions."""
    user = acting_user(request)
    current = CounselorProfile.objects.filter(user=user).first()
    initial = {"languages": current.languages, "countries": current.countries} if current else {}
    form = CounselorProfileForm(
        request.POST or None, initial=initial, countries=_countries(_lang())
    )
    if request.method == "POST" and form.is_valid():
        services.do_save_counselor_profile(
            user,
            languages=form.cleaned_data["languages"],
            countries=form.cleaned_data["countries"],
        )
        messages.success(request, _("Your languages and countries are saved."))
        return redirect("cases:profile")
    return render(request, "cases/profile.html", {"form": form})
