"""The seeker's pages. They work without JavaScript, set no cookie before he submits or signs
in, put no codename or case id in any URL, and are never cached (SecurityHeadersMiddleware)."""

import contextlib
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from sanctuary.accounts import throttle
from sanctuary.cases import services as casework
from sanctuary.cases.models import Attachment, Case, CheckIn
from sanctuary.cases.services import do_confirm_check_in
from sanctuary.intake import codename as codename_pages
from sanctuary.intake import questionnaire, sections, services
from sanctuary.intake import seeker as seekers
from sanctuary.intake.forms import (
    STEP_NAMES,
    STEPS,
    CodenameForm,
    MessageForm,
    QuestionnaireForm,
    Step,
)
from sanctuary.intake.questionnaire import Progress
from sanctuary.intake.scrub import RejectedFile, scrub
from sanctuary.keyring import crypto
from sanctuary.keyring.services import read_bytes, read_field
from sanctuary.routes.knowledge import KnowledgeBase
from sanctuary.routes.services import knowledge_base_at_hand, live_knowledge_base

REJECTED_FILE_MESSAGES = {
    "too_large": gettext_lazy("is larger than 10 MB"),
    "unsupported_type": gettext_lazy("is not a JPEG, PNG or PDF file"),
    "damaged": gettext_lazy("is damaged or cannot be read"),
}


SENT_FLAG = "sent"  # the mailbox's address after he sends a message: ?sent=1


def _questionnaire(
    request: HttpRequest, data: object = None, *, kb: KnowledgeBase | None = None, **kwargs: Any
) -> QuestionnaireForm:
    return QuestionnaireForm(
        data,
        kb=kb or live_knowledge_base(),
        lang=get_language() or "ru",
        today=timezone.localdate(),
        **kwargs,
    )


