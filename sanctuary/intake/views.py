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

from sanctuary.cases import services as casework
from sanctuary.cases.models import Attachment, Case, CheckIn
from sanctuary.cases.services import do_confirm_check_in
from sanctuary.intake import sections, services
from sanctuary.intake import seeker as seekers
from sanctuary.intake.forms import CodenameForm, MessageForm, QuestionnaireForm
from sanctuary.intake.scrub import RejectedFile, scrub
from sanctuary.keyring import crypto
from sanctuary.keyring.services import read_bytes, read_field
from sanctuary.routes.services import knowledge_base_at_hand, live_knowledge_base

REJECTED_FILE_MESSAGES = {
    "too_large": gettext_lazy("is larger than 10 MB"),
    "unsupported_type": gettext_lazy("is not a JPEG, PNG or PDF file"),
    "damaged": gettext_lazy("is damaged or cannot be read"),
}


def _questionnaire(request: HttpRequest, data: object = None) -> QuestionnaireForm:
    return QuestionnaireForm(
        data, kb=live_knowledge_base(), lang=get_language() or "ru", today=timezone.localdate()
    )


def _refused(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/expired.html", status=403)


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/landing.html")


def _start_again(
    request: HttpRequest, form: QuestionnaireForm, status: int, **notice: object
) -> HttpResponse:
    """The questionnaire again with everything he typed and a fresh token, and why."""
    context = {"form": form, "token": seekers.form_token("start", request), **notice}
    return render(request, "intake/start.html", context, status=status)


@csrf_exempt  # no cookie before he submits: seeker.form_ticket protects the form instead
def start(request: HttpRequest) -> HttpResponse:
    try:
        return _start(request)
    except (OperationalError, InterfaceError):
        # The database went away (restarted, failed over). The questionnaire still opens; a
        # submission's transaction rolled back, so nothing of his is stored, and his answers
        # come back with a fresh token to send again.
        form = QuestionnaireForm(
            request.POST if request.method == "POST" else None,
            kb=knowledge_base_at_hand(),
            lang=get_language() or "ru",
            today=timezone.localdate(),
        )
        if request.method != "POST":
            return _start_again(request, form, 200)
        return _start_again(request, form, 503, busy=True)


def _start(request: HttpRequest) -> HttpResponse:
    form = _questionnaire(request, request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return render(
            request,
            "intake/start.html",
            {"form": form, "token": seekers.form_token("start", request)},
        )
    if not seekers.from_our_site(request):
        return _refused(request)
    ticket = seekers.form_ticket(request, "start")
    if ticket is None:
        # Sent twice, or open for more than six hours: his answers stay, a new token comes.
        return _start_again(request, form, 400, stale=True)
    if not form.is_valid():
        return _start_again(request, form, 200)
    wait = seekers.submission_wait(request, ticket)
    if wait:
        return _start_again(request, form, 429, wait=wait)
    try:
        # The case and his session are one write: he either sees his codename with the case
        # stored, or his answers again with nothing stored.
        with transaction.atomic():
            case, codename, keypair = services.do_submit_case(form.answers())
            response = render(request, "intake/codename.html", {"codename": codename})
            seekers.start_session(response, case, keypair)
    except casework.IntakeUnavailable:
        return _start_again(request, form, 503, busy=True)
    # Past the commit, his codename must reach him: a throttle count lost to a database that
    # just went away is the lesser harm.
    with contextlib.suppress(OperationalError, InterfaceError):
        seekers.note_submission(request)
    return response


@csrf_exempt  # see start()
def sign_in(request: HttpRequest) -> HttpResponse:
    form = CodenameForm(request.POST if request.method == "POST" else None)
    ticket = None
    if request.method == "POST":
        ticket = seekers.form_ticket(request, "sign_in")
        if ticket is None:
            return _refused(request)
        wait = seekers.codename_wait(request, ticket)
        if wait:
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
            except crypto.MalformedCodename:
                found = None
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
    return render(request, "intake/sign_in.html", {"form": form, "token": token})


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
                return redirect(reverse("intake:mailbox") + "#latest")
    context = {
        "form": form,
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
        form = _questionnaire(request)
        form.initial = initial_from_case(casework.read_case(seeker.case, key), seeker.case)
    token = seekers.form_token("update", request)
    return render(request, "intake/update.html", {"form": form, "token": token})


def initial_from_case(data: dict[str, Any], case: Case) -> dict[str, Any]:
    """The questionnaire filled in again from his case, for him to change."""
    situation = data["situation"]
    documents = situation.get("documents", {})
    passport = documents.get("international_passport") or {}
    summons = situation.get("summons") or {}
    location = situation.get("location", {})
    contact = data["contact"]
    children = [c for c in situation.get("companions", []) if c.get("relation") == "child"]
    return {
        "status": situation.get("status"),
        "location": location.get("kind"),
        "country": location.get("country", ""),
        "internal_passport": documents.get("internal_passport"),
        "military_id": documents.get("military_id", False),
        "passport_expires": passport.get("expires"),
        "summons": summons.get("kind", ""),
        "summons_date": summons.get("date"),
        "left_unit": situation.get("left_unit_date"),
        "criminal_case": situation.get("criminal_case", "none"),
        "children": len(children),
        "wished": situation.get("wished_destinations", []),
        "activism": situation.get("public_activism", False),
        "on_behalf": "1" if case.on_behalf else "0",
        "languages": case.languages,
        "help_wanted": case.help_wanted,
        "story": data["story"],
        "contact_channel": contact.get("channel", ""),
        "contact_handle": contact.get("handle", ""),
    }


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
