from typing import Any

from django import forms
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext_lazy as _

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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        address = data.get("address", "").strip()
        if data.get("type") == NoticeChannel.Type.EMAIL:
            validate_email(address)
        elif data.get("type") == NoticeChannel.Type.WEBHOOK:
            URLValidator(schemes=["https", "http"])(address)
        data["address"] = address
        return data


class ModesForm(forms.Form):
    """How each kind of notice reaches its person: one choice per kind."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(label=kind.label, choices=Mode.choices)
