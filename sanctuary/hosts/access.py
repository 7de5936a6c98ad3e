"""Who may reach a host or an offer. Shelter coordinators holding the group key reach every
host; a host reaches only his own record and offers. "Not found" alike for missing and not
yours."""

from typing import Any

from django.http import Http404, HttpRequest

from sanctuary.accounts.access import acting_user
from sanctuary.hosts.models import Host, Offer
from sanctuary.keyring import session
from sanctuary.keyring.services import Keychain


def get_host_for_user(request: HttpRequest, pk: Any) -> tuple[Host, Keychain]:
    """For a shelter coordinator (checked by the view's decorator) whose keys open the host."""
    keychain = session.keychain(request)
    host = Host.objects.filter(pk=pk).first()
    if keychain is None or host is None or not keychain.opens(host):
        raise Http404
    return host, keychain


def get_offer_of_host(host: Host, pk: Any) -> Offer:
    offer = Offer.objects.filter(pk=pk, host=host).first()
    if offer is None:
        raise Http404
    return offer


def get_own_host(request: HttpRequest) -> tuple[Host, Keychain]:
    """The signed-in host's own record, which his keys open since he accepted his invitation."""
    keychain = session.keychain(request)
    host = Host.objects.filter(user=acting_user(request)).first()
    if keychain is None or host is None or not keychain.opens(host):
        raise Http404
    return host, keychain
