import re
from typing import Any

from django.test import Client
from django.urls import reverse

ANSWERS: dict[str, Any] = {
    "status": "mobilized",
    "location": "russia",
    "country": "",
    "internal_passport": "on",
    "passport_expires": "2030-05-01",
    "summons": "electronic",
    "summons_date": "2026-11-20",
    "left_unit": "",
    "criminal_case": "none",
    "children": "0",
    "children_certificates": "on",
    "on_behalf": "0",
    "languages": ["ru", "en"],
    "help_wanted": ["legal", "route"],
    "story": "canary-story-7f3a: I received an electronic summons and want to leave.",
    "contact_channel": "signal",
    "contact_handle": "canary-handle-91bd",
    # Every answer at once, as the questionnaire's last page sends it with his earlier answers.
    "step": "contact",
    "go": "send",
}


def token_in(page: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', page)
    assert match, "the page has no form token"
    return match[1]


def answers_in(page: str) -> dict[str, list[str]]:
    """The answers a questionnaire page carries for its next page (signed, in the page)."""
    from sanctuary.intake.questionnaire import Progress

    match = re.search(r'name="answers" value="([^"]+)"', page)
    assert match, "the page carries no answers"
    return Progress.unsign(match[1]).values


def submit(client: Client, **changes: Any) -> Any:
    page = client.get(reverse("intake:start")).content.decode()
    data = {**ANSWERS, **changes, "form_token": token_in(page)}
    return client.post(reverse("intake:start"), data)


def codename_in(page: str) -> str:
    """The codename a page shows as its numbered list of words, joined by spaces."""
    match = re.search(r'<ol class="codename">(.*?)</ol>', page, re.S)
    assert match, "the page shows no codename"
    return " ".join(re.findall(r"<code>([^<]+)</code>", match[1]))
