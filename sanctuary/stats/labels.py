"""The words a release's labels are shown with, in the reader's language."""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sanctuary import countries
from sanctuary.cases.models import HelpWanted
from sanctuary.stats import figures

TABLE_TITLES = {
    "cases_by_type": _("Cases opened, by type"),
    "cases_by_destination": _("Cases opened, by destination country"),
    "cases_by_country": _("Cases opened, by country where the person was"),
    "help_by_kind": _("Help asked for, by kind (one case may ask for several)"),
    "persons_placed": _("Persons placed with hosts, by country and party"),
    "bed_nights": _("Bed-nights hosted, by country and party"),
    "referrals": _("Referrals to partner organisations, by the partner's country"),
}
CASE_TYPES = {
    "conscript": _("Conscripts"),
    "mobilized": _("Mobilized reservists"),
    "contract_soldier": _("Contract soldiers"),
    "deserter_russia": _("Deserters still in Russia"),
    "deserter_abroad": _("Deserters abroad"),
    "relative": _("Relatives"),
    "emigre_housing": _("Émigrés needing housing"),
    "asylum_applicant": _("Asylum applicants"),
}
SEGMENTS = {
    "single_men": _("single men"),
    "single_women": _("single women"),
    "families_with_children": _("families with children"),
    "other_groups": _("other groups"),
}
SPECIAL = {
    figures.SMALL: _("smaller cells together"),
    figures.NONE: _("not recorded"),
    figures.OTHER: _("other countries"),
}


def _place(code: str, language: str) -> str:
    if code in SPECIAL:
        return str(SPECIAL[code])
    return countries.name(code, language)


def label(table: str, value: str) -> str:
    language = get_language() or "en"
    if value in SPECIAL:
        return str(SPECIAL[value])
    if table == "cases_by_type":
        return str(CASE_TYPES.get(value, value))
    if table == "help_by_kind":
        return str(HelpWanted(value).label) if value in HelpWanted.values else value
    if "/" in value:
        place, segment = value.split("/", 1)
        return f"{_place(place, language)}: {SEGMENTS.get(segment, segment)}"
    return _place(value, language)
