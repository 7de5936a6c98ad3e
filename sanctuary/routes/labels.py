"""Translated labels for the engine's and the data's enum values, for the templates."""

from django.utils.translation import gettext_lazy as _

VERDICTS = {
    "recommended": _("Recommended"),
    "possible": _("Possible"),
    "unsafe": _("Unsafe"),
    "exit_blocked": _("Stopped at the Russian border"),
    "not_possible": _("Not possible"),
}
MODES = {"land": _("by land"), "air": _("by air")}
LEVELS = {"high": _("high risk"), "medium": _("medium risk"), "low": _("low risk")}
CONFIDENCES = {
    "high": _("high confidence"),
    "medium": _("medium confidence"),
    "low": _("low confidence"),
}
DOCUMENTS = {
    "internal_passport": _("internal passport"),
    "international_passport": _("foreign-travel passport"),
    "visa": _("visa"),
    "child_international_passport": _("a foreign-travel passport for each child"),
    "child_birth_certificate": _("a birth certificate for each child"),
}
RULE_TYPES = {
    "entry": _("Entry"),
    "entry_closed": _("Entry"),
    "child_document": _("Entry"),
    "stay": _("Stay limits"),
    "protection": _("Protection"),
    "risk": _("Risks"),
}
FACT_STATUSES = {
    "current": _("current"),
    "changed": _("changed"),
    "verify": _("to verify"),
    "conflict": _("sources disagree"),
    "historical": _("historical"),
}
STAY_CODES = frozenset({"stay_days_in_period", "stay_days", "stay_unlimited", "registration"})
# Why a route is not possible: the only reasons shown for it.
BLOCKING_CODES = frozenset(
    {
        "missing_document",
        "entry_closed",
        "passport_validity_short",
        "child_needs_document",
        "child_lacks_document",
        "companion_needs_document",
    }
)
