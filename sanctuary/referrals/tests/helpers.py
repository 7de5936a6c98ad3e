import re
from typing import Any

from django.test import Client, RequestFactory
from django.urls import reverse

from sanctuary.intake import seeker as seekers
from sanctuary.intake.tests.helpers import token_in
from sanctuary.referrals.models import Partner

FORM = {
    "items": ["case_type", "help_wanted", "summons_date"],
    "request": "canary-request-2c9e: please call him about a lawyer in Tbilisi.",
    "consent": "on",
    "consent_how": "phone",
    "days": "3",
}


def add_partner(client: Client, organisation: str = "Refuser Aid Georgia") -> Partner:
    response = client.post(
        reverse("referrals:partners"),
        {"organisation": organisation, "country": "ge", "services": "Legal aid", "active": "on"},
    )
    assert response.status_code == 302, response.content
    return Partner.objects.get(organisation=organisation)


def once_from(client: Client, case_id: object) -> str:
    """The referral form's single-use value, as the page gives it."""
    page = client.get(reverse("referrals:new", args=[case_id])).content.decode()
    match = re.search(r'name="once" value="([^"]+)"', page)
    assert match, "the referral form has no single-use value"
    return match[1]


def refer(client: Client, case_id: object, partner: Partner, **changes: Any) -> Any:
    once = changes.pop("once") if "once" in changes else once_from(client, case_id)
    data = {**FORM, "partner": str(partner.pk), "once": once, **changes}
    return client.post(reverse("referrals:new", args=[case_id]), data)


def link_and_code(response: Any) -> tuple[str, str]:
    page = response.content.decode()
    link = re.search(r'<code class="referral-link">([^<]+)</code>', page)
    code = re.search(r'<code class="referral-code">([^<]+)</code>', page)
    assert link and code, page
    return link[1].split("testserver", 1)[-1], code[1]


def form_token() -> str:
    """A genuine form token: the partner's page binds it to no referral and no session."""
    return seekers.form_token("referral", RequestFactory().get("/"))


def open_with(client: Client, path: str, code: str) -> Any:
    page = client.get(path).content.decode()
    token = token_in(page) if "form_token" in page else form_token()
    return client.post(path, {"code": code, "form_token": token})
