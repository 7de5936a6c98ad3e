"""The network's median time to a first answer, which a seeker reads after he submits."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from sanctuary.cases.models import FIRST_REPLY_MIN_CASES, Case, Message
from sanctuary.keyring.models import Holder


def make_case(n: int, *, replies_after: list[timedelta], seeker_after: list[timedelta]) -> Case:
    created = timezone.now() - timedelta(days=30)
    holder = Holder.objects.create(kind=Holder.Kind.SEEKER, public_key=bytes([n % 256]) * 32)
    case = Case.objects.create(
        lookup_id=f"{n:064x}", seeker=holder, status="mobilized", created_at=created
    )
    for after in replies_after:
        Message.objects.create(case=case, from_seeker=False, created_at=created + after)
    for after in seeker_after:
        Message.objects.create(case=case, from_seeker=True, created_at=created + after)
    return case


class MedianFirstReplyTestCase(TestCase):
    def test_it_takes_the_median_of_each_cases_first_staff_reply(self) -> None:
        # Nine cases answered after 1..9 hours; each also got a later reply and an earlier
        # message from the seeker, neither of which may count.
        for n in range(1, 10):
            make_case(
                n,
                replies_after=[timedelta(hours=n), timedelta(hours=n + 50)],
                seeker_after=[timedelta(minutes=1)],
            )
        make_case(10, replies_after=[timedelta(hours=100)], seeker_after=[])
        make_case(11, replies_after=[], seeker_after=[timedelta(minutes=5)])  # unanswered
        median = Case.objects.median_first_reply()
        # Ten answered cases: 1..9 hours and 100 hours; the median is between 5 and 6.
        self.assertEqual(median, timedelta(hours=5, minutes=30))

    def test_it_says_nothing_below_the_minimum_number_of_answered_cases(self) -> None:
        for n in range(FIRST_REPLY_MIN_CASES - 1):
            make_case(n, replies_after=[timedelta(hours=2)], seeker_after=[])
        for n in range(50, 60):
            make_case(n, replies_after=[], seeker_after=[timedelta(hours=1)])
        self.assertIsNone(Case.objects.median_first_reply())
        # Positive control: one more answered case, and the figure appears.
        make_case(99, replies_after=[timedelta(hours=2)], seeker_after=[])
        self.assertEqual(Case.objects.median_first_reply(), timedelta(hours=2))

    def test_it_reads_only_the_cases_of_the_queryset(self) -> None:
        for n in range(FIRST_REPLY_MIN_CASES):
            make_case(n, replies_after=[timedelta(hours=3)], seeker_after=[])
        old = timezone.now() - timedelta(days=10)
        self.assertEqual(Case.objects.created_since(old).count(), 0)
        self.assertIsNone(Case.objects.created_since(old).median_first_reply())
        self.assertEqual(Case.objects.median_first_reply(), timedelta(hours=3))
