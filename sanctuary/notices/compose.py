"""What a notice says: the kind of event and a link into Sanctuary, in the recipient's
language, and nothing else. No story, name or place is ever passed in here: a notice holds
only its kind and a path, so there is nothing else to leak."""

import datetime as dt
from collections import Counter
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sanctuary.accounts.models import User
from sanctuary.notices.models import Kind, Notice


def language_of(user: User) -> str:
    """Staff accounts keep no language of their own yet: the site's default."""
    return str(getattr(user, "language", "") or settings.LANGUAGE_CODE)


def link(path: str, language: str) -> str:
    return f"{settings.SITE_ROOT}/{language}{path}"


def _notices_page(language: str) -> str:
    with translation.override(language):
        return settings.SITE_ROOT + reverse("notices:list")


def email(notices: list[Notice], language: str) -> tuple[str, str]:
    with translation.override(language):
        footer = _(
            "This notice says only that something happened. Sign in to Sanctuary to see it.\n"
            "Your notices and their settings: %(page)s"
        ) % {"page": _notices_page(language)}
        if len(notices) == 1:
            notice = notices[0]
            label = str(Kind(notice.kind).label)
            subject = _("Sanctuary: %(event)s") % {"event": label}
            return subject, f"{label}.\n\n{link(notice.path, language)}\n\n{footer}\n"
        subject = ngettext(
            "Sanctuary: %(count)d notice", "Sanctuary: %(count)d notices", len(notices)
        ) % {"count": len(notices)}
        lines: list[str] = []
        counts = Counter(notice.kind for notice in notices)
        for kind in Kind:
            if not counts[kind.value]:
                continue
            lines.append(f"{kind.label}: {counts[kind.value]}")
            paths = dict.fromkeys(n.path for n in notices if n.kind == kind.value)
            lines.extend(f"  {link(path, language)}" for path in paths)
            lines.append("")
        return subject, "\n".join(lines) + f"\n{footer}\n"


def neutral_subject(language: str) -> str:
    """An encrypted notice's subject says not even its kind: that is inside."""
    with translation.override(language):
        return _("Sanctuary: a notice")


def payload(notices: list[Notice], language: str, now: dt.datetime) -> dict[str, Any]:
    """The webhook's JSON: {kind, url, at}; a digest has kind "digest", its counts per kind,
    and links to the person's notices page."""
    if len(notices) == 1:
        return {
            "kind": notices[0].kind,
            "url": link(notices[0].path, language),
            "at": now.isoformat(),
        }
    return {
        "kind": "digest",
        "url": _notices_page(language),
        "at": now.isoformat(),
        "counts": dict(Counter(notice.kind for notice in notices)),
    }
