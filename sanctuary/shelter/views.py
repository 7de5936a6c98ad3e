"""Shelter pages: the coordinators' plan, the host's answers and stays, the counselor's stay
requests on the case page, and the seeker's safety check-in and report from his mailbox."""

from contextlib import suppress
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sanctuary.accounts.access import acting_user, staff_only
from sanctuary.accounts.models import Role
from sanctuary.cases.access import get_file_for_user
from sanctuary.cases.models import CaseFile
from sanctuary.cases.services import urgency_of
from sanctuary.cases.views import render_case_page
from sanctuary.hosts.models import Host, Offer
from sanctuary.intake import seeker as seekers
from sanctuary.keyring import session
from sanctuary.keyring.services import Keychain, open_record
from sanctuary.shelter import services
from sanctuary.shelter.access import (
    access_coordinator,
    get_host_for_user,
    get_proposal_for_host,
    get_request_for_user,
    get_stay_for_host,
)
from sanctuary.shelter.forms import OverrideForm, SafetyReportForm, StayRequestForm
from sanctuary.shelter.matcher import Rule, segment_of
from sanctuary.shelter.matcher import urgency_of as urgency_class
from sanctuary.shelter.models import Proposal, SafetyReport, Stay, StayRequest
from sanctuary.shelter.reasons import (
    CHANGES,
    SEGMENTS,
    URGENCIES,
    describe,
    describe_all,
    language,
    party,
)

# ---- shelter coordinators -----------------------------------------------------------------------


def _override_form(data: Any = None) -> OverrideForm:
    today = timezone.localdate()
    return OverrideForm(
        data,
        requests=services.open_requests(today),
        offers=list(
            Offer.objects.active().filter(last_night__gte=today).defer("notes").order_by("city")
        ),
    )


def _plan_page(
    request: HttpRequest, keychain: Keychain, override_form: OverrideForm | None = None
) -> HttpResponse:
    run = services.latest_run()
    proposals: list[dict[str, Any]] = []
    unplaced: list[dict[str, Any]] = []
    segments: list[dict[str, Any]] = []
    by_hand: list[dict[str, Any]] = []
    changed: list[str] = []
    if run is not None:
        rows = list(
            Proposal.objects.filter(run=run)
            .select_related("request", "offer__host", "override")
            .defer(
                "request__needs",
                "offer__notes",
                "override__reason",
                "offer__host__name",
                "offer__host__address",
                "offer__host__contact",
            )
        )
        files = (
            CaseFile.objects.select_related("case")
            .only("case__id", *PLAIN_FILE_FIELDS)
            .prefetch_related("case__check_ins")
            .in_bulk({p.request.case_id for p in rows})
        )
        for p in rows:
            row = _readable(p, files.get(p.request.case_id))
            (by_hand if p.status == Proposal.Status.BY_HAND else proposals).append(row)
        changed = [str(CHANGES[part]) for part in services.out_of_date(run)]
        requests = StayRequest.objects.defer("needs").in_bulk([u["request"] for u in run.unplaced])
        handled = {str(row["proposal"].request_id) for row in by_hand}
        unplaced = [
            {
                "request": requests.get(UUID(u["request"])),  # nosec B113  # a dict
                "persons": u["persons"],
                "reasons": describe_all(u["reasons"]),
            }
            for u in run.unplaced
            if u["request"] not in handled
        ]
        segments = [
            {**s, "label": SEGMENTS.get(s["segment"], s["segment"]), "met": _met(s)}
            for s in run.segments
        ]
    waiting = (
        Proposal.objects.filter(status=Proposal.Status.APPROVED)
        .select_related("request", "offer")
        .defer("request__needs", "offer__notes")
        .order_by("answer_by")
    )
    stays = (
        Stay.objects.filter(status__in=services.ACTIVE_STAY)
        .select_related("offer")
        .defer("offer__notes")
        .order_by("-flagged_at", "first_night")
    )
    reports = [
        {"report": report, "body": open_record(report, keychain).text("body")}
        for report in SafetyReport.objects.filter(
            stay__status__in=services.ACTIVE_STAY
        ).select_related("stay__offer")
    ]
    context = {
        "run": run,
        "proposals": proposals,
        "approvable": any(p["proposal"].status == Proposal.Status.PROPOSED for p in proposals),
        "unplaced": unplaced,
        "by_hand": by_hand,
        "changed": changed,
        "segments": segments,
        "waiting": waiting,
        "stays": stays,
        "flagged": [s for s in stays if s.flagged_at],
        "reports": reports,
        "open_requests": StayRequest.objects.filter(status=StayRequest.Status.OPEN).count(),
        "override_form": override_form or _override_form(),
    }
    return render(request, "shelter/plan.html", context)


