"""Two workers at once over the same outbox, each in its own thread and database connection:
every notice arrives once, none twice."""

import threading
from collections import Counter

from django.db import connection
from django.test import TransactionTestCase, override_settings

from sanctuary.accounts.models import User
from sanctuary.notices import delivery
from sanctuary.notices.models import Kind, Notice
from sanctuary.notices.services import do_notify
from sanctuary.notices.tests.helpers import add_email
from sanctuary.notices.tests.servers import SMTPServer, text_of


class TwoWorkersTestCase(TransactionTestCase):
    def test_it_sends_each_notice_once_with_two_workers_running(self) -> None:
        smtp = SMTPServer()
        smtp.start()
        self.addCleanup(smtp.stop)
        user = User.objects.create_user("dana", "correct horse battery staple")
        add_email(user, "dana@example.org")
        for number in range(30):
            do_notify([user], Kind.NEW_CASE, f"/staff/cases/{number:04d}/")
        sent: list[int] = []

        def worker() -> None:
            try:
                sent.append(delivery.deliver_due())
            finally:
                connection.close()

        with override_settings(**smtp.settings()):
            threads = [threading.Thread(target=worker) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        self.assertEqual(sum(sent), 30)
        paths = Counter(text_of(m).split("/staff/cases/")[1][:4] for m in smtp.messages())
        self.assertEqual(len(paths), 30)
        self.assertEqual(set(paths.values()), {1})
        self.assertFalse(Notice.objects.filter(sent_at__isnull=True).exists())
