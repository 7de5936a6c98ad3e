"""Sections that the apps above the seeker's side add to his mailbox (shelter's "Your stay").

Intake knows none of them: each app registers a section in its AppConfig.ready(), and the
mailbox asks every registered one for its template context.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from sanctuary.cases.models import Case
from sanctuary.keyring import crypto

MailboxSection = Callable[[HttpRequest, Case, crypto.KeyPair], dict[str, Any]]

_mailbox_sections: list[MailboxSection] = []


def register_mailbox_section(section: MailboxSection) -> None:
    if section not in _mailbox_sections:
        _mailbox_sections.append(section)


def mailbox_context(request: HttpRequest, case: Case, keypair: crypto.KeyPair) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for section in _mailbox_sections:
        context.update(section(request, case, keypair))
    return context
