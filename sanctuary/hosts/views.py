"""Shelter coordinators' pages (hosts, vetting, offers, import) and the host's portal."""

import base64
import zlib
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanctuary.accounts.access import acting_user, staff_only
from sanctuary.accounts.models import Role
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.hosts import messages as texts
from sanctuary.hosts import services, sheet
from sanctuary.hosts.access import get_host_for_user, get_offer_of_host, get_own_host
from sanctuary.hosts.forms import (
    LANGUAGE_CODES,
    HostForm,
    ImportForm,
    OfferForm,
    VettingForm,
    country_name,
)
from sanctuary.hosts.models import Host, Offer, Tier
from sanctuary.hosts.policy import allows_for
from sanctuary.hosts.vetting import VettingRefused
from sanctuary.keyring import session
from sanctuary.keyring.services import Keychain, OpenedRecord, open_record

PER_PAGE = 50


def _keychain(request: HttpRequest) -> Keychain:
    keychain = session.keychain(request)
    if keychain is None:
        raise Http404
    return keychain


@staff_only(Role.SHELTER_COORDINATOR)
def host_list(request: HttpRequest) -> HttpResponse:
    """Plain columns only: nothing here opens a sealed field."""
    active_offers = Q(offers__active=True)
    hosts = (
        Host.objects.only("id", "reference", "country", "city", "tier", "active")
        .annotate(
            offer_count=Count("offers", filter=active_offers),
            bed_count=Sum("offers__beds", filter=active_offers),
        )
        .order_by("country", "city", "reference")
    )
    page = Paginator(hosts, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {"host": host, "country": country_name(host.country), "tier": Tier(host.tier).label}
        for host in page.object_list
    ]
    return render(request, "hosts/list.html", {"rows": rows, "page": page})


@staff_only(Role.SHELTER_COORDINATOR)
def invite(request: HttpRequest) -> HttpResponse:
    form = HostForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            host, token = services.do_invite_host(
                **form.cleaned_data, acting_user=acting_user(request)
            )
        except services.HostsError as error:
            form.add_error(None, str(error))
        else:
            link = request.build_absolute_uri(reverse("accounts:accept", args=[token]))
            context = {"host": host, "created_link": link}
            return render(request, "hosts/invited.html", context)
    return render(request, "hosts/invite.html", {"form": form})


def _vetting_history(host: Host) -> list[Any]:
    return list(host.vetting_steps.select_related("by").order_by("at", "pk"))


def _host_page(
    request: HttpRequest,
    host: Host,
    keychain: Keychain,
    *,
    vetting_form: VettingForm | None = None,
    created_link: str = "",
) -> HttpResponse:
    opened = open_record(host, keychain)
    offers = list(host.offers.order_by("-active", "first_night"))
    context = {
        "host": host,
        "name": opened.text("name"),
        "address": opened.text("address"),
        "contact": opened.text("contact"),
        "country": country_name(host.country),
        "tier": Tier(host.tier).label,
        "allows": allows_for(host.tier),
        "steps": _vetting_history(host),
        "vetting_form": vetting_form or VettingForm(),
        "offers": [{"offer": o, "notes": opened.read_from(o, "notes")} for o in offers],
        "created_link": created_link,
        "invitation": host.invitation,
        "openings": AuditEntry.objects.filter(
            object_type="hosts.host", object_id=str(host.pk), action=Action.RECORD_OPENED
        ).count(),
    }
    return render(request, "hosts/host.html", context)


@staff_only(Role.SHELTER_COORDINATOR)
def host_page(request: HttpRequest, pk: UUID) -> HttpResponse:
    host, keychain = get_host_for_user(request, pk)
    return _host_page(request, host, keychain)


@staff_only(Role.SHELTER_COORDINATOR)
@require_POST
def vet(request: HttpRequest, pk: UUID) -> HttpResponse:
    host, keychain = get_host_for_user(request, pk)
    form = VettingForm(request.POST)
    if form.is_valid():
        try:
            services.do_vet(
                host,
                kind=form.cleaned_data["kind"],
                target=form.cleaned_data.get("target"),
                acting_user=acting_user(request),
            )
        except VettingRefused as refusal:
            form.add_error(None, str(texts.VETTING_REFUSALS.get(refusal.code, refusal.code)))
        else:
            messages.success(request, _("The vetting step is recorded."))
            return redirect("hosts:host", pk=host.pk)
    return _host_page(request, host, keychain, vetting_form=form)


@staff_only(Role.SHELTER_COORDINATOR)
@require_POST
def set_active(request: HttpRequest, pk: UUID) -> HttpResponse:
    host, _keychain = get_host_for_user(request, pk)
    active = request.POST.get("active") == "1"
    services.do_set_active(host, active=active, acting_user=acting_user(request))
    if active:
        messages.success(request, _("The host is active again."))
    else:
        messages.success(request, _("The host is deactivated: his offers leave matching."))
    return redirect("hosts:host", pk=host.pk)