def _refused(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/expired.html", status=403)


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/landing.html")


def _bound(request: HttpRequest, progress: Progress) -> QuestionnaireForm:
    """The questionnaire checked as far as it applies to him now."""
    return _questionnaire(request, progress.querydict(progress.asked()))


def _show_step(
    request: HttpRequest,
    progress: Progress,
    step: Step,
    *,
    chain: str | None,
    form: QuestionnaireForm | None = None,
    status: int = 200,
    kb: KnowledgeBase | None = None,
    **notice: object,
) -> HttpResponse:
    """One page of the questionnaire, with everything he typed so far and a fresh token."""
    steps = progress.steps()
    if step not in steps:
        step = questionnaire.step_before(step, progress.values)
    if form is None:
        form = _questionnaire(request, initial=progress.querydict(["children", "adults"]), kb=kb)
        questionnaire.initial(form, progress)
    context = {
        "form": form,
        "step": step,
        "number": steps.index(step) + 1,
        "total": len(steps),
        "last": step is steps[-1],
        "groups": questionnaire.groups(form, step, progress.values),
        "has_errors": any(form[name].errors for name in step.field_names(progress.values)),
        "answers": progress.sign(),
        "token": seekers.form_token("start", request, chain=chain),
        **notice,
    }
    return render(request, "intake/start.html", context, status=status)


def _wrong_in(form: QuestionnaireForm, step: Step, progress: Progress) -> bool:
    return not form.is_valid() and any(
        form[name].errors for name in step.field_names(progress.values)
    )


@csrf_exempt  # no cookie before he submits: seeker.form_ticket protects the form instead
def start(request: HttpRequest) -> HttpResponse:
    """The questionnaire, one step at a time, without JavaScript: a step is asked only when an
    earlier answer calls for it. Each page carries his answers so far (signed, in the page)
    and a single-use token; a stale token or a refused origin shows the same step again with
    his answers, never an empty form."""
    try:
        return _start(request)
    except (OperationalError, InterfaceError):
        # The database went away (restarted, failed over). The questionnaire still opens; a
        # submission's transaction rolled back, so nothing of his is stored, and his answers
        # come back with a fresh token to send again. Nothing here asks the database.
        kb = knowledge_base_at_hand()
        if request.method != "POST":
            return _show_step(request, Progress(), STEPS[0], chain=None, kb=kb)
        progress = Progress.unsign(request.POST.get("answers", ""))
        step = STEP_NAMES.get(request.POST.get("step", "")) or STEPS[0]
        progress.take(request.POST, step)
        return _show_step(request, progress, step, chain=None, status=503, busy=True, kb=kb)


def _start(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _show_step(request, Progress(), STEPS[0], chain=None)
    progress = Progress.unsign(request.POST.get("answers", ""))
    step = STEP_NAMES.get(request.POST.get("step", ""))
    if step is None:
        # Carried over from the options check: its answers fill the questionnaire in.
        progress.take_options_check(request.POST)
        step = STEPS[0]
    else:
        progress.take(request.POST, step)
    ticket = seekers.form_ticket(request, "start")
    if ticket is None:
        if not seekers.from_our_site(request):
            return _show_step(request, progress, step, chain=None, status=403, refused=True)
        # Sent twice, or open for more than six hours: his answers stay, a new token comes.
        return _show_step(request, progress, step, chain=None, status=400, stale=True)
    if progress.started is None:
        progress.started = ticket.issued
    if "step" not in request.POST:
        return _show_step(request, progress, step, chain=ticket.chain, carried=True)
    if request.POST.get("go") == "back":
        before = questionnaire.step_before(step, progress.values)
        return _show_step(request, progress, before, chain=ticket.chain)
    form = _bound(request, progress)
    if _wrong_in(form, step, progress):
        return _show_step(request, progress, step, chain=ticket.chain, form=form)
    after = questionnaire.step_after(step, progress.values)
    if after is not None:
        return _show_step(request, progress, after, chain=ticket.chain)
    if not form.is_valid():
        # The last step, with an earlier answer wrong: the first step that has one.
        wrong = next((s for s in progress.steps() if _wrong_in(form, s, progress)), step)
        return _show_step(request, progress, wrong, chain=ticket.chain, form=form)
    try:
        wait, reservation = seekers.reserve_submission(
            request, progress.started_ticket(ticket, seekers.FORM_TOKEN_MAX_AGE)
        )
    except throttle.Busy:  # his address's count is held up elsewhere: he sends again soon
        wait, reservation = 1, throttle.Reservation()
    if wait:
        return _show_step(request, progress, step, chain=ticket.chain, status=429, wait=wait)
    try:
        # The case and his session are one write: he either sees his codename with the case
        # stored, or his answers again with nothing stored. His place in his address's count
        # was taken before; it is given back if nothing is stored. The page is rendered after
        # the commit: the transaction holds the audit chain's lock from the case's entry on, so
        # only the session's row is written after it.
        median = codename_pages.median_first_reply()
        with transaction.atomic():
            case, codename, keypair = services.do_submit_case(form.answers())
            cookie = seekers.open_session(case, keypair)
    except casework.IntakeUnavailable:
        _give_back(reservation)
        return _show_step(request, progress, step, chain=ticket.chain, status=503, busy=True)
    except BaseException:
        _give_back(reservation)
        raise
    return codename_pages.show_new_codename(request, case, codename, keypair, cookie, median)


def _give_back(reservation: throttle.Reservation) -> None:
    # A count not given back because the database just went away is the lesser harm: that
    # address waits a little longer.
    with contextlib.suppress(OperationalError, InterfaceError, throttle.Busy):
        seekers.release_submission(reservation)


def _unreadable_message(unreadable: crypto.MalformedCodename) -> str:
    """What is wrong with typed text that is no codename. Safe to say: it depends on the text
    alone, never on whether any case exists."""
    if unreadable.reason == "word_count":
        return ngettext(
            "A codename has eight words; we read %(count)d. Check that no word is missing or "
            "written twice.",
            "A codename has eight words; we read %(count)d. Check that no word is missing or "
            "written twice.",
            unreadable.count,
        ) % {"count": unreadable.count}
    if unreadable.reason == "unknown_word":
        return _(
            "Word %(number)d is not one of our words. Check its first four letters on your paper."
        ) % {"number": unreadable.position}
    return _("A codename has only letters. Leave out other signs.")


@csrf_exempt  # see start()
def sign_in(request: HttpRequest) -> HttpResponse:
    form = CodenameForm(request.POST if request.method == "POST" else None)
    ticket = None
    status = 200
    if request.method == "POST":
        if not seekers.from_our_site(request):
            return _refused(request)
        ticket = seekers.form_ticket(request, "sign_in")
        if ticket is None:
            # Sent twice or open for more than six hours: nothing is checked, what he typed
            # stays, and a fresh token comes with the form.
            status = 400
            form.add_error(
                None,
                _(
                    "This page was open for too long or was sent twice, so we did not check "
                    "the codename. Press Open again."
                ),
            )
        elif wait := seekers.codename_wait(request, ticket):
            form.add_error(
                None,
                ngettext(
                    "Too many attempts. Wait %(seconds)d second, then press Open again.",
                    "Too many attempts. Wait %(seconds)d seconds, then press Open again.",
                    wait,
                )
                % {"seconds": wait},
            )
        elif form.is_valid():
            try:
                found = services.find_case(form.cleaned_data["codename"])
            except crypto.MalformedCodename as unreadable:
                # No case was looked up: this is not a guess, and says nothing about a case.
                form.add_error("codename", _unreadable_message(unreadable))
            else:
                if found is None:
                    seekers.note_failed_guess(request, ticket)
                    form.add_error(
                        "codename",
                        _("No case opens with this codename. Check each word and try again."),
                    )
                else:
                    response = redirect("intake:mailbox")
                    seekers.start_session(response, *found)
                    return response
    token = seekers.form_token("sign_in", request, chain=ticket.chain if ticket else None)
    return render(request, "intake/sign_in.html", {"form": form, "token": token}, status=status)


def _signed_in(request: HttpRequest) -> seekers.Seeker | None:
    return seekers.current_seeker(request)


@csrf_exempt  # see start()
def mailbox(request: HttpRequest) -> HttpResponse:
    seeker = _signed_in(request)
    if seeker is None:
        return redirect("intake:sign_in")
    key = services.case_key(seeker.case, seeker.keypair)
    form = MessageForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST":
        if not seekers.form_is_genuine(request, "message"):
            return _refused(request)
        if seekers.message_limit_reached(seeker):
            form.add_error(
                None, _("You have sent many messages in a short time. Wait for an answer.")
            )
        elif form.is_valid():
            files = []
            for upload in form.cleaned_data["attachments"]:
                try:
                    clean = scrub(upload.read(), upload.name or "")
                    files.append((upload.name or "file", clean.media_type, clean.content))
                except RejectedFile as rejected:
                    form.add_error(
                        "attachments", f"{upload.name}: {REJECTED_FILE_MESSAGES[rejected.reason]}"
                    )
            if not form.errors:
                casework.do_add_seeker_message(
                    seeker.case, key, body=form.cleaned_data["body"], files=files
                )
                # A flag, not the message: the next page says it was sent, and a reload of it
                # sends nothing again.
                return redirect(reverse("intake:mailbox") + f"?{SENT_FLAG}=1#latest")
    context = {
        "form": form,
        "sent": request.method == "GET" and request.GET.get(SENT_FLAG) == "1",
        "token": seekers.form_token("message", request),
        "leave_token": seekers.form_token("leave", request),
        "checkin_token": seekers.form_token("checkin", request),
        "check_ins": [
            {"check_in": check_in, "label": read_field(check_in, key, "label")}
            for check_in in CheckIn.objects.filter(case=seeker.case).open()
        ],
        "thread": casework.thread(seeker.case, key),
        **sections.mailbox_context(request, seeker.case, seeker.keypair),
    }
    return render(request, "intake/mailbox.html", context)


@csrf_exempt  # see start()
def confirm_check_in(request: HttpRequest, pk: str) -> HttpResponse:
    """He confirms he is safe: one button per open check-in, only for his own case."""
    seeker = _signed_in(request)
    if seeker is None:
        return redirect("intake:sign_in")
    if request.method != "POST":
        return redirect("intake:mailbox")
    if not seekers.form_is_genuine(request, "checkin"):
        return _refused(request)
    check_in = CheckIn.objects.filter(pk=pk, case=seeker.case).first()
    if check_in is None:
        raise Http404
    do_confirm_check_in(check_in)
    return redirect("intake:mailbox")


def attachment(request: HttpRequest, pk: str) -> HttpResponse:
    seeker = _signed_in(request)
    if seeker is None:
        raise Http404
    found = Attachment.objects.filter(pk=pk, message__case=seeker.case).first()
    if found is None:
        raise Http404
    key = services.case_key(seeker.case, seeker.keypair)
    response = HttpResponse(read_bytes(found, key, "content"), content_type=found.media_type)
    response["Content-Disposition"] = "attachment"
    return response


@csrf_exempt  # see start()
def update_situation(request: HttpRequest) -> HttpResponse:
    """Every question on one page, filled in from his case: he is signed in, and may change any
    answer, including those that bring new questions (they show, marked, when he saves)."""
    seeker = _signed_in(request)
    if seeker is None:
        return redirect("intake:sign_in")
    key = services.case_key(seeker.case, seeker.keypair)
    if request.method == "POST":
        form = _questionnaire(request, request.POST)
        if not seekers.form_is_genuine(request, "update"):
            return _refused(request)
        if form.is_valid():
            casework.do_update_case(seeker.case, key, form.answers())
            return redirect("intake:mailbox")
    else:
        initial = initial_from_case(casework.read_case(seeker.case, key), seeker.case)
        form = _questionnaire(request, initial=initial)
    counts = {"children": [str(form.children_count)], "adults": [str(form.adults_count)]}
    groups = [group for step in STEPS for group in questionnaire.groups(form, step, counts)]
    token = seekers.form_token("update", request)
    return render(request, "intake/update.html", {"form": form, "groups": groups, "token": token})


def initial_from_case(data: dict[str, Any], case: Case) -> dict[str, Any]:
    """The questionnaire filled in again from his case, for him to change. A situation stored
    before version 2 has none of the newer answers, and reads as if they were left empty."""
    situation = data["situation"]
    documents = situation.get("documents", {})
    passport = documents.get("international_passport") or {}
    summons = situation.get("summons") or {}
    location = situation.get("location", {})
    claim = situation.get("protection_claim") or {}
    contact = data["contact"]
    companions = situation.get("companions", [])
    children = [c for c in companions if c.get("relation") == "child"]
    adults = [c for c in companions if c.get("relation") != "child"]
    initial: dict[str, Any] = {
        "status": situation.get("status"),
        "other_statuses": situation.get("other_statuses", []),
        "location": location.get("kind"),
        "country": location.get("country", ""),
        "since": location.get("since"),
        "age": situation.get("age"),
        "wants": situation.get("wants", ""),
        "claim_country": claim.get("country", ""),
        "claim_date": claim.get("date"),
        "internal_passport": documents.get("internal_passport"),
        "military_id": documents.get("military_id", False),
        "passport_expires": passport.get("expires"),
        "summons": summons.get("kind", ""),
        "summons_date": summons.get("date"),
        "report_by": summons.get("report_by"),
        "in_register": summons.get("in_register", False),
        "served": summons.get("served", False),
        "purpose": summons.get("purpose", ""),
        "left_unit": situation.get("left_unit_date"),
        "criminal_case": situation.get("criminal_case", "none"),
        "travel_date": situation.get("travel_date"),
        "children": len(children),
        "adults": len(adults),
        "wished": situation.get("wished_destinations", []),
        "activism": situation.get("public_activism", False),
        "on_behalf": "1" if case.on_behalf else "0",
        "languages": case.languages,
        "help_wanted": case.help_wanted,
        "story": data["story"],
        "contact_channel": contact.get("channel", ""),
        "contact_handle": contact.get("handle", ""),
    }
    if initial["purpose"] == "unknown":
        initial["purpose"] = ""
    for i, child in enumerate(children):
        initial[f"child_{i}_age"] = child.get("age")
        initial[f"child_{i}_birth_certificate"] = child.get("birth_certificate", True)
        initial[f"child_{i}_passport"] = child.get("international_passport", False)
        initial[f"child_{i}_internal_passport"] = child.get("internal_passport", False)
    for i, adult in enumerate(adults):
        initial[f"adult_{i}_relation"] = adult.get("relation", "other")
        initial[f"adult_{i}_age"] = adult.get("age")
        initial[f"adult_{i}_internal_passport"] = adult.get("internal_passport", True)
        initial[f"adult_{i}_passport"] = adult.get("international_passport", False)
    return initial


@csrf_exempt  # see start()
def delete_case(request: HttpRequest) -> HttpResponse:
    seeker = _signed_in(request)
    if seeker is None:
        return redirect("intake:sign_in")
    if request.method == "POST":
        if not seekers.form_is_genuine(request, "delete"):
            return _refused(request)
        response = render(request, "intake/deleted.html")
        casework.do_delete_case(seeker.case)
        seekers.end_session(request, response)
        return response
    token = seekers.form_token("delete", request)
    return render(request, "intake/delete.html", {"token": token})


def quick_exit(request: HttpRequest) -> HttpResponse:
    """One tap, without JavaScript: his session ends on the server, the browser is told to drop
    what it kept of our pages, and he lands on a neutral site. A plain link (a GET) on purpose:
    a form would cost a second step and a token, and the worst a forged link can do is sign
    him out."""
    response = redirect(settings.QUICK_EXIT_URL)
    seekers.end_session(request, response)
    return response


@csrf_exempt  # see start()
def leave(request: HttpRequest) -> HttpResponse:
    if request.method != "POST" or not seekers.form_is_genuine(request, "leave"):
        return redirect("intake:mailbox")
    response = redirect("intake:landing")
    seekers.end_session(request, response)
    return response
