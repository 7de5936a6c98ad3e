"""Every reason code of matcher.py as a translated sentence, in one place."""

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from sanctuary import cities, countries
from sanctuary.shelter.matcher import Rule, Segment
from sanctuary.shelter.models import RULE_CHOICES

SEGMENTS = {
    Segment.SINGLE_MEN.value: gettext_lazy("single men"),
    Segment.SINGLE_WOMEN.value: gettext_lazy("single women"),
    Segment.FAMILIES_WITH_CHILDREN.value: gettext_lazy("families with children"),
    Segment.OTHER_GROUPS.value: gettext_lazy("other groups"),
}
PARTIES = {
    "adult_men": gettext_lazy("men only"),
    "family_with_children": gettext_lazy("a family with children"),
    "adults_with_men": gettext_lazy("adults including men"),
    "women": gettext_lazy("women"),
}
NEEDS = {"children": gettext_lazy("children"), "medical_needs": gettext_lazy("medical needs")}
RULES: dict[str, Any] = dict(RULE_CHOICES)
CANNOT_ASK = {
    "no_account": gettext_lazy("the host has no portal account yet"),
    "no_keys": gettext_lazy("the host's portal account has no keys yet"),
}
CHANGES = {
    "requests": gettext_lazy("stay requests"),
    "offers": gettext_lazy("offers or hosts"),
    "answers": gettext_lazy("answers of hosts or guests"),
    "overrides": gettext_lazy("overrides"),
    "policy": gettext_lazy("the network's policy"),
}


def place(key: Any) -> str:
    """A matcher city key ("DE:berlin") as people read it ("Berlin, Germany"; "Берлин,
    Германия" on a Russian page)."""
    country, _sep, city = str(key).partition(":")
    if not city:
        return str(key)
    lang = get_language()
    return f"{cities.name(city.title(), lang)}, {countries.name(country, lang)}"


def _blocking(params: Mapping[str, Any]) -> str:
    rules = [
        f"{RULES[name]} ({count})"
        for name, count in params.items()
        if name in {r.value for r in Rule}
    ]
    return "; ".join(rules)


Sentence = Callable[[Mapping[str, Any]], str]

SENTENCES: dict[str, Sentence] = {
    "priority_immediate_danger": lambda p: _("Immediate danger: placed first."),
    "priority_care": lambda p: (
        _("Priority for %(need)s.") % {"need": NEEDS.get(p["need"], p["need"])}
    ),
    "priority_waiting": lambda p: _("In order of waiting time."),
    "segment_floor": lambda p: (
        _("Placed to meet the network's share for %(segment)s.")
        % {"segment": SEGMENTS.get(p["segment"], p["segment"])}
    ),
    "same_city": lambda p: (
        _("Offer in %(city)s, where the party arrives.") % {"city": place(p["city"])}
    ),
    "speaks": lambda p: _("The host speaks %(language)s.") % {"language": p["language"]},
    "no_common_language": lambda p: _("No language in common with the host."),
    "best_fit": lambda p: (
        _("Tightest fit: free beds on the fullest night: %(free)s of %(beds)s.")
        % {"free": p["free"], "beds": p["beds"]}
    ),
    "keeps_scarce_beds_free": lambda p: _(
        "Uses no capability the party does not need (keeps scarce beds free)."
    ),
    "host_already_proposed": lambda p: (
        _("Other proposals to this host in this plan: %(proposals)s.")
        % {"proposals": p["proposals"]}
    ),
    "step_free_access": lambda p: _("Step-free access, as the party needs."),
    "pets_welcome": lambda p: _("Pets welcome."),
    "override": lambda p: (
        _("A coordinator waived a rule: %(rule)s (written reason on file).")
        % {"rule": RULES.get(p["rule"], p["rule"])}
    ),
    "no_offer_in_city": lambda p: _("No offer in %(city)s.") % {"city": place(p["city"])},
    "no_host_accepts_party": lambda p: (
        _("No host in %(city)s accepts %(party)s. Rules in the way: %(rules)s.")
        % {
            "city": place(p["city"]),
            "party": PARTIES.get(p["party"], p["party"]),
            "rules": _blocking(p) or "—",
        }
    ),
    "no_offer_on_dates": lambda p: (
        _(
            "Offers in %(city)s that accept the party: %(accepting)s; none has the nights from "
            "%(arrival)s (nights: %(nights)s)."
        )
        % {
            "accepting": p["accepting"],
            "city": place(p["city"]),
            "nights": p["nights"],
            "arrival": p["arrival"],
        }
    ),
    "only_declined_offers": lambda p: (
        _("Every fitting offer in %(city)s was declined for this party (%(declined)s).")
        % {"declined": p["declined"], "city": place(p["city"])}
    ),
    "all_full": lambda p: (
        _(
            "Every fitting offer in %(city)s is full for the stay from %(arrival)s (nights: "
            "%(nights)s; offers: %(offers)s)."
        )
        % {
            "offers": p["offers"],
            "city": place(p["city"]),
            "nights": p["nights"],
            "arrival": p["arrival"],
        }
    ),
    "gave_way": lambda p: (
        _("It had a bed in this plan until a party that counts more took it (request %(to)s).")
        % {"to": str(p["to"])[:8]}
    ),
    "contact_by_hand": lambda p: (
        _("A host would have a bed, but %(why)s: contact him by hand.")
        % {"why": CANNOT_ASK.get(p["why"], p["why"])}
    ),
    "request_not_waiting": lambda p: _("The request is no longer waiting for a bed."),
    "offer_withdrawn": lambda p: _("The offer was withdrawn or the host deactivated."),
    "cannot_ask": lambda p: (
        _("The host cannot be asked through the portal (%(why)s): contact him by hand.")
        % {"why": CANNOT_ASK.get(p["why"], p["why"])}
    ),
    "request_changed": lambda p: _("The request changed since the plan was made."),
    "offer_dates_changed": lambda p: _("The host no longer offers these nights."),
    "declined_pair": lambda p: _("This pair was declined since the plan was made."),
    "breaks_rule": lambda p: (
        _("The host can no longer receive this party: %(rule)s.")
        % {"rule": RULES.get(p["rule"], p["rule"])}
    ),
    "no_longer_free": lambda p: (
        _("No longer a free bed for the whole party on %(night)s.") % {"night": p["night"]}
    ),
    "no_fit": lambda p: _("No offer fits."),
    "first_come_first_served": lambda p: _("First come, first served."),
}


def describe(code: str, params: Mapping[str, Any]) -> str:
    sentence = SENTENCES.get(code)
    if sentence is None:
        return code
    try:
        return sentence(params)
    except (KeyError, TypeError, ValueError):
        return code


def describe_all(reasons: list[list[Any]]) -> list[str]:
    return [describe(code, params) for code, params in reasons]
