from datetime import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase

from sanctuary.audit.models import Action, AuditEntry
from sanctuary.audit.services import AuditDetailError, record


def run_verify(*args: str) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def execute(sql: str, *params: str | int | datetime | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


class VerifyTestCase(TestCase):
    def setUp(self) -> None:
        for number in range(5):
            record(Action.LOGIN, actor=None, object_type="user", object_id=number)
        self.table = AuditEntry._meta.db_table

    def assert_broken_at(self, seq: int) -> None:
        with pytest.raises(CommandError, match=f"entry #{seq}:"):
            run_verify()

    def test_it_passes_an_untouched_log(self) -> None:
        assert "intact" in run_verify()

    def test_it_catches_an_edited_row(self) -> None:
        execute(f"UPDATE {self.table} SET object_id = %s WHERE seq = %s", "999", 3)
        self.assert_broken_at(3)

    def test_it_catches_a_deleted_row(self) -> None:
        execute(f"DELETE FROM {self.table} WHERE seq = %s", 2)
        self.assert_broken_at(2)

    def test_it_catches_an_inserted_row(self) -> None:
        genuine = AuditEntry.objects.get(seq=3)
        # The intruder makes room after #3 and writes a row that claims to follow it.
        for seq in (5, 4):
            execute(f"UPDATE {self.table} SET seq = %s WHERE seq = %s", seq + 1, seq)
        execute(
            f"INSERT INTO {self.table} (seq, created_at, actor_id, action, object_type, "
            "object_id, details, prev_hash, hash) VALUES (%s, %s, NULL, %s, '', '', %s, %s, %s)",
            4,
            genuine.created_at,
            "login",
            "{}",
            genuine.hash,
            "f" * 64,
        )
        self.assert_broken_at(4)

    def test_it_catches_reordered_rows(self) -> None:
        execute(f"UPDATE {self.table} SET seq = %s WHERE seq = %s", 100, 2)
        execute(f"UPDATE {self.table} SET seq = %s WHERE seq = %s", 2, 4)
        execute(f"UPDATE {self.table} SET seq = %s WHERE seq = %s", 4, 100)
        self.assert_broken_at(2)

    def test_it_catches_entries_cut_from_the_end_with_a_checkpoint(self) -> None:
        checkpoint = Path(self.id().replace(".", "_") + ".checkpoint")
        self.addCleanup(checkpoint.unlink, missing_ok=True)
        call_command("audit", "checkpoint", "--out", str(checkpoint), stdout=StringIO())
        execute(f"DELETE FROM {self.table} WHERE seq = %s", 5)
        assert "intact" in run_verify()  # a chain alone cannot see a shorter tail
        with pytest.raises(CommandError, match="entry #5:"):
            run_verify("--checkpoint", str(checkpoint))

    def test_it_keeps_entries_append_only(self) -> None:
        entry = AuditEntry.objects.get(seq=1)
        with pytest.raises(ValueError):
            entry.save()
        with pytest.raises(ValueError):
            entry.delete()

    def test_it_refuses_content_in_details(self) -> None:
        with pytest.raises(AuditDetailError):
            record(Action.LOGIN, actor=None, details={"story": "x" * 500})
        with pytest.raises(AuditDetailError):
            record(Action.LOGIN, actor=None, details={"nested": {"a": 1}})
        assert AuditEntry.objects.count() == 5

    def test_it_refuses_bulk_updates_and_deletes(self) -> None:
        with pytest.raises(ValueError):
            AuditEntry.objects.filter(seq=1).update(action="logout")
        with pytest.raises(ValueError):
            AuditEntry.objects.all().delete()
        assert AuditEntry.objects.count() == 5
