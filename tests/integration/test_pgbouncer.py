"""The smoke journey through PgBouncer in transaction mode (Debian's `pgbouncer` package).

An app server reaches PostgreSQL only through PgBouncer, pooling by transaction, with
DB_TRANSACTION_POOLER=1: a seeker signs in and writes several messages, a counselor signs in with
his second factor and answers, the seeker reads the answer. PgBouncer's own statistics show that
the journey's transactions went through it. CI sets SANCTUARY_REQUIRE_STACK=1, so that a missing
pgbouncer fails instead of skipping.
"""

from __future__ import annotations

import http.cookiejar
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from sanctuary.accounts.models import Role, User
from sanctuary.cases.models import Message
from sanctuary.intake import services as intake
from sanctuary.keyring import crypto
from sanctuary.test import PASSWORD, make_staff, totp_for
from tests.browser.helpers import case_answers
from tests.processes import free_port, require_binary, wait_for_port

pytestmark = [
    pytest.mark.production,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PgBouncer pools PostgreSQL connections"
    ),
]

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pgbouncer() -> Iterator[int]:
    binary = require_binary("pgbouncer", "pgbouncer")
    db = connection.settings_dict
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="sanctuary-pgbouncer-") as directory:
        folder = Path(directory)
        (folder / "users.txt").write_text(f'"{db["USER"]}" ""\n')
        (folder / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"sanctuary = host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} "
            f"dbname={db['NAME']} user={db['USER']} timezone=UTC\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {folder}/users.txt\n"
            "pool_mode = transaction\ndefault_pool_size = 3\nmax_client_conn = 50\n"
            f"admin_users = {db['USER']}\nstats_users = {db['USER']}\n"
            f"logfile = {folder}/pgbouncer.log\npidfile = {folder}/pgbouncer.pid\n"
        )
        command = [binary, str(folder / "pgbouncer.ini")]
        if os.geteuid() == 0:  # PgBouncer refuses to run as root
            os.chmod(folder, 0o755)  # noqa: S103 - a throwaway folder PgBouncer's user must read
            user = "postgres" if _user_exists("postgres") else "nobody"
            command[1:1] = ["-u", user]
            shutil.chown(folder, user)
            for path in folder.iterdir():
                shutil.chown(path, user)
        log = folder / "stderr.log"
        with log.open("wb") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for_port(port, process, log)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=30)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


class Browser:
    """Cookies, forms and redirects as a browser keeps them, over plain HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, path: str, data: dict[str, str] | None = None) -> str:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(f"{self.base}{path}", data=body)  # noqa: S310
        request.add_header("Sec-Fetch-Site", "same-origin")
        request.add_header("Origin", self.base)
        request.add_header("Referer", f"{self.base}{path}")
        try:
            with self.opener.open(request, timeout=60) as response:
                return str(response.read().decode())
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{path}: {error.code} {error.read().decode()[-2000:]}") from None

    def submit(self, path: str, fields: dict[str, str], action: str | None = None) -> str:
        """Opens ``path``, takes the form posting to ``action`` (``path`` itself by default),
        fills its hidden fields (tokens) and ``fields``, and posts it."""
        action = action or path
        return self.open(action, {**hidden_fields(self.open(path), action), **fields})


def hidden_fields(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to ``action``, or of the page's only form."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', page, re.S)
    # A form without an action posts to its own page.
    form = form or re.search(r'<form method="post"(?![^>]*action=)[^>]*>(.*?)</form>', page, re.S)
    assert form, f"no form posts to {action}"
    return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form[1]))


def test_it_runs_the_smoke_journey_through_pgbouncer_in_transaction_mode(
    pgbouncer: int,
) -> None:
    make_staff("charlie", Role.COORDINATOR)
    codename = crypto.new_codename()
    case, _codename, _keys = intake.do_submit_case(case_answers(), codename=codename)
    with translation.override("ru"):
        case_path = reverse("cases:case", args=[case.pk])
        login_path = reverse("accounts:login")
        verify_path = reverse("accounts:verify")
    db = connection.settings_dict
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SQLITE_PATH", "SANCTUARY_DEMO", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@127.0.0.1:{pgbouncer}/sanctuary",
        DB_TRANSACTION_POOLER="1",
        CACHE_URL="db://sanctuary_cache",
        ALLOWED_HOSTS="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    subprocess.run([str(BIN / "sanctuary"), "createcachetable"], env=env, check=True)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="sanctuary-app-") as directory:
        log = Path(directory) / "app.log"
        with log.open("wb") as out:
            server = subprocess.Popen(
                [
                    *(str(BIN / "gunicorn"), "sanctuary.wsgi", "--workers", "2"),
                    *("--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"),
                ],
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for_port(port, server, log)
            base = f"http://127.0.0.1:{port}"
            seeker = Browser(base)
            mailbox = seeker.submit("/ru/return/", {"codename": codename})
            assert "/ru/mailbox/" in mailbox or "mailbox" in mailbox
            # More messages than psycopg's prepare threshold (5): a prepared statement would
            # land on another server session and fail.
            for n in range(7):
                page = seeker.submit("/ru/mailbox/", {"body": f"Сообщение номер {n}."})
                assert f"Сообщение номер {n}." in page, page[-2000:]
            counselor = Browser(base)
            counselor.submit(login_path, {"username": "charlie", "password": PASSWORD})
            counselor.submit(verify_path, {"token": totp_for(User.objects.get(username="charlie"))})
            thread = counselor.open(case_path)
            assert "Сообщение номер 6." in thread, thread[-2000:]
            counselor.submit(case_path, {"body": "Ответ через пул."}, action=f"{case_path}reply/")
            assert "Ответ через пул." in seeker.open("/ru/mailbox/")
        finally:
            server.terminate()
            server.wait(timeout=30)
            app_log = log.read_text(errors="replace")
    assert "prepared statement" not in app_log, app_log[-3000:]
    assert Message.objects.filter(case_id=case.pk).count() == 8
    # The journey's transactions went through PgBouncer: its statistics count them.
    import psycopg

    with psycopg.connect(
        f"postgres://{db['USER']}@127.0.0.1:{pgbouncer}/pgbouncer", autocommit=True
    ) as admin:
        rows = admin.execute("SHOW STATS").fetchall()
        names = [column.name for column in admin.execute("SHOW STATS").description or []]
    stats = {row[names.index("database")]: row for row in rows}
    assert stats["sanctuary"][names.index("total_xact_count")] > 20
