from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanctuary.accounts.models import User
from sanctuary.cases.models import LANGUAGE_CHOICES, MAX_MESSAGE, ChecklistItem
from sanctuary.cases.stages import LABELS, CaseType, Stage


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply to the seeker"), max_length=MAX_MESSAGE, widget=forms.Textarea
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for colleagues holding the case"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TaskForm(forms.Form):
    text = forms.CharField(label=_("Task"), max_length=500)
    due_date = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_due_date(self) -> Any:
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("The due date is in the past."))
        return due


class CheckInForm(forms.Form):
    label = forms.CharField(
        label=_("Check-in"),
        max_length=300,
        help_text=_("What he confirms, e.g. “crossed the border”. Encrypted; he sees it."),
    )
    due_at = forms.DateTimeField(
        label=_("Due by (UTC)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean_due_at(self) -> Any:
        due = self.cleaned_data["due_at"]
        if due <= timezone.now():
            raise forms.ValidationError(_("The check-in time is in the past."))
        return due


class StageForm(forms.Form):
    case_type = forms.ChoiceField(label=_("Case type"))
    stage = forms.ChoiceField(label=_("Stage"))

    def __init__(self, *args: Any, lang: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = LABELS.get(lang, LABELS["en"])
        type_field = self.fields["case_type"]
        stage_field = self.fields["stage"]
        assert isinstance(type_field, forms.ChoiceField)
        assert isinstance(stage_field, forms.ChoiceField)
        type_field.choices = [(t.value, labels[t.value]) for t in CaseType]
        stage_field.choices = [(s.value, labels[s.value]) for s in Stage]


class AssignForm(forms.Form):
    counselor = forms.ModelChoiceField(label=_("Counselor"), queryset=User.objects.none())
    keep_previous = forms.BooleanField(
        label=_("Let the previous counselor keep access"), required=False
    )

    def __init__(self, *args: Any, counselors: list[tuple[User, str]], **kwargs: Any) -> None:
        """counselors: each with its label, in the order suggested for the case."""
        super().__init__(*args, **kwargs)
        field = self.fields["counselor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=[user.pk for user, _label in counselors])
        field.choices = [("", "—"), *((user.pk, label) for user, label in counselors)]


class CounselorProfileForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("Languages I counsel in"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries I know well"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["countries"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = countries


class ChecklistItemForm(forms.ModelForm[ChecklistItem]):
    position = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        max_value=999,
        initial=10,
        help_text=_("Steps are shown from the smallest number up."),
    )

    class Meta:
        model = ChecklistItem
        fields = ("country", "position", "kind", "text_en", "text_ru", "contact")
        labels = {
            "country": _("Country"),
            "kind": _("Kind of step"),
            "text_en": _("Step in English"),
            "text_ru": _("Step in Russian"),
            "contact": _("Contact"),
        }
        help_texts = {
            "contact": _(
                "The network's own working contact, such as a duty lawyer's line or a partner's "
                "hotline. Every counselor reads it; never a seeker's or a private person's "
                "number."
            ),
        }
        widgets = {
            "text_en": forms.Textarea(attrs={"rows": 3}),
            "text_ru": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"] = forms.ChoiceField(
            label=_("Country"),
            choices=[("", _("Every country")), *countries],
            required=False,
        )
