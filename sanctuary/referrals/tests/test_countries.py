"""A partner's country comes from the one country list; the model refuses anything else."""

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from django.utils import translation

from sanctuary.referrals.forms import PartnerForm
from sanctuary.referrals.models import Partner


class PartnerCountryTestCase(SimpleTestCase):
    def test_it_offers_every_country_by_name_and_keeps_the_code(self) -> None:
        with translation.override("uk"):
            form = PartnerForm({"organisation": "Aid", "country": "am", "services": "Law"})
            offered = dict(form.fields["country"].choices)  # type: ignore[attr-defined]
            self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(offered["AM"], "Вірменія")
        self.assertEqual(form.cleaned_data["country"], "AM")

    def test_the_form_and_the_model_refuse_an_unknown_code_in_the_users_language(self) -> None:
        with translation.override("ru"):
            form = PartnerForm({"organisation": "Aid", "country": "G1", "services": "Law"})
            self.assertFalse(form.is_valid())
            self.assertIn("«G1» — не код страны", " ".join(str(e) for e in form.errors["country"]))
            with self.assertRaises(ValidationError) as refused:
                Partner(organisation="Aid", country="Georgia", services="Law").clean_fields()
            self.assertIn("не код страны", str(refused.exception.message_dict["country"]))
        Partner(organisation="Aid", country="GE", services="Law").clean_fields()  # control
