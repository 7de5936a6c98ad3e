"""No overbooking, ever: overlapping stays on one offer, and concurrent confirmations on
PostgreSQL. Nights are [arrival, arrival + nights): the check-out day is the next guest's."""

import datetime as dt
import os
import threading
import unittest

from django.db import IntegrityError, connection, connections, transaction
from django.test import TestCase, TransactionTestCase

from sanctuary.accounts.models import Role
from sanctuary.hosts.models import Offer
from sanctuary.shelter import services
from sanctuary.shelter.models import BedNight, Stay, StayRequest
from sanctuary.shelter.tests.factories import make_case, make_host, make_offer, make_request, today
from sanctuary.test import make_staff

D = today() + dt.timedelta(days=2)


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


class OverlapTestCase(TestCase):
    def setUp(self) -> None:
        make_staff("sheila", Role.SHELTER_COORDINATOR)
        make_staff("charlie", Role.COORDINATOR)
        self.file = make_case()
        self.host = make_host()

    def offer(self, beds: int) -> Offer:
        return make_offer(self.host, beds=beds, first_night=day(0), last_night=day(20))

    def book(self, offer: Offer, first: int, nights: int, persons: int = 1) -> Stay:
        request = make_request(self.file, arrival=day(first), nights=nights, adult_men=persons)
        return services.book_stay(
            request=request,
            offer_id=offer.pk,
            first_night=day(first),
            nights=nights,
            persons=persons,
        )

    def refused(self, offer: Offer, first: int, nights: int, persons: int = 1) -> None:
        before = list(BedNight.objects.values_list("night", "booked").order_by("night"))
        stays = Stay.objects.count()
        with self.assertRaises(services.Overbooked):
            self.book(offer, first, nights, persons)
        after = list(BedNight.objects.values_list("night", "booked").order_by("night"))
        self.assertEqual(before, after, "a refused stay books no night at all")
        self.assertEqual(Stay.objects.count(), stays)

    def booked(self, offer: Offer) -> dict[int, int]:
        return {
            (night - D).days: booked
            for night, booked in BedNight.objects.filter(offer=offer).values_list("night", "booked")
            if booked
        }

    def test_it_refuses_a_stay_strictly_inside_another_on_one_bed(self) -> None:
        offer = self.offer(beds=1)
        self.book(offer, 1, 6)
        self.refused(offer, 3, 2)

    def test_it_refuses_a_stay_around_another(self) -> None:
        offer = self.offer(beds=1)
        self.book(offer, 3, 2)
        self.refused(offer, 1, 6)

    def test_it_refuses_partial_overlaps_at_either_end(self) -> None:
        offer = self.offer(beds=1)
        self.book(offer, 5, 3)  # nights 5, 6, 7
        self.refused(offer, 3, 3)  # 3, 4, 5
        self.refused(offer, 7, 3)  # 7, 8, 9
        self.refused(offer, 5, 3)  # the same nights

    def test_it_lets_the_next_guest_arrive_on_the_check_out_day(self) -> None:
        offer = self.offer(beds=1)
        self.book(offer, 1, 3)  # nights 1, 2, 3; leaves the morning of 4
        self.book(offer, 4, 2)  # arrives on 4
        self.book(offer, 0, 1)  # leaves the morning of 1
        self.assertEqual(self.booked(offer), {0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1})

    def test_it_fills_a_multi_bed_offer_night_by_night(self) -> None:
        offer = self.offer(beds=3)
        self.book(offer, 1, 5, persons=2)
        self.book(offer, 3, 1)  # night 3 full now
        self.refused(offer, 2, 3)  # nights 2-4 include the full night 3
        self.book(offer, 4, 2)
        self.refused(offer, 0, 2, persons=2)  # night 1 has one bed left
        self.book(offer, 0, 2)
        self.assertEqual(self.booked(offer), {0: 1, 1: 3, 2: 2, 3: 3, 4: 3, 5: 3})

    def test_it_books_one_party_at_a_time_where_the_host_asks_for_it(self) -> None:
        offer = make_offer(
            self.host, beds=4, first_night=day(0), last_night=day(20), one_party=True
        )
        self.book(offer, 1, 3)  # one man in a home of four beds
        self.refused(offer, 2, 1)  # a second party, though three beds are free
        self.refused(offer, 3, 2, persons=2)
        self.book(offer, 4, 2, persons=3)  # the next party, on the check-out day
        self.assertEqual(self.booked(offer), {1: 1, 2: 1, 3: 1, 4: 3, 5: 3})
        control = self.offer(beds=4)  # positive control: the same on a shared home
        self.book(control, 1, 3)
        self.book(control, 2, 1)

    def test_it_refuses_a_party_larger_than_the_beds_and_nights_outside_the_offer(self) -> None:
        offer = self.offer(beds=2)
        self.refused(offer, 1, 2, persons=3)
        self.refused(offer, 19, 3)  # runs past the offer's last night
        self.assertEqual(self.booked(offer), {})

    def test_it_frees_the_nights_of_a_cancelled_stay(self) -> None:
        offer = self.offer(beds=1)
        stay = self.book(offer, 1, 4)
        self.refused(offer, 2, 1)
        services.do_cancel_stay(stay, acting_user=None)
        self.assertEqual(self.booked(offer), {})
        self.book(offer, 2, 1)
        self.assertEqual(self.booked(offer), {2: 1})

    def test_it_keeps_the_database_from_overbooking_even_without_the_guard(self) -> None:
        offer = self.offer(beds=2)
        self.book(offer, 1, 1, persons=2)
        with self.assertRaises(IntegrityError), transaction.atomic():
            BedNight.objects.filter(offer=offer).update(booked=3)
        with self.assertRaises(IntegrityError), transaction.atomic():
            BedNight.objects.create(offer=offer, night=day(1), beds=2)
        with self.assertRaises(IntegrityError), transaction.atomic():
            BedNight.objects.create(offer=offer, night=day(9), beds=2, booked=-1)