@staff_only(Role.SHELTER_COORDINATOR)
@require_POST
def new_invitation(request: HttpRequest, pk: UUID) -> HttpResponse:
    host, keychain = get_host_for_user(request, pk)
    try:
        token = services.do_new_invitation(host, keychain=keychain)
    except services.HostsError as error:
        messages.error(request, str(error))
        return redirect("hosts:host", pk=host.pk)
    link = request.build_absolute_uri(reverse("accounts:accept", args=[token]))
    return _host_page(request, host, keychain, created_link=link)


# ---- offers ----------------------------------------------------------------------------------


def _offer_initial(offer: Offer, opened: OpenedRecord) -> dict[str, Any]:
    initial = {name: getattr(offer, name) for name in services.OFFER_FIELDS}
    return {**initial, "languages": offer.languages, "notes": opened.read_from(offer, "notes")}


def _offer_form(
    request: HttpRequest,
    host: Host,
    keychain: Keychain,
    offer: Offer | None,
    *,
    done_url: str,
    cancel_url: str,
) -> HttpResponse:
    if not host.active or (offer is not None and not offer.active):
        raise Http404
    opened = open_record(host, keychain)
    if offer is None:
        initial: dict[str, Any] = {
            "country": host.country,
            "city": host.city,
            "languages": host.languages,
            "accepts_men_only_parties": True,
            "accepts_children": True,
        }
    else:
        initial = _offer_initial(offer, opened)
    form = OfferForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        previous_first_night=offer.first_night if offer is not None else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.do_save_offer(
                host,
                offer=offer,
                data=form.cleaned_data,
                opened=opened,
                acting_user=acting_user(request),
            )
        except services.HostsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The offer is saved."))
            return redirect(done_url)
    context = {"form": form, "offer": offer, "cancel_url": cancel_url}
    return render(request, "hosts/offer_form.html", context)


@staff_only(Role.SHELTER_COORDINATOR)
def offer_new(request: HttpRequest, pk: UUID) -> HttpResponse:
    host, keychain = get_host_for_user(request, pk)
    url = reverse("hosts:host", args=[host.pk])
    return _offer_form(request, host, keychain, None, done_url=url, cancel_url=url)


@staff_only(Role.SHELTER_COORDINATOR)
def offer_edit(request: HttpRequest, pk: UUID, offer_pk: UUID) -> HttpResponse:
    host, keychain = get_host_for_user(request, pk)
    offer = get_offer_of_host(host, offer_pk)
    url = reverse("hosts:host", args=[host.pk])
    return _offer_form(request, host, keychain, offer, done_url=url, cancel_url=url)


@staff_only(Role.SHELTER_COORDINATOR)
@require_POST
def offer_withdraw(request: HttpRequest, pk: UUID, offer_pk: UUID) -> HttpResponse:
    host, _keychain = get_host_for_user(request, pk)
    offer = get_offer_of_host(host, offer_pk)
    services.do_withdraw_offer(offer, acting_user=acting_user(request))
    messages.success(request, _("The offer is withdrawn."))
    return redirect("hosts:host", pk=host.pk)


# ---- import ----------------------------------------------------------------------------------


def _checked(data: bytes) -> sheet.Checked:
    """The sheet read and checked, with the rows naming an unknown host among the problems
    (as the import would find them), so that the preview shows every error."""
    table = sheet.read_table(data)
    checked = sheet.check_table(table, today=timezone.localdate(), languages=LANGUAGE_CODES)
    references = {row.host_ref for row in checked.rows if row.host_ref}
    known = set(
        Host.objects.active().filter(reference__in=references).values_list("reference", flat=True)
    )
    unknown = [row for row in checked.rows if row.host_ref and row.host_ref not in known]
    checked.rows = [row for row in checked.rows if row not in unknown]
    checked.problems += [sheet.Problem(row.row, "host_ref", "unknown_host") for row in unknown]
    checked.problems.sort(key=lambda p: (p.row, p.field))
    return checked


def _pack(data: bytes) -> str:
    """The previewed file, for the confirmation form to send back: compressed, base64. It
    goes back only to the browser that sent it; nothing is kept on the server."""
    return base64.b64encode(zlib.compress(data, 9)).decode()


def _unpack(text: str) -> bytes | None:
    try:
        packed = base64.b64decode(text.encode(), validate=True)
        inflater = zlib.decompressobj()
        data = inflater.decompress(packed, sheet.MAX_BYTES + 1)
    except (ValueError, zlib.error):
        return None
    if inflater.unconsumed_tail or len(data) > sheet.MAX_BYTES:
        return None  # larger than any sheet the upload accepts
    return data


