"""Who may reach a case: only someone whose keys open it. "Not found" alike for a case that
does not exist and a case that is not yours."""

from uuid import UUID

from django.http import Http404, HttpRequest

from sanctuary.cases.models import CaseFile
from sanctuary.keyring import session
from sanctuary.keyring.groups import INTAKE
from sanctuary.keyring.services import Keychain


def get_file_for_user(request: HttpRequest, pk: UUID) -> tuple[CaseFile, Keychain]:
    keychain = session.keychain(request)
    file = CaseFile.objects.select_related("case", "counselor").filter(pk=pk).first()
    if keychain is None or file is None or not keychain.opens(file.case):
        raise Http404
    return file, keychain


def access_triage(request: HttpRequest) -> Keychain:
    """The triage queue is for members of the intake group: those who hold its key."""
    keychain = session.keychain(request)
    if keychain is None or not keychain.holds_group(INTAKE):
        raise Http404
    return keychain
