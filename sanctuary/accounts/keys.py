"""The pending-access pages: copies of keys that colleagues wait for and this person's keys can
seal. They live with the accounts (who is who) on top of the keyring (what is sealed to whom)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanctuary.accounts.access import staff_only
from sanctuary.keyring import session
from sanctuary.keyring.services import ApprovalRefused, NoAccess, approve_pending, pending_for


@staff_only()
def pending(request: HttpRequest) -> HttpResponse:
    """Copies colleagues are waiting for that this person's keys can seal, with who asked."""
    keychain = session.keychain(request)
    rows = pending_for(keychain) if keychain else []
    context = {"rows": rows, "has_keys": keychain is not None}
    return render(request, "keyring/pending.html", context)


@staff_only()
@require_POST
def fulfil(request: HttpRequest, pk: int) -> HttpResponse:
    keychain = session.keychain(request)
    rows = {shown.row.pk: shown.row for shown in pending_for(keychain)} if keychain else {}
    if keychain is None or pk not in rows:
        raise Http404
    try:
        granted = approve_pending(rows[pk], keychain=keychain)
    except (ApprovalRefused, NoAccess) as error:
        messages.error(request, str(error))
    else:
        if granted:
            messages.success(request, _("Access granted."))
        else:
            messages.success(
                request,
                _(
                    "Your approval is recorded. Another colleague who holds this key must "
                    "approve too before it is given."
                ),
            )
    return redirect("keyring:pending")