# What the case's urgency score reads (cases.services.urgency_of): plain columns only.
PLAIN_FILE_FIELDS = (
    "case_type",
    "stage",
    "received_at",
    "summons_date",
    "left_unit_date",
    "detained",
    "criminal_case",
    "children",
    "last_reply_at",
)
HEADLINES = frozenset({"only_free_home", "other_free_homes"})


def _readable(p: Proposal, file: CaseFile | None) -> dict[str, Any]:
    """A proposal as a person reads it: the host (code, tier, languages), the nights, the
    party (segment, priority, the case's urgency), and its reasons in three groups: the
    headline, why this home, and why not the best others."""
    request = p.request
    mr = services.matcher_request(request)
    host = p.offer.host
    return {
        "proposal": p,
        "host": host,
        "host_languages": [language(code) for code in host.languages],
        "segment": SEGMENTS.get(segment_of(mr).value, ""),
        "priority": URGENCIES.get(urgency_class(mr).name, ""),
        "urgency": urgency_of(file) if file is not None else None,
        "party": party(request.adult_men, request.adult_women, request.children),
        "headline": [describe(c, prm) for c, prm in p.reasons if c in HEADLINES],
        "reasons": [
            describe(c, prm)
            for c, prm in p.reasons
            if c not in HEADLINES and not c.startswith("passed_")
        ],
        "passed": [describe(c, prm) for c, prm in p.reasons if c.startswith("passed_")],
    }


def _met(segment: dict[str, Any]) -> bool:
    requested = segment["requested"]
    return not requested or segment["placed"] / requested >= segment["floor"]


@staff_only(Role.SHELTER_COORDINATOR)
def plan(request: HttpRequest) -> HttpResponse:
    keychain = access_coordinator(request)
    return _plan_page(request, keychain)


@staff_only(Role.SHELTER_COORDINATOR)
@require_POST
def run_matcher(request: HttpRequest) -> HttpResponse:
    access_coordinator(request)
    run = services.do_run_matcher(acting_user(request))
    count = run.proposals.count()
    messages.success(
        request,
        ngettext(
            "The matcher proposed %(count)s stay.", "The matcher proposed %(count)s stays.", count
        )
        % {"count": count},
    )
    return redirect("shelter:plan")


@staff_only(Role.SHELTER_COORDINATOR)
@require_POST
def approve(request: HttpRequest) -> HttpResponse:
    keychain = access_coordinator(request)
    try:
        ids = [UUID(value) for value in request.POST.getlist("proposal")]
    except ValueError:
        ids = []
    if not ids:
        messages.error(request, _("Choose at least one proposal of the plan."))
        return redirect("shelter:plan")
    try:
        result = services.do_approve(ids, keychain=keychain)
    except services.ShelterError as error:
        messages.error(request, str(error))
        return redirect("shelter:plan")
    count = len(result.approved)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)s proposal approved: the host has been asked.",
                "%(count)s proposals approved: the hosts have been asked.",
                count,
            )
            % {"count": count},
        )
    for proposal, why in result.refused:
        messages.error(
            request,
            _("Not approved: host %(host)s, %(city)s from %(first)s: %(why)s")
            % {
                "host": proposal.offer.host.reference,
                "city": proposal.offer.city_name,
                "first": date_format(proposal.first_night, "SHORT_DATE_FORMAT"),
                "why": why,
            },
        )
    return redirect("shelter:plan")


