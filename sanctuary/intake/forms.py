from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanctuary.cases.models import (
    CONTACT_CHOICES,
    LANGUAGE_CHOICES,
    MAX_MESSAGE,
    MAX_STORY,
    HelpWanted,
)
from sanctuary.routes.forms import SituationForm


class QuestionnaireForm(SituationForm):
    """The situation the routes engine reads, and what a counselor needs to help."""

    on_behalf = forms.TypedChoiceField(
        label=_("Who is asking for help?"),
        choices=[("0", _("I am asking for myself")), ("1", _("I am asking for a relative"))],
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    military_id = forms.BooleanField(label=_("I have a military ID"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=["ru"],
    )
    help_wanted = forms.MultipleChoiceField(
        label=_("What help do you need?"),
        choices=HelpWanted.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    story = forms.CharField(
        label=_("Your story"),
        help_text=_(
            "What happened, what you fear, what you need. Leave out names and addresses you "
            "do not need to give."
        ),
        max_length=MAX_STORY,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    contact_channel = forms.ChoiceField(
        label=_("Another way to reach you (optional)"),
        choices=CONTACT_CHOICES,
        required=False,
        help_text=_(
            "Signal shows your phone number to the counselor unless you use a username. "
            "Telegram can be read by its operator and is watched in Russia. An email address "
            "may name you. We store what you give here encrypted."
        ),
    )
    contact_handle = forms.CharField(
        label=_("Your Signal username, Telegram name or email address"),
        max_length=200,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("contact_channel") and not data.get("contact_handle", "").strip():
            self.add_error("contact_handle", _("Enter where to reach you, or choose the mailbox."))
        return data

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        situation = self.situation_dict()
        situation["documents"]["military_id"] = data["military_id"]
        return {
            "situation": situation,
            "on_behalf": data["on_behalf"],
            "languages": sorted(data["languages"]),
            "help_wanted": sorted(data["help_wanted"]),
            "story": data["story"],
            "contact_channel": data["contact_channel"] if data["contact_handle"] else "",
            "contact_handle": data["contact_handle"].strip() if data["contact_channel"] else "",
        }


class CodenameForm(forms.Form):
    codename = forms.CharField(
        label=_("Your codename"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked, scrubbed and sealed by the view."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=MAX_MESSAGE, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(
        label=_("Photos or PDF files (optional)"),
        help_text=_(
            "JPEG, PNG or PDF, up to 10 MB each and 12 MB together. We remove location and "
            "other hidden data before storing them."
        ),
        required=False,
    )
