"""A proposal a person can read: the host's code, tier and languages, the nights, the party's
segment and urgency, reasons in plain words, and why the best two others were not chosen."""

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import translation

from sanctuary.accounts.models import Role
from sanctuary.hosts.models import Tier
from sanctuary.shelter import matcher, services
from sanctuary.shelter.tests.factories import (
    make_case,
    make_host,
    make_host_user,
    make_offer,
    make_request,
    today,
)
from sanctuary.test import BaseTestCase, make_staff

DAY = dt.date(2026, 12, 11)


def offer(offer_id: str, beds: int, **fields: object) -> matcher.Offer:
    values: dict[str, object] = {
        "offer_id": offer_id,
        "host_id": f"h-{offer_id}",
        "city": "AM:yerevan",
        "beds": beds,
        "first_night": DAY,
        "last_night": DAY + dt.timedelta(days=9),
        "max_nights": 9,
        "tier": 1,
        "languages": frozenset({"ru"}),
    }
    values.update(fields)
    return matcher.Offer(**values)  # type: ignore[arg-type]


def test_it_explains_the_only_free_home_and_the_others() -> None:
    offers = (
        offer("a", 1),
        offer("b", 1, tier=0),  # not vetted to receive guests
        offer("c", 2, cannot_ask="no_keys"),
        offer("d", 1, first_night=DAY + dt.timedelta(days=1)),  # not on the first night
    )
    man = matcher.StayRequest("r", "AM:yerevan", DAY, 2, dt.datetime(2026, 12, 1), 1, 0)
    instance = matcher.Instance(offers=offers, requests=(man,))
    result = matcher.plan(instance)
    assert [p.offer_id for p in result.proposals] == ["a"]
    headline, first, second = matcher.explain(instance, result)["r"]
    assert headline.code == "only_free_home"
    assert dict(headline.params) == {
        "city": "AM:yerevan",
        "men": 1,
        "women": 0,
        "children": 0,
        "arrival": DAY.isoformat(),
        "nights": 2,
    }
    assert (first.code, first.param("offer")) == ("passed_cannot_ask", "c")
    assert (second.code, second.param("offer")) == ("passed_dates", "d")


def test_it_says_why_a_home_with_a_bed_was_passed_over() -> None:
    offers = (offer("a", 1), offer("b", 1, languages=frozenset({"hy"})), offer("c", 3))
    man = matcher.StayRequest(
        "r", "AM:yerevan", DAY, 1, dt.datetime(2026, 12, 1), 1, 0, languages=frozenset({"ru"})
    )
    instance = matcher.Instance(offers=offers, requests=(man,))
    result = matcher.plan(instance)
    headline, *others = matcher.explain(instance, result)["r"]
    assert (headline.code, headline.param("count")) == ("other_free_homes", 2)
    assert [(r.code, r.param("offer")) for r in others] == [
        ("passed_roomier", "c"),
        ("passed_no_language", "b"),
    ]


class ReadablePlanTestCase(BaseTestCase):
    def test_it_shows_a_proposal_in_plain_words(self) -> None:
        self.enterContext(translation.override("en"))
        sheila = make_staff("sheila", Role.SHELTER_COORDINATOR)
        _user, host = make_host_user(
            "ani", city="Yerevan", country="AM", tier=Tier.INTERVIEWED, languages=["hy", "ru"]
        )
        make_offer(host, beds=1, first_night=today())
        sheet_host = make_host(city="Yerevan", country="AM")
        make_offer(sheet_host, beds=2, first_night=today())
        make_request(make_case(), country="AM", city="Yerevan", arrival=today(), nights=2)
        services.do_run_matcher(sheila)
        client = Client()
        self.log_in(sheila, client)
        page = client.get(reverse("shelter:plan")).content.decode()
        self.assertIn(f"Host {host.reference}, Yerevan", page)
        self.assertIn("Interviewed by a coordinator", page)
        self.assertIn("Armenian, Russian", page)
        self.assertIn(
            "The only free home in Yerevan from tonight, for 2 nights for a man alone.", page
        )
        self.assertIn("single men", page)
        self.assertIn("priority: immediate danger", page)  # arriving tonight without a bed
        self.assertIn(
            f"Host {sheet_host.reference} has a bed but cannot be asked through the portal", page
        )
        self.assertNotIn("Tightest fit", page)


class PlainWordsTestCase(BaseTestCase):
    def test_it_says_tonight_and_the_party_in_each_language(self) -> None:
        from sanctuary.shelter.reasons import describe, party

        params = {"city": "AM:yerevan", "men": 1, "women": 0, "children": 0}
        tonight = {**params, "arrival": today().isoformat(), "nights": 1}
        expected = {
            "en": "The only free home in Yerevan tonight for a man alone.",
            "ru": "Единственное свободное жильё в городе Ереван сегодня ночью для мужчины, "
            "который едет один.",
            "uk": "Єдине вільне житло в місті Єреван сьогодні вночі для чоловіка, який їде сам.",
        }
        for lang, sentence in expected.items():
            with translation.override(lang):
                self.assertEqual(describe("only_free_home", tonight), sentence)
        with translation.override("ru"):
            self.assertEqual(party(2, 0, 0), "2 мужчины")
            self.assertEqual(party(5, 0, 0), "5 мужчин")
            self.assertEqual(party(1, 1, 2), "семья из 4 человек с детьми")
