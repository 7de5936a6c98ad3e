"""Cross-site protection without a cookie: signed, single-use form tokens.

The seeker's pages set no cookie before he submits or signs in, so Django's CSRF cookie is not
an option there. Each form carries a token instead: signed with SECRET_KEY, naming the form it
was made for and the session it is bound to (or "-" without one), spent on first use. The apps
above (intake, routes, shelter, referrals) say what a form is for and what it is bound to;
this module only makes and checks the tokens, so the options check (routes) can use them
without reaching up into intake.
"""

from django.core import signing
from django.http import HttpRequest

from sanctuary.accounts import throttle

FORM_TOKEN_MAX_AGE = throttle.TICKET_MAX_AGE
SALT = "sanctuary.intake.form"  # kept from intake: tokens on open pages stay valid
UNBOUND = "-"


def make(purpose: str, binding: str = UNBOUND, chain: str | None = None) -> str:
    """A signed, single-use token for one form. `chain` carries one browser's sign-in tries
    from form to form (accounts/throttle.py)."""
    fields = {"p": purpose, "s": binding, **throttle.ticket_fields(chain)}
    return signing.dumps(fields, salt=SALT)


def from_our_site(request: HttpRequest) -> bool:
    """The browser does not call the POST cross-site, and any Origin is ours (or opaque, as our
    no-referrer policy makes it)."""
    site = request.META.get("HTTP_SEC_FETCH_SITE")
    if site not in (None, "same-origin", "none"):
        return False
    origin = request.META.get("HTTP_ORIGIN")
    return origin in (None, "null") or origin == f"{request.scheme}://{request.get_host()}"


def spend(request: HttpRequest, purpose: str, binding: str = UNBOUND) -> throttle.Ticket | None:
    """The ticket of a genuine POST from our own page, spent now; None when the POST is
    cross-site, or its token is forged, for another form or binding, too old or used before.
    Single use means each submission needs a page of its own: a token cannot be replayed."""
    if not from_our_site(request):
        return None
    token = request.POST.get("form_token", "")
    try:
        data = signing.loads(token, salt=SALT, max_age=FORM_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("p") != purpose:
        return None
    if data.get("s") != binding or not throttle.spend(token):
        return None
    return throttle.ticket_from(data)
