import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sanctuary.country_fields import CountryField
from sanctuary.keyring import crypto
from sanctuary.referrals.models import Consent, Partner
from sanctuary.referrals.services import EXPIRY_DAYS

MAX_REQUEST = 2000


class PartnerForm(forms.ModelForm[Partner]):
    country = CountryField(label=_("Country"))

    class Meta:
        model = Partner
        fields = ["organisation", "country", "services", "active"]
        help_texts = {
            "organisation": _("The organisation's public name. No person's name."),
        }


class ReferralForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=Partner.objects.none()
    )
    items = forms.MultipleChoiceField(
        label=_("What to send"),
        help_text=_("Only what the partner needs: nothing else leaves the case."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one item to send.")},
    )
    request = forms.CharField(
        label=_("What you ask of the partner"),
        help_text=_("Sent in the packet. Leave out what the partner does not need."),
        max_length=MAX_REQUEST,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_("The seeker agreed to send exactly these items to this partner"),
        error_messages={"required": _("Without his consent nothing is sent.")},
    )
    consent_how = forms.ChoiceField(label=_("How he agreed"), choices=[("", "—"), *Consent.choices])
    days = forms.TypedChoiceField(label=_("The link stays valid for"), coerce=int, initial=3)
    once = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(
        self, *args: Any, offered: list[tuple[str, str]], partners: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        items = self.fields["items"]
        partner = self.fields["partner"]
        days = self.fields["days"]
        assert isinstance(items, forms.MultipleChoiceField)
        assert isinstance(partner, forms.ModelChoiceField)
        assert isinstance(days, forms.TypedChoiceField)
        items.choices = offered
        if not self.is_bound:
            self.initial["once"] = secrets.token_urlsafe(16)
        partner.queryset = partners
        days.choices = [
            (d, ngettext("%(count)d day", "%(count)d days", d) % {"count": d}) for d in EXPIRY_DAYS
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("once"):
            # A hidden field: its error is the form's, so that the page shows it.
            raise forms.ValidationError(_("The form is out of date: open it again."))
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        help_text=_("The eight digits you were given by phone or message, not by this link."),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        try:
            return crypto.normalize_referral_code(self.cleaned_data["code"])
        except crypto.MalformedInput:
            raise forms.ValidationError(_("The code has eight digits.")) from None
