"""The codename page, the step that checks he wrote it down, and what happens after he submits.

The codename is stored nowhere. To show it again after a wrong answer, the page carries it to
the next step sealed in a hidden field for his own key pair (crypto.seal_codename_note): only
his session opens it, and it never reaches a URL.
"""

import math
import secrets
from datetime import timedelta

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt

from sanctuary.cases.models import Case
from sanctuary.intake import seeker as seekers
from sanctuary.keyring import codenames, crypto

# The network's reply time is the median over cases of the last half year, kept for an hour:
# a seeker reloading the page cannot watch it move as one case is answered.
REPLY_TIME_WINDOW = timedelta(days=183)
REPLY_TIME_CACHE_KEY = "intake:median-first-reply-seconds"
REPLY_TIME_CACHE_SECONDS = 3600


def median_first_reply() -> timedelta | None:
    """The network's median time to a first answer (Case.objects.median_first_reply), cached."""
    seconds = cache.get(REPLY_TIME_CACHE_KEY)
    if seconds is None:
        since = timezone.now() - REPLY_TIME_WINDOW
        median = Case.objects.created_since(since).median_first_reply()
        seconds = -1 if median is None else median.total_seconds()
        cache.set(REPLY_TIME_CACHE_KEY, seconds, REPLY_TIME_CACHE_SECONDS)
    return None if seconds < 0 else timedelta(seconds=seconds)


def reply_time_sentence(median: timedelta | None) -> str:
    """When to expect a first answer, rounded up to whole hours (or days past two days)."""
    if median is None:
        return _(
            "We cannot yet say how soon the first answer comes: too few requests have been "
            "answered so far. Look into your mailbox every day or two."
        )
    hours = max(1, math.ceil(median.total_seconds() / 3600))
    if hours <= 48:
        return ngettext(
            "Half of recent requests got a first answer within %(count)d hour; some take longer.",
            "Half of recent requests got a first answer within %(count)d hours; some take longer.",
            hours,
        ) % {"count": hours}
    days = math.ceil(hours / 24)
    return ngettext(
        "Half of recent requests got a first answer within %(count)d day; some take longer.",
        "Half of recent requests got a first answer within %(count)d days; some take longer.",
        days,
    ) % {"count": days}


def _aad(case: Case) -> bytes:
    return f"sanctuary-codename-note:{case.pk}".encode()


def _seal(case: Case, keypair: crypto.KeyPair, codename: str, positions: tuple[int, int]) -> str:
    note = f"{positions[0]} {positions[1]}|{codename}"
    return crypto.seal_codename_note(note, keypair, aad=_aad(case))


def _positions() -> tuple[int, int]:
    first, second = sorted(secrets.SystemRandom().sample(range(1, codenames.WORD_COUNT + 1), 2))
    return first, second


def _codename_page(
    request: HttpRequest,
    case: Case,
    keypair: crypto.KeyPair,
    codename: str,
    positions: tuple[int, int],
    wrong: list[int],
    median: timedelta | None,
) -> HttpResponse:
    context = {
        "words": codename.split(),
        "note": _seal(case, keypair, codename, positions),
        "wrong": _wrong_words_message(wrong) if wrong else "",
        "reply_time": reply_time_sentence(median),
    }
    return render(request, "intake/codename.html", context)


def show_new_codename(
    request: HttpRequest,
    case: Case,
    codename: str,
    keypair: crypto.KeyPair,
    cookie: str,
    median: timedelta | None,
) -> HttpResponse:
    """The page after he submits: what happens next, his numbered codename, and the way on to
    the check. It signs him in with the session `seekers.open_session` stored (its cookie).
    It asks the database nothing (`median` is median_first_reply(), read before), so that it
    can come after the case's commit: his codename reaches him once his case is stored."""
    response = _codename_page(request, case, keypair, codename, _positions(), [], median)
    seekers.set_session(response, cookie)
    return response


def _wrong_words_message(wrong: list[int]) -> str:
    if len(wrong) == 1:
        return _(
            "Word %(number)d does not match your codename. Here it is again: correct your "
            "paper, then check again."
        ) % {"number": wrong[0]}
    return _(
        "Words %(first)d and %(second)d do not match your codename. Here it is again: correct "
        "your paper, then check again."
    ) % {"first": wrong[0], "second": wrong[1]}


@csrf_exempt  # his session cookie is SameSite=Strict, and from_our_site() refuses cross-site
def confirm(request: HttpRequest) -> HttpResponse:
    """Two steps on one address. "I have written it down" brings the check: two of his words,
    by number, typed from his paper without the codename in view. Right, he goes on to his
    mailbox; wrong, the codename page comes back with which words did not match."""
    seeker = seekers.current_seeker(request)
    if seeker is None:
        return redirect("intake:sign_in")
    if request.method != "POST":
        return redirect("intake:mailbox")
    if not seekers.from_our_site(request):
        return render(request, "intake/expired.html", status=403)
    try:
        note = crypto.open_codename_note(
            request.POST.get("note", ""), seeker.keypair, aad=_aad(seeker.case)
        )
        numbers, codename = note.split("|", 1)
        first, second = (int(n) for n in numbers.split())
    except (crypto.KeyringError, ValueError):
        # A note from another session, or changed: nothing to check it against.
        return redirect("intake:mailbox")
    words = codename.split()
    positions = (first, second)
    if "word_first" not in request.POST:
        note = _seal(seeker.case, seeker.keypair, codename, positions)
        context = {"note": note, "first": first, "second": second}
        return render(request, "intake/confirm.html", context)
    answers = {"word_first": first, "word_second": second}
    wrong = [
        number
        for field, number in answers.items()
        if codenames.read_word(request.POST.get(field, "")) != words[number - 1]
    ]
    if not wrong:
        return redirect("intake:mailbox")
    return _codename_page(
        request, seeker.case, seeker.keypair, codename, positions, wrong, median_first_reply()
    )