# At most this many database connections at once (the server's max_connections is shared with
# other test runs); every attempt still waits at one barrier and runs in its own connection.
CONNECTIONS = int(os.environ.get("SHELTER_TEST_CONNECTIONS", "40"))
ATTEMPTS = 100


@unittest.skipUnless(
    connection.vendor == "postgresql",
    "row locks and concurrent connections need PostgreSQL: SQLite serialises every write, so "
    "it cannot show what the locks prevent",
)
class ConcurrentConfirmationTestCase(TransactionTestCase):
    def test_it_confirms_exactly_three_of_a_hundred_concurrent_stays_on_three_beds(self) -> None:
        make_staff("sheila", Role.SHELTER_COORDINATOR)
        make_staff("charlie", Role.COORDINATOR)
        file = make_case()
        offer = make_offer(make_host(), beds=3, first_night=day(0), last_night=day(10))
        requests = [make_request(file, arrival=day(2), nights=3) for _ in range(ATTEMPTS)]
        barrier = threading.Barrier(ATTEMPTS)
        gate = threading.BoundedSemaphore(CONNECTIONS)
        outcomes: list[str] = []
        lock = threading.Lock()

        def confirm(request: StayRequest) -> None:
            try:
                barrier.wait(timeout=60)
                with gate:
                    try:
                        services.book_stay(
                            request=request,
                            offer_id=offer.pk,
                            first_night=day(2),
                            nights=3,
                            persons=1,
                        )
                        outcome = "confirmed"
                    except services.Overbooked:
                        outcome = "refused"
                    finally:
                        connections.close_all()
            except Exception as error:
                outcome = f"error: {error!r}"
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=confirm, args=(r,)) for r in requests]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(len(outcomes), ATTEMPTS)
        self.assertEqual(outcomes.count("confirmed"), 3, sorted(set(outcomes)))
        self.assertEqual(outcomes.count("refused"), ATTEMPTS - 3, sorted(set(outcomes)))
        self.assertEqual(Stay.objects.count(), 3)
        nights = dict(BedNight.objects.filter(offer=offer).values_list("night", "booked"))
        self.assertEqual(nights, {day(2): 3, day(3): 3, day(4): 3})
        self.assertFalse(BedNight.objects.filter(booked__gt=3).exists())
