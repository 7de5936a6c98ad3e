"""What other apps' pages show of shelter: the case page's stay requests and the seeker's
"Your stay" section. ShelterConfig.ready() registers both with the page that shows them."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from sanctuary.cases.models import Case, CaseFile
from sanctuary.intake import seeker as seekers
from sanctuary.keyring import crypto
from sanctuary.keyring.services import Keychain, OpenedRecord
from sanctuary.shelter import services
from sanctuary.shelter.forms import SafetyReportForm, StayRequestForm
from sanctuary.shelter.models import AddressDisclosure, Proposal, Stay, StayRequest


def case_context(
    file: CaseFile, keychain: Keychain, opened: OpenedRecord, forms: dict[str, Any]
) -> dict[str, Any]:
    """The case page's "Shelter" section: the case's stay requests, what became of each (never
    the host's address: that is for the guest alone), and the form for a new one."""
    rows = []
    requests = StayRequest.objects.filter(case_id=file.case_id).prefetch_related(
        "proposals", "stays"
    )
    for request in requests:
        waiting = [p for p in request.proposals.all() if p.status == Proposal.Status.APPROVED]
        stays = [s for s in request.stays.all() if s.status != Stay.Status.CANCELLED]
        rows.append(
            {
                "request": request,
                "needs": opened.read_from(request, "needs"),
                "waiting": waiting[0] if waiting else None,
                "stay": stays[-1] if stays else None,
                "can_decline": bool(waiting)
                or any(s.status == Stay.Status.CONFIRMED for s in stays),
                "can_cancel": request.status != StayRequest.Status.CANCELLED,
            }
        )
    initial = {"children": file.children, "languages": ", ".join(file.case.languages or [])}
    return {
        "stay_requests": rows,
        "stay_request_form": forms.get("stay_request_form") or StayRequestForm(initial=initial),
    }


def seeker_context(
    request: HttpRequest, case: Case, keypair: crypto.KeyPair, report_form: Any = None
) -> dict[str, Any]:
    """The mailbox's "Your stay": only for a confirmed stay (the host accepted after the
    coordinator approved), with the address opened by the seeker's own key pair."""
    today = timezone.localdate()
    rows = []
    stays = Stay.objects.filter(request__case=case, status__in=services.ACTIVE_STAY)
    for stay in stays.select_related("offer", "proposal"):
        disclosure = (
            AddressDisclosure.objects.filter(proposal_id=stay.proposal_id).first()
            if stay.proposal_id
            else None
        )
        opened = (
            services.disclosure_for_seeker(disclosure, case.seeker, keypair) if disclosure else None
        )
        rows.append(
            {
                "stay": stay,
                "city": stay.offer.city_name,
                "last_day": stay.departure,
                "address": opened["address"] if opened else "",
                "contact": opened["contact"] if opened else "",
                "safety_open": stay.safety_check_in_open(today) and stay.guest_safe_at is None,
                "report_form": report_form or SafetyReportForm(auto_id=f"stay-{stay.pk}-%s"),
            }
        )
    return {
        "stays": rows,
        "stay_token": seekers.form_token("stay", request),
    }
