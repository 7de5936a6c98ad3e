"""Sections that the apps above casework add to the case page (shelter's stay requests, the
referrals sent).

Casework knows none of them: each app registers in its AppConfig.ready(), and the case page
asks every registered section for its template context.
"""

from collections.abc import Callable
from typing import Any

from sanctuary.cases.models import CaseFile
from sanctuary.keyring.services import Keychain, OpenedRecord

# (the case's file, the reader's keychain, the opened case, forms re-shown with their errors)
CaseSection = Callable[[CaseFile, Keychain, OpenedRecord, dict[str, Any]], dict[str, Any]]

_case_sections: list[CaseSection] = []


def register_case_section(section: CaseSection) -> None:
    if section not in _case_sections:
        _case_sections.append(section)


def case_page_context(
    file: CaseFile, keychain: Keychain, opened: OpenedRecord, forms: dict[str, Any]
) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for section in _case_sections:
        context.update(section(file, keychain, opened, forms))
    return context
