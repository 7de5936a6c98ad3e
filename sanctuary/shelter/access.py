"""Who may reach shelter pages. "Not found" alike for what does not exist and what is not yours:
a shelter coordinator is someone who holds the shelter group's key; a host reaches only the
proposals and stays of his own offers; a counselor only the requests of cases he holds."""

from uuid import UUID

from django.http import Http404, HttpRequest

from sanctuary.accounts.access import acting_user
from sanctuary.cases.access import get_file_for_user
from sanctuary.cases.models import CaseFile
from sanctuary.hosts.models import Host
from sanctuary.keyring import session
from sanctuary.keyring.groups import SHELTER_COORDINATORS
from sanctuary.keyring.services import Keychain
from sanctuary.shelter.models import Proposal, Stay, StayRequest


def access_coordinator(request: HttpRequest) -> Keychain:
    keychain = session.keychain(request)
    if keychain is None or not keychain.holds_group(SHELTER_COORDINATORS):
        raise Http404
    return keychain


def get_host_for_user(request: HttpRequest) -> Host:
    host = (
        Host.objects.filter(user=acting_user(request), active=True)
        .defer("name", "address", "contact")
        .first()
    )
    if host is None:
        raise Http404
    return host


def get_proposal_for_host(request: HttpRequest, pk: UUID) -> Proposal:
    host = get_host_for_user(request)
    proposal = (
        Proposal.objects.filter(pk=pk, offer__host=host, status=Proposal.Status.APPROVED)
        .select_related("request", "offer")
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal


def get_stay_for_host(request: HttpRequest, pk: UUID) -> Stay:
    host = get_host_for_user(request)
    stay = Stay.objects.filter(pk=pk, offer__host=host).select_related("offer").first()
    if stay is None:
        raise Http404
    return stay


def get_request_for_user(
    request: HttpRequest, case_pk: UUID, pk: UUID
) -> tuple[CaseFile, Keychain, StayRequest]:
    file, keychain = get_file_for_user(request, case_pk)
    stay_request = StayRequest.objects.filter(pk=pk, case_id=file.case_id).first()
    if stay_request is None:
        raise Http404
    return file, keychain, stay_request
