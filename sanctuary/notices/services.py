"""Notice writes: raising notices inside an event's transaction, and a person's channels and
preferences, each audited and taking the acting user."""

import secrets
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sanctuary.accounts.models import Role, User
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.notices import schedule
from sanctuary.notices.models import Kind, Mode, Notice, NoticeChannel, NoticePreference
from sanctuary.notices.sealing import seal, unseal


def coordinators() -> list[User]:
    return list(User.objects.filter(is_active=True, role_rows__role=Role.COORDINATOR).distinct())


def neutral_path(path: str) -> str:
    """The path without its language prefix: each recipient's notice adds his own."""
    codes = {code for code, _name in settings.LANGUAGES}
    parts = path.split("/", 2)
    if len(parts) == 3 and parts[0] == "" and parts[1] in codes:
        return "/" + parts[2]
    return path


def modes_of(user: User) -> dict[str, str]:
    chosen = dict(user.notice_preferences.values_list("kind", "mode"))
    return {kind.value: chosen.get(kind.value, Mode.IMMEDIATE.value) for kind in Kind}


def do_notify(
    recipients: Iterable[User | None], kind: Kind, path: str, *, exclude: User | None = None
) -> int:
    """Queues a notice of kind, linking to path, for each recipient and each of his channels,
    as each chose for that kind. Call it inside the event's own transaction, so that a notice
    exists exactly when its event does. Sends nothing: the task worker does
    (sanctuary.notices.delivery), so a dead mail server never holds up the page that raised
    it. Returns how many notices were queued."""
    now = timezone.now()
    path = neutral_path(path)
    # Two queries whoever and however many the recipients are: their choices for this kind,
    # and their channels.
    users: dict[int, User] = {}
    for user in recipients:
        if user is None or not user.is_active or user.pk in users:
            continue
        if exclude is not None and user.pk == exclude.pk:
            continue
        users[user.pk] = user
    if not users:
        return 0
    chosen: dict[int, str] = dict(
        NoticePreference.objects.filter(user_id__in=list(users), kind=kind.value).values_list(
            "user_id", "mode"
        )
    )
    channels_of: dict[int, list[NoticeChannel | None]] = defaultdict(list)
    for found in NoticeChannel.objects.filter(user_id__in=list(users)).order_by("created_at", "pk"):
        channels_of[found.user_id].append(found)
    rows: list[Notice] = []
    for pk, user in users.items():
        mode = chosen.get(pk, Mode.IMMEDIATE.value)
        if mode == Mode.OFF:
            continue
        due = schedule.first_attempt(mode, now, settings.NOTICES_DAILY_DIGEST_HOUR)
        for channel in channels_of.get(pk) or [None]:
            rows.append(
                Notice(
                    recipient=user,
                    channel=channel,
                    kind=kind,
                    mode=mode,
                    path=path,
                    created_at=now,
                    next_attempt_at=due,
                )
            )
    Notice.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def do_add_channel(
    user: User, *, type: str, address: str, public_key: str = ""
) -> tuple[NoticeChannel, str]:
    """A new channel with its address (and an OpenPGP key) sealed. A webhook gets a new random
    secret to sign with, returned to be shown once."""
    secret = secrets.token_urlsafe(32) if type == NoticeChannel.Type.WEBHOOK else ""
    channel = NoticeChannel.objects.create(
        user=user,
        type=type,
        sealed_address=seal(address),
        sealed_secret=seal(secret) if secret else None,
        sealed_public_key=seal(public_key) if public_key else None,
    )
    record(
        Action.NOTICE_CHANNEL_ADDED,
        actor=user,
        object_type="notices.channel",
        object_id=channel.pk,
        details={"type": type},
    )
    return channel, secret


@transaction.atomic
def do_remove_channel(channel: NoticeChannel, *, acting_user: User) -> None:
    """Its notices stay on the person's page, no longer sent anywhere."""
    record(
        Action.NOTICE_CHANNEL_REMOVED,
        actor=acting_user,
        object_type="notices.channel",
        object_id=channel.pk,
        details={"type": channel.type},
    )
    channel.delete()


@transaction.atomic
def do_save_modes(user: User, modes: dict[str, str]) -> None:
    for kind, mode in modes.items():
        NoticePreference.objects.update_or_create(user=user, kind=kind, defaults={"mode": mode})
    record(
        Action.NOTICE_PREFERENCES_SAVED,
        actor=user,
        object_type="accounts.user",
        object_id=user.pk,
        details=dict(sorted(modes.items())),
    )


def address_of(channel: NoticeChannel) -> str:
    return unseal(channel.sealed_address)


def secret_of(channel: NoticeChannel) -> str:
    return unseal(channel.sealed_secret) if channel.sealed_secret else ""


def public_key_of(channel: NoticeChannel) -> str:
    return unseal(channel.sealed_public_key) if channel.sealed_public_key else ""
