"""Bad input on every referral form: a clear error, what was typed kept, never a 500."""

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from sanctuary.accounts.models import Role
from sanctuary.cases.models import CaseFile
from sanctuary.intake.tests.helpers import submit
from sanctuary.referrals.models import Partner, Referral
from sanctuary.referrals.tests.helpers import FORM, form_token, once_from, refer
from sanctuary.test import log_in, make_staff

PRINTABLE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=300)
ANYTHING = st.text(max_size=300)
RUN = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


class BadInputTestCase(HypothesisTestCase):
    def prepare(self) -> None:
        """Called by each example, inside the transaction hypothesis rolls back after it."""
        self.counselor = make_staff("bob", Role.COUNSELOR)
        self.coordinator = make_staff("charlie", Role.COORDINATOR)
        submit(Client(), status="summons_received")  # his summons date can be referred
        self.file = CaseFile.objects.get()
        self.staff = Client()
        log_in(self.staff, self.coordinator)
        self.staff.post(
            reverse("cases:assign", args=[self.file.pk]), {"counselor": self.counselor.pk}
        )
        self.partner = Partner.objects.create(organisation="Aid", country="GE", services="Law")
        self.counselor_client = Client()
        log_in(self.counselor_client, self.counselor)

    def assert_refused_clearly(self, response: Any) -> None:
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="error')

    @RUN
    @given(
        field=st.sampled_from(["partner", "items", "consent", "consent_how", "days", "once"]),
        value=st.one_of(ANYTHING, st.lists(ANYTHING, max_size=4)),
        request=PRINTABLE,
    )
    def test_it_refuses_bad_referral_input_keeping_the_request(
        self, field: str, value: Any, request: str
    ) -> None:
        self.prepare()
        data = {
            **FORM,
            "partner": str(self.partner.pk),
            "once": once_from(self.counselor_client, self.file.pk),
            field: value,
            "request": request,
        }
        before = Referral.objects.count()
        response = self.counselor_client.post(reverse("referrals:new", args=[self.file.pk]), data)
        self.assertIn(response.status_code, (200,))
        if Referral.objects.count() == before:
            self.assertContains(response, 'class="error')
            if request.strip() and len(request) <= 2000:
                self.assertContains(response, escape(request.strip()))

    @RUN
    @given(request=ANYTHING)
    def test_it_never_fails_on_any_request_text(self, request: str) -> None:
        self.prepare()
        data = {
            **FORM,
            "partner": str(self.partner.pk),
            "once": once_from(self.counselor_client, self.file.pk),
            "request": request,
        }
        response = self.counselor_client.post(reverse("referrals:new", args=[self.file.pk]), data)
        self.assertEqual(response.status_code, 200)

    @RUN
    @given(
        field=st.sampled_from(["organisation", "country", "services", "active"]),
        value=ANYTHING,
        services=PRINTABLE,
    )
    def test_it_refuses_bad_partner_input_keeping_what_was_typed(
        self, field: str, value: str, services: str
    ) -> None:
        self.prepare()
        data = {"organisation": "Refuser Aid", "country": "GE", "services": services, field: value}
        before = Partner.objects.count()
        response = self.staff.post(reverse("referrals:partners"), data)
        self.assertIn(response.status_code, (200, 302))
        if response.status_code == 200:
            self.assertEqual(Partner.objects.count(), before)
            self.assertContains(response, 'class="error')
            if field != "services" and services.strip() and len(services) <= 300:
                self.assertContains(response, escape(services.strip()))

    @RUN
    @given(code=ANYTHING)
    def test_it_never_fails_on_any_code(self, code: str) -> None:
        self.prepare()
        Referral.objects.all().delete()
        response = refer(self.counselor_client, self.file.pk, self.partner)
        link = response.content.decode().split('class="referral-link">', 1)[1].split("<", 1)[0]
        path = link.split("testserver", 1)[1]
        answer = Client().post(path, {"code": code, "form_token": form_token()})
        self.assertIn(answer.status_code, (200,))
        self.assertContains(answer, 'class="error')
