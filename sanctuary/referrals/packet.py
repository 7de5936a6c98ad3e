"""What a packet holds: only the items the counselor ticked. Plain Python, no Django.

`available` maps each item key the case offers to its value (text, a date in ISO form, a list
of codes, a count); notes are offered one by one as "note:<id>". A packet carries the ticked
items' values, the ticked notes' texts, the counselor's request, and nothing else.
"""

from dataclasses import dataclass
from typing import Any

VERSION = 1

# The fixed list, in the order a form offers them and a partner reads them. Each key names
# what the case holds; a key the case has no value for is not offered.
ITEMS = (
    "case_type",
    "country",
    "languages",
    "help_wanted",
    "summons_date",
    "left_unit_date",
    "criminal_case",
    "children",
    "story",
    "contact",
)
NOTE_PREFIX = "note:"


class PacketError(ValueError):
    """A tick names an item the case does not offer."""


@dataclass(frozen=True)
class Packet:
    items: dict[str, Any]
    notes: list[str]
    request: str

    def as_json_data(self) -> dict[str, Any]:
        return {"v": VERSION, "items": self.items, "notes": self.notes, "request": self.request}


def offered(available: dict[str, Any]) -> list[str]:
    """The keys a form offers: the fixed items the case has a value for, then its notes."""
    fixed = [key for key in ITEMS if _present(available.get(key))]
    notes = [key for key in available if key.startswith(NOTE_PREFIX)]
    return fixed + notes


def _present(value: Any) -> bool:
    return value not in (None, "", [], {}, 0)


def build(available: dict[str, Any], ticked: list[str], request: str) -> Packet:
    """The packet of exactly the ticked items. Refuses a tick the case does not offer."""
    choices = set(offered(available))
    unknown = [key for key in ticked if key not in choices]
    if unknown:
        raise PacketError(f"not offered: {len(unknown)} item(s)")
    chosen = set(ticked)
    return Packet(
        items={key: available[key] for key in ITEMS if key in chosen},
        notes=[
            available[key] for key in available if key in chosen and key.startswith(NOTE_PREFIX)
        ],
        request=request,
    )


def kinds(ticked: list[str]) -> list[str]:
    """The kinds of the ticked items, for the plain column and the audit log: notes count as
    one kind, "note", without their ids."""
    found = {NOTE_PREFIX[:-1] if key.startswith(NOTE_PREFIX) else key for key in ticked}
    return sorted(found)


def from_json_data(data: dict[str, Any]) -> Packet:
    if data.get("v") != VERSION:
        raise PacketError("unknown packet version")
    return Packet(
        items=dict(data.get("items") or {}),
        notes=list(data.get("notes") or []),
        request=str(data.get("request") or ""),
    )