def _preview_rows(rows: list[sheet.OfferRow]) -> list[dict[str, Any]]:
    rules = {
        "accepts_men_only_parties": _("men alone"),
        "women_only": _("women only"),
        "accepts_children": _("children"),
        "families_only": _("families only"),
        "accepts_pets": _("pets"),
        "step_free": _("step-free"),
        "one_party": _("one party at a time"),
    }
    return [
        {
            "row": row,
            "country": f"{country_name(row.country)} ({row.country})",
            "rules": [label for name, label in rules.items() if getattr(row, name)],
        }
        for row in rows
    ]


@staff_only(Role.SHELTER_COORDINATOR)
def import_offers(request: HttpRequest) -> HttpResponse:
    """Two steps: the uploaded sheet is checked and previewed (what would be created, every
    error; nothing is written); the confirmation sends the same file back and imports it,
    checked again."""
    keychain = _keychain(request)
    posted = request.method == "POST"
    confirming = posted and "packed" in request.POST
    form = ImportForm(
        request.POST if posted and not confirming else None,
        request.FILES if posted and not confirming else None,
    )
    context: dict[str, Any] = {"form": form, "columns": sheet.COLUMNS}
    data: bytes | None = None
    if confirming:
        data = _unpack(request.POST["packed"])
        if data is None:
            context["refused"] = _("The previewed sheet did not come back whole: upload it again.")
    elif posted and form.is_valid():
        data = form.cleaned_data["sheet"].read(sheet.MAX_BYTES + 1)
    if data is None:
        return render(request, "hosts/import.html", context, status=400 if confirming else 200)
    try:
        checked = _checked(data)
    except sheet.SheetUnreadable as error:
        if confirming:
            context["refused"] = texts.unreadable(error)
            return render(request, "hosts/import.html", context, status=400)
        form.add_error("sheet", texts.unreadable(error))
        return render(request, "hosts/import.html", context)
    problems = [texts.problem(p) for p in checked.problems]
    if not confirming:
        context.update(
            preview=_preview_rows(checked.rows),
            problems=problems,
            packed=_pack(data) if checked.rows else "",
            new_hosts=sum(1 for row in checked.rows if not row.host_ref),
        )
        return render(request, "hosts/import.html", context)
    try:
        result = services.do_import_offers(
            checked.rows, problems=checked.problems, keychain=keychain
        )
    except services.HostsError as error:
        context["refused"] = str(error)
    else:
        context["result"] = result
        context["problems"] = [texts.problem(p) for p in result.problems]
        context["form"] = ImportForm()
    return render(request, "hosts/import.html", context)


TEMPLATE_FORMATS = {
    "csv": ("text/csv", "csv", ","),
    "csv-semicolon": ("text/csv", "csv", ";"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", ""),
}


@staff_only(Role.SHELTER_COORDINATOR)
def import_template(request: HttpRequest) -> HttpResponse:
    """The column names, in English or Russian (``headers``), and one invented example row,
    as CSV with commas, CSV with semicolons, or XLSX (``format``)."""
    kind = request.GET.get("format", "csv")
    if kind not in TEMPLATE_FORMATS:
        raise Http404
    language = "ru" if request.GET.get("headers") == "ru" else "en"
    rows = sheet.template_rows(language, timezone.localdate())
    content_type, extension, delimiter = TEMPLATE_FORMATS[kind]
    xlsx = extension == "xlsx"
    body = sheet.template_xlsx(rows) if xlsx else sheet.template_csv(rows, delimiter)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="offers-{language}.{extension}"'
    return response


# ---- the host's portal -----------------------------------------------------------------------


@staff_only(Role.HOST)
def portal(request: HttpRequest) -> HttpResponse:
    host, keychain = get_own_host(request)
    opened = open_record(host, keychain)
    offers = [
        {"offer": o, "notes": opened.read_from(o, "notes")}
        for o in host.offers.order_by("-active", "first_night")
    ]
    context = {
        "host": host,
        "name": opened.text("name"),
        "address": opened.text("address"),
        "contact": opened.text("contact"),
        "country": country_name(host.country),
        "offers": offers,
    }
    return render(request, "hosts/portal.html", context)


@staff_only(Role.HOST)
def portal_offer_new(request: HttpRequest) -> HttpResponse:
    host, keychain = get_own_host(request)
    url = reverse("portal:home")
    return _offer_form(request, host, keychain, None, done_url=url, cancel_url=url)


@staff_only(Role.HOST)
def portal_offer_edit(request: HttpRequest, offer_pk: UUID) -> HttpResponse:
    host, keychain = get_own_host(request)
    offer = get_offer_of_host(host, offer_pk)
    url = reverse("portal:home")
    return _offer_form(request, host, keychain, offer, done_url=url, cancel_url=url)


@staff_only(Role.HOST)
@require_POST
def portal_offer_withdraw(request: HttpRequest, offer_pk: UUID) -> HttpResponse:
    host, _keychain = get_own_host(request)
    offer = get_offer_of_host(host, offer_pk)
    services.do_withdraw_offer(offer, acting_user=acting_user(request))
    messages.success(request, _("The offer is withdrawn."))
    return redirect("portal:home")
