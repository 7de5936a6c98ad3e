"""How items read, in the reader's language: the counselor's form and the partner's page."""

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sanctuary.cases.models import CONTACT_CHOICES, LANGUAGE_CHOICES, HelpWanted
from sanctuary.cases.stages import LABELS
from sanctuary.referrals.packet import ITEMS, Packet
from sanctuary.routes.forms import CRIMINAL_CASE_CHOICES

ITEM_LABELS = {
    "case_type": _("Case type"),
    "country": _("Country where he is now"),
    "languages": _("Languages he speaks"),
    "help_wanted": _("Help he asks for"),
    "summons_date": _("Date of the summons"),
    "left_unit_date": _("Date he left his unit"),
    "criminal_case": _("Criminal case"),
    "children": _("Children with him"),
    "story": _("His story, in his words"),
    "contact": _("How to reach him"),
}
assert set(ITEM_LABELS) == set(ITEMS)


def value_text(key: str, value: Any) -> str:
    if key == "case_type":
        labels = LABELS.get(get_language() or "ru", LABELS["en"])
        return str(labels.get(value, value))
    if key == "languages":
        return ", ".join(str(dict(LANGUAGE_CHOICES).get(v, v)) for v in value)
    if key == "help_wanted":
        return ", ".join(str(dict(HelpWanted.choices).get(v, v)) for v in value)
    if key == "criminal_case":
        return str(dict(CRIMINAL_CASE_CHOICES).get(value, value))
    if key == "contact":
        channel = str(dict(CONTACT_CHOICES).get(value.get("channel", ""), ""))
        return f"{channel}: {value.get('handle', '')}" if channel else str(value.get("handle", ""))
    return str(value)


def rows(packet: Packet) -> list[dict[str, str]]:
    return [
        {"key": key, "label": str(ITEM_LABELS[key]), "value": value_text(key, packet.items[key])}
        for key in ITEMS
        if key in packet.items
    ]