@staff_only(Role.SHELTER_COORDINATOR)
@require_POST
def add_override(request: HttpRequest) -> HttpResponse:
    keychain = access_coordinator(request)
    form = _override_form(request.POST)
    if form.is_valid():
        stay_request = StayRequest.objects.get(pk=form.cleaned_data["request"])
        offer = Offer.objects.get(pk=form.cleaned_data["offer"])
        try:
            services.do_add_override(
                stay_request,
                offer,
                rule=Rule(form.cleaned_data["rule"]),
                reason=form.cleaned_data["reason"],
                keychain=keychain,
            )
        except services.ShelterError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The override is written; run the matcher to use it."))
            return redirect("shelter:plan")
    return _plan_page(request, keychain, override_form=form)


# ---- hosts ---------------------------------------------------------------------------------------


def _host_page(
    request: HttpRequest, host: Host, report_for: UUID | None = None, report_form: Any = None
) -> HttpResponse:
    proposals = (
        Proposal.objects.filter(offer__host=host, status=Proposal.Status.APPROVED)
        .select_related("request", "offer")
        .defer("request__needs", "offer__notes")
        .order_by("answer_by")
    )
    today = timezone.localdate()
    stays = [
        {
            "stay": stay,
            "safety_open": stay.safety_check_in_open(today) and stay.host_safe_at is None,
            "report_form": report_form
            if stay.pk == report_for
            else SafetyReportForm(auto_id=f"stay-{stay.pk}-%s"),
        }
        for stay in Stay.objects.filter(offer__host=host, status__in=services.ACTIVE_STAY)
        .select_related("request", "offer")
        .defer("request__needs", "offer__notes")
    ]
    context = {"host": host, "proposals": proposals, "stays": stays}
    return render(request, "shelter/host.html", context, status=400 if report_form else 200)


@staff_only(Role.HOST)
def host_home(request: HttpRequest) -> HttpResponse:
    host = get_host_for_user(request)
    return _host_page(request, host)


def _host_keychain(request: HttpRequest) -> Keychain:
    keychain = session.keychain(request)
    if keychain is None:
        raise Http404
    return keychain


@staff_only(Role.HOST)
@require_POST
def host_accept(request: HttpRequest, pk: UUID) -> HttpResponse:
    proposal = get_proposal_for_host(request, pk)
    try:
        services.do_host_accept(proposal, keychain=_host_keychain(request))
    except services.ShelterError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you: the stay is confirmed and the guest is told."))
    return redirect("shelter:host")


@staff_only(Role.HOST)
@require_POST
def host_decline(request: HttpRequest, pk: UUID) -> HttpResponse:
    proposal = get_proposal_for_host(request, pk)
    try:
        services.do_host_decline(proposal, acting_user=acting_user(request))
    except services.ShelterError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Declined. This guest will not be proposed to you again."))
    return redirect("shelter:host")


@staff_only(Role.HOST)
@require_POST
def host_stay_action(request: HttpRequest, pk: UUID, action: str) -> HttpResponse:
    stay = get_stay_for_host(request, pk)
    user = acting_user(request)
    actions = {
        "check-in": lambda: services.do_check_in(stay, acting_user=user),
        "check-out": lambda: services.do_check_out(stay, acting_user=user),
        "safe": lambda: services.do_safety_check_in(
            stay, side=SafetyReport.Side.HOST, acting_user=user
        ),
    }
    if action not in actions:
        raise Http404
    try:
        actions[action]()
    except services.ShelterError as error:
        messages.error(request, str(error))
    return redirect("shelter:host")


