"""The pending-access pages: copies of keys that colleagues wait for and this person's keys can
seal. They live with the accounts (who is who) on top of the keyring (what is sealed to whom)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanctuary.accounts.access import staff_only
from sanctuary.keyring import session
from sanctuary.keyring.services import NoAccess, fulfil_pending, pending_for


@staff_only()
def pending(request: HttpRequest) -> HttpResponse:
    """Copies colleagues are waiting for that this person's keys can seal."""
    keychain = session.keychain(request)
    rows = pending_for(keychain) if keychain else []
    context = {"rows": rows, "has_keys": keychain is not None}
    return render(request, "keyring/pending.html", context)


@staff_only()
@require_POST
def fulfil(request: HttpRequest, pk: int) -> HttpResponse:
    keychain = session.keychain(request)
    rows = {row.pk: row for row in pending_for(keychain)} if keychain else {}
    if keychain is None or pk not in rows:
        raise Http404
    try:
        fulfil_pending(rows[pk], keychain=keychain)
    except NoAccess as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Access granted."))
    return redirect("keyring:pending")
