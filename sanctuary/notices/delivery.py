"""Sending the outbox: run only by the task worker (sanctuary.notices.tasks), never by a page.

Each notice is claimed on its own by one UPDATE that succeeds only while nobody else holds it
(rowcount 1), so two workers never send one notice twice. A failed send is tried again after
an exponentially growing wait and stays on its recipient's page meanwhile; nothing is dropped.
What a message says is only the kind of event and a link (sanctuary.notices.compose).
"""

import datetime as dt
import hashlib
import hmac
import json
import urllib.request
import uuid
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.utils import timezone

from sanctuary.notices import compose, openpgp, schedule
from sanctuary.notices.models import Notice, NoticeChannel, unclaimed
from sanctuary.notices.services import address_of, public_key_of, secret_of

# A claim outlives any one send: the mail and HTTP timeouts are a few seconds.
LEASE = dt.timedelta(minutes=5)
SIGNATURE_HEADER = "X-Sanctuary-Signature"


class DeliveryFailed(Exception):
    """A channel refused the notice (e.g. a webhook answered with an error status)."""


def claim(pk: Any, token: uuid.UUID, now: dt.datetime) -> bool:
    """Takes one notice for this worker run; False if it was sent or another worker holds it."""
    taken = (
        Notice.objects.filter(pk=pk, sent_at__isnull=True)
        .filter(unclaimed(now))
        .update(claim=token, claimed_until=now + LEASE)
    )
    return taken == 1


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def send_webhook(url: str, secret: str, payload: dict[str, Any]) -> None:
    if not url.startswith(("https://", "http://")):
        raise DeliveryFailed("scheme")
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature(secret, body)},
    )
    opener = urllib.request.build_opener(_NoRedirects)
    with opener.open(request, timeout=settings.NOTICES_TIMEOUT) as response:
        if not 200 <= response.status < 300:
            raise DeliveryFailed(str(response.status))


def send_email(address: str, subject: str, body: str) -> None:
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [address], connection=connection
    ).send()


def send(channel: NoticeChannel, notices: list[Notice], now: dt.datetime) -> None:
    """One message through one channel: a single notice, or a digest of several."""
    language = compose.language_of(channel.user)
    if channel.type == NoticeChannel.Type.EMAIL:
        subject, body = compose.email(notices, language)
        send_email(address_of(channel), subject, body)
    elif channel.type == NoticeChannel.Type.OPENPGP_EMAIL:
        subject, body = compose.email(notices, language)
        sealed = openpgp.encrypt(f"{subject}\n\n{body}", public_key_of(channel))
        send_email(address_of(channel), compose.neutral_subject(language), sealed)
    else:
        send_webhook(
            address_of(channel), secret_of(channel), compose.payload(notices, language, now)
        )


def _failed(notices: list[Notice], token: uuid.UUID, now: dt.datetime, error: Exception) -> None:
    for notice in notices:
        Notice.objects.filter(pk=notice.pk, claim=token).update(
            attempts=F("attempts") + 1,
            next_attempt_at=now + schedule.backoff(notice.attempts + 1),
            last_error=type(error).__name__[:64],
            claim=None,
            claimed_until=None,
        )


def deliver_due(now: dt.datetime | None = None, limit: int = 500) -> int:
    """Sends every due notice: each immediate one alone, digests one message per channel.
    Returns how many notices went out. After the mail server (or one webhook) fails once in a
    run, the rest of its notices wait for the next run rather than each waiting out its own
    timeout."""
    now = now or timezone.now()
    due = list(
        Notice.objects.due(now).select_related("channel__user").order_by("next_attempt_at")[:limit]
    )
    groups: dict[tuple[Any, ...], list[Notice]] = defaultdict(list)
    for notice in due:
        key = (notice.channel_id, notice.mode) if notice.mode != "immediate" else (notice.pk,)
        groups[key].append(notice)
    token = uuid.uuid4()
    broken: set[object] = set()
    sent = 0
    for group in groups.values():
        channel = group[0].channel
        assert channel is not None  # pending() excludes notices without a channel
        # Every e-mail shares one server; each webhook is a bridge of its own.
        route = channel.pk if channel.type == NoticeChannel.Type.WEBHOOK else "smtp"
        if route in broken:
            continue
        mine = [notice for notice in group if claim(notice.pk, token, now)]
        if not mine:
            continue
        try:
            send(channel, mine, now)
        except Exception as error:
            broken.add(route)
            _failed(mine, token, now, error)
            continue
        sent += Notice.objects.filter(pk__in=[n.pk for n in mine], claim=token).update(
            sent_at=timezone.now(),
            attempts=F("attempts") + 1,
            last_error="",
            claim=None,
            claimed_until=None,
        )
    return sent