@staff_only(Role.HOST)
@require_POST
def host_report(request: HttpRequest, pk: UUID) -> HttpResponse:
    stay = get_stay_for_host(request, pk)
    form = SafetyReportForm(request.POST, auto_id=f"stay-{stay.pk}-%s")
    if not form.is_valid():
        return _host_page(request, get_host_for_user(request), stay.pk, form)
    try:
        services.do_safety_report(
            stay,
            side=SafetyReport.Side.HOST,
            body=form.cleaned_data["body"],
            acting_user=acting_user(request),
        )
    except services.ShelterError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your report reached the shelter coordinators."))
    return redirect("shelter:host")


# ---- counselors, from the case page --------------------------------------------------------------


@staff_only()
@require_POST
def create_request(request: HttpRequest, pk: UUID) -> HttpResponse:
    file, keychain = get_file_for_user(request, pk)
    form = StayRequestForm(request.POST)
    if not form.is_valid():
        return render_case_page(request, file, keychain, stay_request_form=form)
    services.do_create_request(file, data=form.cleaned_data, keychain=keychain)
    messages.success(request, _("The stay request is waiting for the matcher."))
    return redirect("cases:case", pk=file.pk)


@staff_only()
@require_POST
def guest_declines(request: HttpRequest, pk: UUID, request_pk: UUID) -> HttpResponse:
    file, _keychain, stay_request = get_request_for_user(request, pk, request_pk)
    try:
        services.do_guest_declines(stay_request, acting_user=acting_user(request))
    except services.ShelterError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Declined for the guest; this host will not be proposed again.")
        )
    return redirect("cases:case", pk=file.pk)


@staff_only()
@require_POST
def cancel_request(request: HttpRequest, pk: UUID, request_pk: UUID) -> HttpResponse:
    file, _keychain, stay_request = get_request_for_user(request, pk, request_pk)
    services.do_cancel_request(stay_request, acting_user=acting_user(request))
    messages.success(request, _("The stay request is cancelled."))
    return redirect("cases:case", pk=file.pk)


# ---- the seeker, from his mailbox ----------------------------------------------------------------


def _seeker_stay(request: HttpRequest, pk: UUID) -> tuple[seekers.Seeker, Stay] | None:
    seeker = seekers.current_seeker(request)
    if seeker is None:
        return None
    stay = Stay.objects.filter(
        pk=pk, request__case=seeker.case, status__in=services.ACTIVE_STAY
    ).first()
    if stay is None:
        raise Http404
    return seeker, stay


@csrf_exempt  # seeker pages set no CSRF cookie: seeker.form_is_genuine protects the form
def seeker_safe(request: HttpRequest, pk: UUID) -> HttpResponse:
    found = _seeker_stay(request, pk)
    if found is None:
        return redirect("intake:sign_in")
    if request.method != "POST":
        return redirect("intake:mailbox")
    if not seekers.form_is_genuine(request, "stay"):
        return render(request, "intake/expired.html", status=403)
    # The button shows only once the check-in is open; a stale form changes nothing.
    with suppress(services.ShelterError):
        services.do_safety_check_in(found[1], side=SafetyReport.Side.GUEST, acting_user=None)
    return redirect("intake:mailbox")


@csrf_exempt  # see seeker_safe
def seeker_report(request: HttpRequest, pk: UUID) -> HttpResponse:
    found = _seeker_stay(request, pk)
    if found is None:
        return redirect("intake:sign_in")
    _seeker, stay = found
    form = SafetyReportForm(
        request.POST if request.method == "POST" else None, auto_id=f"stay-{stay.pk}-%s"
    )
    if request.method == "POST":
        if not seekers.form_is_genuine(request, "stay"):
            return render(request, "intake/expired.html", status=403)
        if form.is_valid():
            services.do_safety_report(
                stay, side=SafetyReport.Side.GUEST, body=form.cleaned_data["body"], acting_user=None
            )
            return render(request, "shelter/seeker_reported.html")
    context = {"stay": stay, "form": form, "token": seekers.form_token("stay", request)}
    return render(
        request,
        "shelter/seeker_report.html",
        context,
        status=400 if form.is_bound else 200,
    )
