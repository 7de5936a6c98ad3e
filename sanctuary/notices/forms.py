from typing import Any

from django import forms
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext_lazy as _

from sanctuary.notices import openpgp
from sanctuary.notices.models import Kind, Mode, NoticeChannel


class ChannelForm(forms.Form):
    type = forms.ChoiceField(label=_("Channel"), choices=NoticeChannel.Type.choices)
    address = forms.CharField(
        label=_("Address"),
        max_length=500,
        help_text=_(
            "An e-mail address, or the https:// address of your push bridge (ntfy, Matrix, "
            "Signal). It is stored encrypted."
        ),
    )
    public_key = forms.CharField(
        label=_("OpenPGP public key"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only for encrypted e-mail: your public key, armored (-----BEGIN PGP …)."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        address = data.get("address", "").strip()
        if data.get("type") in (NoticeChannel.Type.EMAIL, NoticeChannel.Type.OPENPGP_EMAIL):
            validate_email(address)
        elif data.get("type") == NoticeChannel.Type.WEBHOOK:
            URLValidator(schemes=["https", "http"])(address)
        data["address"] = address
        key = data.get("public_key", "").strip()
        if data.get("type") == NoticeChannel.Type.OPENPGP_EMAIL:
            try:
                openpgp.fingerprint(key)
            except (openpgp.UnusableKey, OSError, ValueError):
                self.add_error(
                    "public_key", _("This is not one OpenPGP public key that can encrypt.")
                )
        else:
            key = ""
        data["public_key"] = key
        return data


class ModesForm(forms.Form):
    """How each kind of notice reaches its person: one choice per kind."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(label=kind.label, choices=Mode.choices)
