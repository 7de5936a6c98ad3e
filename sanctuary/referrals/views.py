"""Staff pages (partners, a case's referrals) and the partner's public page.

The partner's page works without JavaScript, sets no cookie, and answers alike for a link that
never existed and one that expired, was revoked, opened or destroyed. The code travels only in
a POST body.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sanctuary.accounts.access import acting_user, staff_only
from sanctuary.accounts.models import Role
from sanctuary.cases.access import get_file_for_user
from sanctuary.cases.models import CaseFile, Note
from sanctuary.intake import seeker as seekers
from sanctuary.keyring.services import Keychain, OpenedRecord, open_record
from sanctuary.referrals import present, services
from sanctuary.referrals.forms import CodeForm, PartnerForm, ReferralForm
from sanctuary.referrals.models import Partner, Referral, State
from sanctuary.referrals.packet import ITEMS, NOTE_PREFIX, offered

# ---- the case page's panel ---------------------------------------------------------------------


def case_section(
    file: CaseFile, keychain: Keychain, opened: OpenedRecord, forms: dict[str, Any]
) -> dict[str, Any]:
    """The case page's referrals with their true states, for cases/case.html's include
    (registered by ReferralsConfig.ready())."""
    user = keychain.user
    now = timezone.now()
    labels = dict(State.choices)
    rows = [
        {
            "referral": referral,
            "state": labels[services.shown_state(referral, now)],
            "items": [str(present.ITEM_LABELS.get(k, _("notes"))) for k in referral.items],
            "can_revoke": referral.state == State.WAITING and services.may_revoke(referral, user),
        }
        for referral in Referral.objects.filter(case=file.case).select_related(
            "partner", "created_by"
        )
    ]
    return {"referrals": {"rows": rows, "can_refer": services.can_refer(user)}}


# ---- partners ----------------------------------------------------------------------------------


@staff_only(Role.COORDINATOR)
def partners(request: HttpRequest) -> HttpResponse:
    form = PartnerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.do_add_partner(
            organisation=form.cleaned_data["organisation"],
            country=form.cleaned_data["country"],
            services=form.cleaned_data["services"],
            acting_user=acting_user(request),
        )
        messages.success(request, _("The partner is added."))
        return redirect("referrals:partners")
    return render(
        request, "referrals/partners.html", {"partners": Partner.objects.all(), "form": form}
    )


@staff_only(Role.COORDINATOR)
def partner(request: HttpRequest, pk: UUID) -> HttpResponse:
    found = get_object_or_404(Partner, pk=pk)
    form = PartnerForm(request.POST if request.method == "POST" else None, instance=found)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.do_change_partner(found, acting_user=acting_user(request), **values)
        messages.success(request, _("The partner is saved."))
        return redirect("referrals:partners")
    return render(request, "referrals/partner.html", {"partner": found, "form": form})


# ---- referring a case --------------------------------------------------------------------------


def _choices(file: CaseFile, keychain: Keychain) -> list[tuple[str, str]]:
    """What the case offers, each with a glimpse of its value so the counselor sees what goes."""
    opened = open_record(file.case, keychain)
    available = services.available_items(file, opened)
    authors = {
        f"{NOTE_PREFIX}{note.pk}": note
        for note in Note.objects.filter(case=file.case).select_related("author")
    }
    choices = []
    for key in offered(available):
        if key in ITEMS:
            glimpse = present.value_text(key, available[key])
            label = f"{present.ITEM_LABELS[key]}: {Truncator(glimpse).chars(80)}"
        else:
            note = authors[key]
            label = _("Note by %(who)s, %(when)s: %(text)s") % {
                "who": note.author.username if note.author else "—",
                "when": timezone.localdate(note.created_at).isoformat(),
                "text": Truncator(available[key]).chars(80),
            }
        choices.append((key, label))
    return choices


@staff_only(Role.COUNSELOR)
def new_referral(request: HttpRequest, pk: UUID) -> HttpResponse:
    file, keychain = get_file_for_user(request, pk)
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        offered=_choices(file, keychain),
        partners=Partner.objects.filter(active=True),
    )
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.do_create_referral(
                file,
                keychain=keychain,
                partner=form.cleaned_data["partner"],
                ticked=form.cleaned_data["items"],
                request=form.cleaned_data["request"],
                consent=form.cleaned_data["consent"],
                consent_how=form.cleaned_data["consent_how"],
                days=form.cleaned_data["days"],
                once=form.cleaned_data["once"],
            )
        except services.ReferralError as error:
            form.add_error(None, str(error))
        except IntegrityError:  # the same form posted twice at the same moment
            form.add_error(None, str(services.ALREADY_CREATED))
        else:
            link = request.build_absolute_uri(reverse("referrals:open", args=[issued.token]))
            return render(
                request,
                "referrals/issued.html",
                {"file": file, "referral": issued.referral, "link": link, "code": issued.code},
            )
    return render(request, "referrals/new.html", {"file": file, "form": form})


@staff_only()
@require_POST
def revoke(request: HttpRequest, pk: UUID, referral_pk: UUID) -> HttpResponse:
    file, _keychain = get_file_for_user(request, pk)
    user = acting_user(request)
    referral = Referral.objects.filter(pk=referral_pk, case=file.case).first()
    if referral is None or not services.may_revoke(referral, user):
        raise Http404
    if services.do_revoke_referral(referral, acting_user=user):
        messages.success(request, _("The referral is revoked: its packet is destroyed."))
    return redirect("cases:case", pk=file.pk)


# ---- the partner's page ------------------------------------------------------------------------


def _unavailable(request: HttpRequest) -> HttpResponse:
    return render(request, "referrals/unavailable.html", status=404)


@csrf_exempt  # no cookie on this page: seekers.form_is_genuine protects the form instead
def open_referral(request: HttpRequest, token: str) -> HttpResponse:
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not seekers.form_is_genuine(request, "referral"):
            return render(request, "intake/expired.html", status=403)
        if form.is_valid():
            # The open path checks the state and the expiry itself, under a row lock.
            opening = services.do_open_referral(token, form.cleaned_data["code"])
            if opening.outcome == "opened" and opening.packet is not None:
                return render(
                    request,
                    "referrals/packet.html",
                    {
                        "partner": opening.partner,
                        "rows": present.rows(opening.packet),
                        "notes": opening.packet.notes,
                        "request_text": opening.packet.request,
                    },
                )
            if opening.outcome == "exhausted":
                return render(request, "referrals/exhausted.html", status=403)
            if opening.outcome == "unavailable":
                return _unavailable(request)
            form.add_error(
                "code",
                _("This code does not open the referral. Tries left: %(left)d.")
                % {"left": opening.left},
            )
        elif services.find_waiting(token) is None:
            return _unavailable(request)
    elif services.find_waiting(token) is None:
        return _unavailable(request)
    token_field = seekers.form_token("referral", request)
    return render(request, "referrals/open.html", {"form": form, "token": token_field})
