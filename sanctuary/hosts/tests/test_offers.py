"""Offers written by shelter coordinators and by the host himself; bad input on every form;
the host list's cost."""

import datetime as dt
from typing import Any

from django import forms
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from sanctuary.accounts.models import Role
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.hosts import services
from sanctuary.hosts.forms import HostForm, OfferForm
from sanctuary.hosts.models import Offer
from sanctuary.hosts.tests.helpers import HOST_DATA, HostsTestCase, keychain_of, offer_data
from sanctuary.keyring.services import open_record
from sanctuary.test import make_staff


def future(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


class OfferPagesTestCase(HostsTestCase):
    def test_it_lets_a_coordinator_write_an_offer_with_sealed_notes(self) -> None:
        host, _token = self.invite()
        self.log_in(self.erin)
        response = self.client.post(
            reverse("hosts:offer_new", args=[host.pk]), offer_data(beds="3", accepts_pets="on")
        )
        self.assertEqual(response.status_code, 302)
        offer = Offer.objects.get()
        self.assertEqual((offer.beds, offer.accepts_pets, offer.city), (3, True, "Almaty"))
        self.assertNotIn(b"Third floor", bytes(offer.notes or b""))
        opened = open_record(host, keychain_of(self.dora))
        self.assertEqual(opened.read_from(offer, "notes"), "Third floor, no lift.")
        entry = AuditEntry.objects.get(action=Action.OFFER_CREATED)
        self.assertEqual(entry.details, {"host": host.reference, "beds": 3})

    def test_it_lets_the_host_keep_his_own_offers(self) -> None:
        host, user = self.host_with_account()
        client = Client()
        self.log_in(user, client)
        client.post(reverse("portal:offer_new"), offer_data(notes="Ring twice."))
        offer = Offer.objects.get(host=host)
        self.assertEqual(offer.created_by, user)
        page = client.get(reverse("portal:offer_edit", args=[offer.pk])).content.decode()
        self.assertIn("Ring twice.", page)
        client.post(
            reverse("portal:offer_edit", args=[offer.pk]), offer_data(beds="5", notes="Knock.")
        )
        offer.refresh_from_db()
        self.assertEqual(offer.beds, 5)
        # The coordinators read what he wrote: one key, sealed to both.
        self.assertEqual(
            open_record(host, keychain_of(self.erin)).read_from(offer, "notes"), "Knock."
        )
        client.post(reverse("portal:offer_withdraw", args=[offer.pk]))
        offer.refresh_from_db()
        self.assertFalse(offer.active)
        self.assertEqual(client.get(reverse("portal:offer_edit", args=[offer.pk])).status_code, 404)
        self.assertEqual(
            list(
                AuditEntry.objects.filter(object_type="hosts.offer").values_list(
                    "action", flat=True
                )
            ),
            [Action.OFFER_WITHDRAWN, Action.OFFER_CHANGED, Action.OFFER_CREATED],
        )

    def test_it_explains_every_bad_window_and_keeps_what_was_typed(self) -> None:
        host, _token = self.invite()
        self.log_in(self.dora)
        url = reverse("hosts:offer_new", args=[host.pk])
        cases: list[tuple[dict[str, Any], str]] = [
            ({"beds": "0"}, "beds"),
            ({"beds": "51"}, "beds"),
            ({"beds": "two"}, "beds"),
            ({"first_night": future(-1)}, "first_night"),
            ({"first_night": future(5), "last_night": future(4)}, "last_night"),
            ({"last_night": future(400)}, "last_night"),
            ({"first_night": "31.02.2027"}, "first_night"),
            ({"max_nights": "0"}, "max_nights"),
            ({"country": "RU"}, "country"),
            ({"families_only": "on", "accepts_children": None}, "families_only"),
            ({"languages": ["xx"]}, "languages"),
            ({"city": ""}, "city"),
        ]
        for changes, field in cases:
            response = self.client.post(
                url,
                offer_data(city="Typed City", **changes)
                if "city" not in changes
                else offer_data(**changes),
            )
            self.assertEqual(response.status_code, 200, changes)
            form = response.context["form"]
            self.assertIn(field, form.errors, changes)
            self.assertTrue(all(str(e).strip() for e in form.errors[field]))
            if "city" not in changes:
                self.assertIn('value="Typed City"', response.content.decode())
        self.assertEqual(Offer.objects.count(), 0)

    def test_it_translates_the_errors(self) -> None:
        host, _token = self.invite()
        self.log_in(self.dora)
        response = self.client.post(
            reverse("hosts:offer_new", args=[host.pk]), offer_data(beds="0")
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Убедитесь", response.content.decode())  # Django's own, in Russian

    def test_it_lets_a_running_offer_keep_its_first_night(self) -> None:
        host, _token = self.invite()
        opened = open_record(host, keychain_of(self.dora))
        data = OfferForm(offer_data()).data
        form = OfferForm(data)
        self.assertTrue(form.is_valid(), form.errors)
        cleaned = {**form.cleaned_data, "first_night": dt.date.today() - dt.timedelta(days=3)}
        offer = services.do_save_offer(
            host, offer=None, data=cleaned, opened=opened, acting_user=self.dora
        )
        self.log_in(self.dora)
        response = self.client.post(
            reverse("hosts:offer_edit", args=[host.pk, offer.pk]),
            offer_data(first_night=offer.first_night.isoformat(), beds="4"),
        )
        self.assertEqual(response.status_code, 302)
        offer.refresh_from_db()
        self.assertEqual(offer.beds, 4)

    def test_it_refuses_offers_for_a_deactivated_host(self) -> None:
        host, _token = self.invite()
        self.log_in(self.dora)
        self.client.post(reverse("hosts:active", args=[host.pk]), {"active": "0"})
        response = self.client.post(reverse("hosts:offer_new", args=[host.pk]), offer_data())
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Offer.objects.count(), 0)


class HostListCostTestCase(HostsTestCase):
    def add_hosts(self, count: int) -> None:
        for n in range(count):
            host, _token = services.do_invite_host(
                name=f"Host {n}",
                address="Street",
                contact="@host",
                country="KZ",
                city="Almaty",
                languages=["ru"],
                acting_user=self.dora,
            )
            opened = open_record(host, keychain_of(self.dora))
            form = OfferForm(offer_data())
            assert form.is_valid()
            services.do_save_offer(
                host, offer=None, data=form.cleaned_data, opened=opened, acting_user=self.dora
            )

    def queries(self) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(reverse("hosts:list"))
        self.assertEqual(response.status_code, 200)
        return len(captured)

    def test_it_costs_the_same_queries_for_3_hosts_as_for_30(self) -> None:
        self.log_in(self.dora)
        self.add_hosts(3)
        few = self.queries()
        self.add_hosts(27)
        self.assertEqual(self.queries(), few)
        page = self.client.get(reverse("hosts:list")).content.decode()
        self.assertNotIn("Host 1", page)
        self.assertIn("<td>2</td>", page)  # beds of an offer, from the plain columns


OFFER_FIELDS = list(OfferForm.base_fields)
HOST_FIELDS = list(HostForm.base_fields)


def assert_clear(form: forms.Form) -> None:
    if form.is_valid():
        return
    messages = [str(m) for errors in form.errors.values() for m in errors]
    assert messages and all(m.strip() for m in messages)


class BadInputTestCase(HypothesisTestCase):
    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(field=st.sampled_from(OFFER_FIELDS), value=st.text(max_size=300))
    def test_it_validates_random_text_in_every_offer_field(self, field: str, value: str) -> None:
        form = OfferForm({**offer_data(), field: value})
        assert_clear(form)
        if not isinstance(form.fields[field], forms.MultipleChoiceField | forms.BooleanField):
            assert form[field].value() == value

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(field=st.sampled_from(HOST_FIELDS), value=st.text(max_size=600))
    def test_it_validates_random_text_in_every_host_field(self, field: str, value: str) -> None:
        form = HostForm({**HOST_DATA, field: value})
        assert_clear(form)
        if not isinstance(form.fields[field], forms.MultipleChoiceField):
            assert form[field].value() == value

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(value=st.text(max_size=200))
    def test_it_never_fails_on_random_vetting_input(self, value: str) -> None:
        from sanctuary.hosts.forms import VettingForm

        assert_clear(VettingForm({"kind": value, "target": value}))


class PageBadInputTestCase(HostsTestCase):
    def test_it_answers_random_posts_on_every_form_without_a_server_error(self) -> None:
        host, user = self.host_with_account()
        shelter, own = Client(), Client()
        self.log_in(self.dora, shelter)
        self.log_in(user, own)
        junk = {
            name: "\x00<script>é"
            for name in set(OFFER_FIELDS) | set(HOST_FIELDS) | {"kind", "target", "active"}
        }
        for client, url in [
            (shelter, reverse("hosts:invite")),
            (shelter, reverse("hosts:vet", args=[host.pk])),
            (shelter, reverse("hosts:offer_new", args=[host.pk])),
            (shelter, reverse("hosts:import")),
            (own, reverse("portal:offer_new")),
            (shelter, reverse("hosts:active", args=[host.pk])),  # last: it deactivates
        ]:
            response = client.post(url, junk)
            self.assertIn(response.status_code, (200, 302), url)
            self.assertNotIn(b"<script>", response.content)


class AnotherShelterTestCase(HostsTestCase):
    def test_it_lets_a_later_shelter_coordinator_in_only_once_granted(self) -> None:
        host, _token = self.invite()
        late = make_staff("late", Role.SHELTER_COORDINATOR)  # his group key is still pending
        client = Client()
        self.log_in(late, client)
        self.assertEqual(client.get(reverse("hosts:host", args=[host.pk])).status_code, 404)
