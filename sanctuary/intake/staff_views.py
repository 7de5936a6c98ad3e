"""The staff side of the mailbox: the cases a person holds a key to, and replies. Casework
builds triage, assignment and the rest on top of this."""

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from sanctuary.accounts.access import staff_only
from sanctuary.intake import services
from sanctuary.intake.forms import MAX_MESSAGE
from sanctuary.intake.models import Case, HelpWanted
from sanctuary.keyring import session
from sanctuary.keyring.models import SealedKey
from sanctuary.keyring.services import Keychain, open_record
from sanctuary.routes.knowledge import STALE_AFTER_DAYS
from sanctuary.routes.services import advice_for_situation
from sanctuary.routes.situation import SituationError
from sanctuary.routes.views import present_advice


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply to the seeker"), max_length=MAX_MESSAGE, widget=forms.Textarea
    )


def cases_for_keychain(keychain: Keychain | None) -> "list[Case]":
    if keychain is None:
        return []
    ids = SealedKey.objects.filter(
        record_type="intake.case", holder_id__in=keychain.keypairs
    ).values_list("record_id", flat=True)
    return list(Case.objects.filter(pk__in=list(ids)))


def get_case_for_user(request: HttpRequest, pk: str) -> tuple[Case, Keychain]:
    """The case, for someone who holds its key; "not found" alike for missing and not yours."""
    keychain = session.keychain(request)
    case = Case.objects.filter(pk=pk).first()
    if keychain is None or case is None:
        raise Http404
    if not SealedKey.objects.for_record(case).filter(holder_id__in=keychain.keypairs).exists():
        raise Http404
    return case, keychain


@staff_only()
def case_list(request: HttpRequest) -> HttpResponse:
    keychain = session.keychain(request)
    help_labels = dict(HelpWanted.choices)
    rows = [
        {"case": case, "help": [help_labels.get(h, h) for h in case.help_wanted]}
        for case in cases_for_keychain(keychain)
    ]
    return render(request, "intake/staff_cases.html", {"rows": rows, "has_keys": bool(keychain)})


def _case_page(
    request: HttpRequest, case: Case, keychain: Keychain, form: ReplyForm
) -> HttpResponse:
    opened = open_record(case, keychain)
    data = services.read_case(case, opened.key)
    context = {
        "case": case,
        "data": data,
        "thread": services.thread(case, opened.key),
        "form": form,
        "answer": _advice(data["situation"]),
        "stale_after": STALE_AFTER_DAYS,
    }
    return render(request, "intake/staff_case.html", context)


def _advice(situation: dict[str, Any]) -> dict[str, Any] | None:
    """The routes engine's advice for the case's situation as it stands today."""
    try:
        advice = advice_for_situation(
            {**situation, "today": timezone.localdate().isoformat()}, get_language() or "ru"
        )
    except SituationError:
        return None
    return present_advice(advice)


@staff_only()
def case_detail(request: HttpRequest, pk: str) -> HttpResponse:
    case, keychain = get_case_for_user(request, pk)
    return _case_page(request, case, keychain, ReplyForm())


@staff_only()
@require_POST
def reply(request: HttpRequest, pk: str) -> HttpResponse:
    case, keychain = get_case_for_user(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, keychain, form)
    services.do_staff_reply(case, body=form.cleaned_data["body"], keychain=keychain)
    return redirect("intake_staff:case", pk=case.pk)
