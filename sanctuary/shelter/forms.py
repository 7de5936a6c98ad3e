import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanctuary import cities
from sanctuary.country_fields import CountryField
from sanctuary.hosts.countries import COUNTRY_CODES
from sanctuary.hosts.models import Offer
from sanctuary.shelter.models import RULE_CHOICES, StayRequest

MAX_NIGHTS = 90
MAX_PARTY = 20
LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class StayRequestForm(forms.Form):
    country = CountryField(
        label=_("Country"),
        initial="DE",
        first=COUNTRY_CODES,
        first_label=_("Countries where the network has hosts"),
        rest_label=_("Other countries (no host there yet: the request will wait)"),
    )
    city = forms.CharField(label=_("City"), max_length=60)
    arrival = forms.DateField(
        label=_("First night"), widget=forms.DateInput(attrs={"type": "date"})
    )
    nights = forms.IntegerField(label=_("Nights"), min_value=1, max_value=MAX_NIGHTS, initial=3)
    adult_men = forms.IntegerField(
        label=_("Adult men"), min_value=0, max_value=MAX_PARTY, initial=1
    )
    adult_women = forms.IntegerField(
        label=_("Adult women"), min_value=0, max_value=MAX_PARTY, initial=0
    )
    children = forms.IntegerField(label=_("Children"), min_value=0, max_value=MAX_PARTY, initial=0)
    languages = forms.CharField(
        label=_("Languages"),
        max_length=60,
        required=False,
        help_text=_("Two-letter codes separated by commas, e.g. ru, en."),
    )
    needs_step_free = forms.BooleanField(label=_("Needs step-free access"), required=False)
    has_pets = forms.BooleanField(label=_("Travels with a pet"), required=False)
    medical_needs = forms.BooleanField(label=_("Medical needs"), required=False)
    needs = forms.CharField(
        label=_("Needs (only those holding the case read this)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "stay-%s")
        super().__init__(*args, **kwargs)

    def clean_city(self) -> str:
        city = str(self.cleaned_data["city"]).strip()
        if not city:
            raise forms.ValidationError(_("Name the city."))
        # One form of each city (sanctuary/cities.py), so the matcher pairs "Алматы" with
        # offers in "Almaty"; an unknown city stays as typed.
        return cities.normalise(city) or city

    def clean_arrival(self) -> dt.date:
        arrival: dt.date = self.cleaned_data["arrival"]
        if arrival < timezone.localdate():
            raise forms.ValidationError(_("The first night is in the past."))
        return arrival

    def clean_languages(self) -> list[str]:
        text = str(self.cleaned_data.get("languages") or "")
        codes = [c.strip().lower() for c in text.replace(";", ",").split(",") if c.strip()]
        if any(not LANGUAGE.match(code) for code in codes):
            raise forms.ValidationError(_("Use two-letter language codes separated by commas."))
        return sorted(set(codes))

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        men, women = data.get("adult_men"), data.get("adult_women")
        if men is not None and women is not None:
            if men + women == 0:
                raise forms.ValidationError(_("A party needs at least one adult."))
            if men + women + (data.get("children") or 0) > MAX_PARTY:
                raise forms.ValidationError(
                    _("A party of more than %(max)s persons: make several requests.")
                    % {"max": MAX_PARTY}
                )
        return data


def _request_label(request: StayRequest) -> str:
    return (
        f"{request.city_name}, {request.country_name} · {request.arrival.isoformat()} · "
        f"{request.nights} × {request.persons} · #{str(request.pk)[:8]}"
    )


def _offer_label(offer: Offer) -> str:
    return (
        f"{offer.city_name}, {offer.country_name} · {offer.beds} · {offer.first_night.isoformat()}–"
        f"{offer.last_night.isoformat()} · #{str(offer.pk)[:8]}"
    )


class OverrideForm(forms.Form):
    request = forms.ChoiceField(label=_("Stay request"))
    offer = forms.ChoiceField(label=_("Offer"))
    rule = forms.ChoiceField(label=_("Rule to waive"), choices=RULE_CHOICES)
    reason = forms.CharField(
        label=_("Written reason (sealed to shelter coordinators, the override is audited)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, requests: list[StayRequest], offers: list[Offer], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        request_field = self.fields["request"]
        offer_field = self.fields["offer"]
        assert isinstance(request_field, forms.ChoiceField)
        assert isinstance(offer_field, forms.ChoiceField)
        request_field.choices = [(str(r.pk), _request_label(r)) for r in requests]
        offer_field.choices = [(str(o.pk), _offer_label(o)) for o in offers]

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError(_("Write why the rule may be waived."))
        return reason


class SafetyReportForm(forms.Form):
    body = forms.CharField(
        label=_("What happened? Only shelter coordinators read this."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_body(self) -> str:
        body = str(self.cleaned_data["body"]).strip()
        if not body:
            raise forms.ValidationError(_("Describe what happened."))
        return body
