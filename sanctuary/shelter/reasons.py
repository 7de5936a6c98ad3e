"""Every reason code of matcher.py as a translated sentence, in one place."""

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import (
    get_language,
    gettext_lazy,
    ngettext,
)
from django.utils.translation import gettext as _

from sanctuary import cities, countries
from sanctuary.cases.models import LANGUAGE_CHOICES
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


LANGUAGE_NAMES: dict[str, Any] = dict(LANGUAGE_CHOICES)
URGENCIES = {
    "DANGER": gettext_lazy("immediate danger"),
    "CARE": gettext_lazy("children or medical needs"),
    "STANDARD": gettext_lazy("in order of waiting"),
}


def language(code: Any) -> str:
    return str(LANGUAGE_NAMES.get(str(code), code))


def party(men: int, women: int, children: int, for_whom: bool = False) -> str:
    """The party in plain words: "a man alone", "a family of 4 with children", "3 men";
    ``for_whom``: with "for" ("for a man alone"), which takes a case of its own in Russian
    and Ukrainian."""
    persons = men + women + children
    if for_whom:
        if persons == 1:
            return _("for a man alone") if men else _("for a woman alone")
        if children:
            text = ngettext(
                "for a family of %(n)s with children",
                "for a family of %(n)s with children",
                persons,
            )
        elif men == persons:
            text = ngettext("for %(n)s man", "for %(n)s men", persons)
        elif women == persons:
            text = ngettext("for %(n)s woman", "for %(n)s women", persons)
        else:
            text = ngettext("for a group of %(n)s", "for a group of %(n)s", persons)
        return text % {"n": persons}
    if persons == 1:
        return _("a man alone") if men else _("a woman alone")
    if children:
        text = ngettext(
            "a family of %(n)s with children", "a family of %(n)s with children", persons
        )
    elif men == persons:
        text = ngettext("%(n)s man", "%(n)s men", persons)
    elif women == persons:
        text = ngettext("%(n)s woman", "%(n)s women", persons)
    else:
        text = ngettext("a group of %(n)s", "a group of %(n)s", persons)
    return text % {"n": persons}


def _when(params: Mapping[str, Any]) -> str:
    arrival = dt.date.fromisoformat(str(params["arrival"]))
    nights = int(params["nights"])
    tonight = arrival == timezone.localdate()
    if nights == 1:
        if tonight:
            return _("tonight")
        return _("on the night of %(date)s") % {"date": date_format(arrival, "j E")}
    if tonight:
        return ngettext(
            "from tonight, for %(nights)s night", "from tonight, for %(nights)s nights", nights
        ) % {"nights": nights}
    return ngettext(
        "from %(date)s, for %(nights)s night", "from %(date)s, for %(nights)s nights", nights
    ) % {"date": date_format(arrival, "j E"), "nights": nights}


def _only_free_home(p: Mapping[str, Any]) -> str:
    who = party(int(p["men"]), int(p["women"]), int(p["children"]), for_whom=True)
    return _("The only free home in %(city)s %(when)s %(party)s.") % {
        "city": city_only(p["city"]),
        "when": _when(p),
        "party": who,
    }


def city_only(key: Any) -> str:
    """A matcher city key ("AM:yerevan") as the city's name alone ("Yerevan", "Ереван")."""
    _country, _sep, city = str(key).partition(":")
    return cities.name(city.title(), get_language()) if city else str(key)


def _host(p: Mapping[str, Any]) -> str:
    return str(p.get("host") or str(p.get("offer", ""))[:8])


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
    "speaks": lambda p: (
        _("The host speaks %(language)s, as the party does.")
        % {"language": language(p["language"])}
    ),
    "no_common_language": lambda p: _("No language in common with the host."),
    "best_fit": lambda p: (
        _(
            "A close fit: %(free)s of the home's %(beds)s beds are free on the busiest night, "
            "so bigger homes stay free for bigger parties."
        )
        % {"free": p["free"], "beds": p["beds"]}
    ),
    "keeps_scarce_beds_free": lambda p: _(
        "A plain home for a party with no special needs: homes that take children, pets, "
        "wheelchairs or men alone stay free for those who need them."
    ),
    "host_already_proposed": lambda p: (
        ngettext(
            "This host is already asked for %(proposals)s other party in this plan.",
            "This host is already asked for %(proposals)s other parties in this plan.",
            int(p["proposals"]),
        )
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
    "only_free_home": _only_free_home,
    "other_free_homes": lambda p: (
        ngettext(
            "%(count)s other home in %(city)s has a free bed for the party; this one fits best.",
            "%(count)s other homes in %(city)s have a free bed for the party; this one fits best.",
            int(p["count"]),
        )
        % {"count": p["count"], "city": city_only(p["city"])}
    ),
    "passed_rule": lambda p: (
        _("Host %(host)s cannot receive this party: %(rule)s.")
        % {"host": _host(p), "rule": RULES.get(p["rule"], p["rule"])}
    ),
    "passed_declined": lambda p: (
        _("Host %(host)s was declined for this party.") % {"host": _host(p)}
    ),
    "passed_dates": lambda p: (
        _("Host %(host)s does not offer these nights, or not so many.") % {"host": _host(p)}
    ),
    "passed_full": lambda p: (
        _("Host %(host)s has no bed left for the whole party on these nights.") % {"host": _host(p)}
    ),
    "passed_cannot_ask": lambda p: (
        _("Host %(host)s has a bed but cannot be asked through the portal (%(why)s).")
        % {"host": _host(p), "why": CANNOT_ASK.get(p["why"], p["why"])}
    ),
    "passed_no_language": lambda p: (
        _("Host %(host)s has a bed but shares no language with the party.") % {"host": _host(p)}
    ),
    "passed_scarce": lambda p: (
        _(
            "Host %(host)s has a bed, but can take guests whom others cannot (children, pets, "
            "a wheelchair or men alone): kept for them."
        )
        % {"host": _host(p)}
    ),
    "passed_host_busy": lambda p: (
        ngettext(
            "Host %(host)s has a bed, but is already asked for %(proposals)s party in this plan.",
            "Host %(host)s has a bed, but is already asked for %(proposals)s parties in this plan.",
            int(p["proposals"]),
        )
        % {"host": _host(p), "proposals": p["proposals"]}
    ),
    "passed_roomier": lambda p: (
        ngettext(
            "Host %(host)s has a bed, but would keep %(free)s bed empty that a bigger party "
            "may need.",
            "Host %(host)s has a bed, but would keep %(free)s beds empty that a bigger party "
            "may need.",
            int(p["free"]),
        )
        % {"host": _host(p), "free": p["free"]}
    ),
    "passed_equal": lambda p: (
        _("Host %(host)s has a bed and fits about as well; the plan chose the other.")
        % {"host": _host(p)}
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
