import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sanctuary import cities, countries
from sanctuary.cases.models import LANGUAGE_CHOICES
from sanctuary.country_fields import CountryField
from sanctuary.hosts import sheet
from sanctuary.hosts.countries import COUNTRY_CODES
from sanctuary.hosts.models import Tier, VettingStep

HOST_COUNTRY_REFUSED = _(
    "The network has no hosts in %(country)s. Choose one of the countries in the list."
)
LANGUAGE_CODES = frozenset(code for code, _label in LANGUAGE_CHOICES)


def country_name(code: str) -> str:
    return countries.name(code, get_language())


def host_country_field() -> CountryField:
    """The countries of the network's policy list, by their localised names."""
    return CountryField(label=_("Country"), only=COUNTRY_CODES, not_offered=HOST_COUNTRY_REFUSED)


def _city(text: str) -> str:
    """One form of each city (sanctuary/cities.py): "Алматы" and "almaty" are stored as
    "Almaty", so offers and stay requests in one city match; an unknown city stays as typed."""
    typed = _one_line(text)
    return cities.normalise(typed) or typed


def _one_line(value: str) -> str:
    return " ".join(value.split())


class HostForm(forms.Form):
    """What a shelter coordinator knows of a new host. Name, address and contact are sealed."""

    name = forms.CharField(
        label=_("Name"),
        max_length=sheet.MAX_NAME,
        help_text=_("As the host wants to be called. Sealed: only shelter coordinators read it."),
    )
    address = forms.CharField(
        label=_("Exact address"),
        max_length=sheet.MAX_ADDRESS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Sealed: only shelter coordinators read it, and a guest once a stay is confirmed."
        ),
    )
    contact = forms.CharField(
        label=_("Contact"),
        max_length=sheet.MAX_CONTACT,
        help_text=_("Phone, Signal or Telegram handle. Sealed."),
    )
    country = host_country_field()
    city = forms.CharField(label=_("City"), max_length=sheet.MAX_CITY)
    languages = forms.MultipleChoiceField(
        label=_("Languages the host speaks"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean_city(self) -> str:
        return _city(self.cleaned_data["city"])

    def clean_name(self) -> str:
        return _one_line(self.cleaned_data["name"])


VETTING_CHOICES = [
    (VettingStep.Kind.INTERVIEW.value, VettingStep.Kind.INTERVIEW.label),
    (VettingStep.Kind.IDENTITY_SEEN.value, VettingStep.Kind.IDENTITY_SEEN.label),
    (VettingStep.Kind.REFERENCE.value, VettingStep.Kind.REFERENCE.label),
    (VettingStep.Kind.SECOND_APPROVAL.value, VettingStep.Kind.SECOND_APPROVAL.label),
    (VettingStep.Kind.DOWNGRADE.value, VettingStep.Kind.DOWNGRADE.label),
]


class VettingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=VETTING_CHOICES)
    target = forms.TypedChoiceField(
        label=_("New tier (only when lowering it)"),
        choices=[("", "—"), *Tier.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == VettingStep.Kind.DOWNGRADE and cleaned.get("target") is None:
            self.add_error("target", _("Choose the tier to lower the host to."))
        return cleaned


WINDOW_MESSAGES = {
    "in_past": _("The first night is in the past."),
    "before_first": _("The last night is before the first night."),
    "too_long_window": _("An offer covers at most %(limit)s days; make a new offer after it."),
}


class OfferForm(forms.Form):
    country = host_country_field()
    city = forms.CharField(label=_("City"), max_length=sheet.MAX_CITY)
    beds = forms.IntegerField(label=_("Beds"), min_value=1, max_value=sheet.MAX_BEDS)
    first_night = forms.DateField(
        label=_("First night"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_night = forms.DateField(
        label=_("Last night"), widget=forms.DateInput(attrs={"type": "date"})
    )
    max_nights = forms.IntegerField(
        label=_("Longest stay, in nights"),
        min_value=1,
        max_value=sheet.MAX_WINDOW_DAYS + 1,
    )
    accepts_men_only_parties = forms.BooleanField(
        label=_("Accepts single men and groups of men"), required=False, initial=True
    )
    women_only = forms.BooleanField(
        label=_("Women-only household: no adult men at all"), required=False
    )
    accepts_children = forms.BooleanField(
        label=_("Accepts families with children"), required=False, initial=True
    )
    families_only = forms.BooleanField(label=_("Only families with children"), required=False)
    accepts_pets = forms.BooleanField(label=_("Accepts pets"), required=False)
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    one_party = forms.BooleanField(
        label=_("One party at a time: no strangers together in the home"), required=False
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken in the home"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes for the coordinators"),
        max_length=sheet.MAX_NOTES,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("House rules, how to get there. Encrypted; never put a guest's name here."),
    )

    def __init__(
        self, *args: Any, previous_first_night: dt.date | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.previous_first_night = previous_first_night

    def clean_city(self) -> str:
        return _city(self.cleaned_data["city"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first_night"), cleaned.get("last_night")
        # An offer already running keeps its first night; a new or moved one starts today or later.
        today = timezone.localdate()
        if first is not None and first == self.previous_first_night:
            today = min(today, first)
        for field, code in sheet.window_problems(first, last, today):
            if field in cleaned:
                error = forms.ValidationError(
                    WINDOW_MESSAGES[code], params={"limit": sheet.MAX_WINDOW_DAYS}
                )
                self.add_error(field, error)
        if cleaned.get("families_only") and not cleaned.get("accepts_children"):
            self.add_error(
                "families_only",
                _("A host who takes only families must accept children."),
            )
        return cleaned


class ImportForm(forms.Form):
    sheet = forms.FileField(label=_("Sheet of offers (CSV or XLSX)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sheet"].help_text = _("At most %(rows)s rows and %(size)s MB.") % {
            "rows": sheet.MAX_ROWS,
            "size": sheet.MAX_BYTES // 1024 // 1024,
        }

    def clean_sheet(self) -> Any:
        upload = self.cleaned_data["sheet"]
        if upload.size > sheet.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB. Split it into several sheets."),
                params={"size": sheet.MAX_BYTES // 1024 // 1024},
            )
        return upload
