"""Translated sentences for the codes the pure modules return."""

from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from sanctuary import countries
from sanctuary.hosts.sheet import Problem, SheetUnreadable

VETTING_REFUSALS: dict[str, Promise] = {
    "already_tier_2": gettext_lazy("This host is already at tier 2."),
    "interview_first": gettext_lazy("Record the interview first."),
    "identity_first": gettext_lazy(
        "Record that the identity document was seen before the second approval."
    ),
    "reference_first": gettext_lazy("Record the reference before the second approval."),
    "same_coordinator": gettext_lazy(
        "The second approval must come from another coordinator than the one who saw the "
        "identity document."
    ),
    "not_lower": gettext_lazy("Choose a tier lower than the host's tier now."),
    "unknown_step": gettext_lazy("Unknown vetting step."),
}

UNREADABLE: dict[str, Promise] = {
    "empty": gettext_lazy("The file is empty."),
    "too_big": gettext_lazy("The file is larger than %(limit)s MB. Split it into several sheets."),
    "not_a_sheet": gettext_lazy(
        "This file is not a sheet Sanctuary can read. Upload a CSV file or an Excel workbook "
        "(.xlsx)."
    ),
    "repeated_columns": gettext_lazy("These columns appear twice: %(columns)s."),
    "missing_columns": gettext_lazy("These required columns are missing: %(columns)s."),
    "no_rows": gettext_lazy("The sheet has column names but no rows."),
    "too_many_rows": gettext_lazy(
        "The sheet has more than %(limit)s rows. Split it into several sheets."
    ),
    "too_many_columns": gettext_lazy(
        "The sheet has values in more than %(limit)s columns. Keep only the columns of the "
        "template and upload it again."
    ),
    "too_many_cells": gettext_lazy(
        "The sheet holds more than %(limit)s cells, counting empty formatted ones. Copy only "
        "the rows of offers into a new sheet and upload that."
    ),
}

PROBLEMS: dict[str, Promise] = {
    "required": gettext_lazy("this value is required"),
    "too_long": gettext_lazy("longer than %(limit)s characters"),
    "formula": gettext_lazy("a formula; paste the value instead"),
    "bad_reference": gettext_lazy("not a host reference (like H-7KQ2MX)"),
    "unknown_host": gettext_lazy("no active host has this reference"),
    "unknown_country": gettext_lazy(
        "not a country; write its two-letter code (such as KZ or GE) or its name in Russian, "
        "English or Ukrainian"
    ),
    "no_hosts_in_country": gettext_lazy(
        "%(country)s is not a country where the network has hosts (see the country list on "
        "the new host form)"
    ),
    "not_a_number": gettext_lazy("not a whole number"),
    "out_of_range": gettext_lazy("must be between %(low)s and %(high)s"),
    "bad_date": gettext_lazy("not a date; write it as 2026-12-31 or 31.12.2026"),
    "in_past": gettext_lazy("the first night is in the past"),
    "before_first": gettext_lazy("the last night is before the first night"),
    "too_long_window": gettext_lazy("an offer covers at most %(limit)s days"),
    "not_yes_no": gettext_lazy("write yes or no"),
    "families_without_children": gettext_lazy(
        "a host who takes only families must accept children"
    ),
    "unknown_language": gettext_lazy("unknown language code; use ru, uk, en, kk, hy, ka, tr or sr"),
}


def unreadable(error: SheetUnreadable) -> str:
    return str(UNREADABLE.get(error.code, UNREADABLE["not_a_sheet"])) % error.params


def problem(item: Problem) -> str:
    params = dict(item.params)
    if "country" in params:  # a code the sheet reader found, shown by its name
        code = str(params["country"])
        params["country"] = f"{countries.name(code, get_language())} ({code})"
    text = str(PROBLEMS.get(item.code, item.code)) % params
    return _("Row %(row)s, column “%(column)s”: %(problem)s") % {
        "row": item.row,
        "column": item.field,
        "problem": text,
    }
