"""The production layout of deploy/, run for real: nginx from Debian's package in front of two
gunicorn app servers and a task worker, on one database, with TLS.

The seeker's and the counselor's journeys go through nginx in Chromium, and one app server is
killed in the middle of them: every message the site accepted is still there, and the journeys go
on through the other server. The same run checks what the deployment files promise: static files
carry a page's security headers, no log line carries a client's address or a link's secret
token, the onion listener answers, the torrc and the systemd units pass their tools' checks, and
`sanctuary check --deploy` is clean with the production settings.

`make production-check` runs this module alone; CI runs it inside the suite, with
SANCTUARY_REQUIRE_STACK=1 so that a missing nginx, tor or systemd-analyze fails instead of
skipping.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from sanctuary.accounts import services as accounts
from sanctuary.accounts.models import Role
from sanctuary.cases.models import Message
from sanctuary.intake import services as intake
from sanctuary.keyring import crypto
from sanctuary.test import make_staff
from tests.browser.helpers import case_answers, record_other_origins, staff_sign_in
from tests.processes import free_port, require_binary
from tests.stack import (
    BIN,
    DEPLOY,
    ONION,
    ROOT,
    Stack,
    production_env,
    start_app_server,
    start_nginx,
)

pytestmark = [
    pytest.mark.production,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SECURITY_HEADERS = (
    "content-security-policy",
    "permissions-policy",
    "cross-origin-resource-policy",
    "cross-origin-opener-policy",
    "referrer-policy",
    "x-content-type-options",
    "x-frame-options",
    "strict-transport-security",
)


def database_env() -> dict[str, str]:
    """The test database, named for processes of our own."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return {"SQLITE_PATH": str(db["NAME"])}
    user = urllib.parse.quote(str(db["USER"]))
    password = urllib.parse.quote(str(db["PASSWORD"] or ""))
    return {
        "DATABASE_URL": (
            f"postgres://{user}:{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    }


@pytest.fixture(scope="module")
def stack(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One stack for the module: its processes reach the test database on their own, and each
    test's transactional database is flushed between tests as usual."""
    nginx = require_binary("nginx", "nginx")
    tmp_path = tmp_path_factory.mktemp("stack")
    logs = tmp_path / "logs"
    logs.mkdir()
    stack = Stack(https=free_port(), http=free_port(), onion=free_port(), logs=logs)
    stack.env = production_env(stack, database_env())
    subprocess.run([str(BIN / "sanctuary"), "createcachetable"], env=stack.env, check=True)
    subprocess.run(
        [str(BIN / "sanctuary"), "collectstatic", "--noinput", "-v", "0"],
        env=stack.env,
        check=True,
    )
    stack.app_ports = [free_port(), free_port()]
    try:
        for index in range(len(stack.app_ports)):
            start_app_server(stack, index)
        with (logs / "worker.log").open("wb") as out:
            stack.processes.append(
                subprocess.Popen(
                    [str(BIN / "sanctuary"), "db_worker", "--no-reload"],
                    env=stack.env,
                    cwd=ROOT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        start_nginx(stack, nginx, tmp_path)
        yield stack
    finally:
        stack.stop()


def test_it_runs_the_journeys_through_nginx_while_an_app_server_dies(
    browser: Any, stack: Stack
) -> None:
    make_staff("charlie", Role.COORDINATOR)  # the intake group: cases are sealed to it
    codename = crypto.new_codename()
    case, _codename, _keys = intake.do_submit_case(case_answers(), codename=codename)
    with translation.override("ru"):
        case_path = reverse("cases:case", args=[case.pk])
    context = browser.new_context(
        ignore_https_errors=True, java_script_enabled=False, locale="ru-RU"
    )
    external = record_other_origins(context, stack.base)
    seeker = context.new_page()
    seeker.goto(f"{stack.base}/ru/return/")
    seeker.fill("[name=codename]", codename)
    seeker.locator("main form button[type=submit]").first.click()
    assert seeker.url.endswith("/ru/mailbox/"), seeker.url

    def write(text: str) -> None:
        form = seeker.locator("form[action$='/mailbox/']").last
        form.locator("textarea").first.fill(text)
        form.locator("button[type=submit]").click()
        assert text in seeker.locator("main").inner_text()

    write("Первое сообщение, до остановки сервера.")
    # One app server dies at once, as on a crash or an OOM kill: no graceful shutdown.
    dead = stack.app_servers[0]
    os.killpg(dead.pid, signal.SIGKILL)
    dead.wait(timeout=30)
    write("Второе сообщение, когда один сервер уже мёртв.")
    for _ in range(4):  # whichever server nginx tries first, the page comes from the live one
        seeker.goto(f"{stack.base}/ru/mailbox/")
        assert "Второе сообщение" in seeker.locator("main").inner_text()

    staff_context = browser.new_context(ignore_https_errors=True, locale="ru-RU")
    external += record_other_origins(staff_context, stack.base)
    counselor = staff_context.new_page()
    staff_sign_in(counselor, stack.base, "charlie")
    counselor.goto(f"{stack.base}{case_path}")
    thread = counselor.locator("main").inner_text()
    assert "Первое сообщение" in thread and "Второе сообщение" in thread
    counselor.locator("form[action$='/reply/'] textarea").fill("Ответ консультанта.")
    counselor.locator("form[action$='/reply/'] button[type=submit]").click()
    seeker.goto(f"{stack.base}/ru/mailbox/")
    assert "Ответ консультанта." in seeker.locator("main").inner_text()
    context.close()
    staff_context.close()

    # Nothing the site accepted was lost: two messages from him and the reply, once each.
    assert Message.objects.filter(case_id=case.pk).count() == 3
    assert external == []
    assert stack.app_servers[1].poll() is None


def test_it_keeps_addresses_and_link_tokens_out_of_every_log(stack: Stack) -> None:
    make_staff("ada", Role.ADMIN)
    _invitation, token = accounts.do_create_invitation(
        roles=[Role.COUNSELOR.value], acting_user=None
    )
    with translation.override("ru"):
        path = reverse("accounts:accept", args=[token])
    status, _headers, page = stack.get(f"{stack.base}{path}")
    assert status == 200, page[-2000:]
    status, _headers, _page = stack.get(f"{stack.base}/ru/")
    assert status == 200
    time.sleep(1)  # nginx writes its access log line after the response
    logs = stack.log_text()
    assert f"GET {path.replace(token, '[redacted]')} 200" in logs  # the request was logged …
    assert token not in logs  # … without its secret …
    # … and no client's address: nginx's logs (the journeys' killed server made request-level
    # errors, which name the client) and the app servers' (their own "Listening at" aside).
    for log in stack.logs.glob("*.log"):
        for line in log.read_text(errors="replace").splitlines():
            assert "127.0.0.1" not in line or "Listening at" in line, (log.name, line)


def test_it_sends_a_pages_security_headers_with_static_files(stack: Stack) -> None:
    status, page_headers, _page = stack.get(f"{stack.base}/ru/")
    assert status == 200
    css = next((ROOT / "var" / "static" / "css").glob("*.css")).name
    status, nginx_headers, _body = stack.get(f"{stack.base}/static/css/{css}")
    assert status == 200
    for name in SECURITY_HEADERS:
        assert page_headers.get(name), name
        assert nginx_headers.get(name) == page_headers[name], name
    # The app itself (WhiteNoise), where nginx does not serve them, sends the same.
    live = stack.app_ports[1]  # the first may have been killed by the journeys' test
    request = urllib.request.Request(f"http://127.0.0.1:{live}/static/css/{css}")
    request.add_header("X-Forwarded-Proto", "https")
    request.add_header("Host", "localhost")
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        app_headers = {k.lower(): v for k, v in response.headers.items()}
    for name in SECURITY_HEADERS:
        assert app_headers.get(name) == page_headers[name], name


def test_it_answers_the_onion_name_on_its_own_listener(stack: Stack) -> None:
    status, headers, page = stack.get(f"http://127.0.0.1:{stack.onion}/ru/", host=ONION)
    # Told it is HTTPS (the onion is end-to-end encrypted): a page, not a redirect to https.
    assert status == 200, (status, headers.get("location"))
    assert b"<main" in page
    # Control: the TLS site's plain-HTTP listener sends the same request to https.
    status, headers, _page = stack.get(f"http://127.0.0.1:{stack.http}/ru/", host="localhost")
    assert status == 301 and headers["location"].startswith("https://localhost")


def test_it_runs_the_task_worker_on_the_same_database(stack: Stack) -> None:
    from django_tasks_db.models import DBTaskResult

    subprocess.run([str(BIN / "sanctuary"), "casework_tick"], env=stack.env, check=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        statuses = set(DBTaskResult.objects.values_list("status", flat=True))
        if statuses and statuses <= {"SUCCESSFUL"}:
            break
        time.sleep(0.5)
    # Control for the wait: the tick enqueued work, and the worker, not this process, ran it.
    assert statuses and statuses <= {"SUCCESSFUL"}, statuses


def test_it_passes_tors_and_systemds_own_checks() -> None:
    tor = require_binary("tor", "tor")
    done = subprocess.run(
        [tor, "--verify-config", "-f", str(DEPLOY / "tor" / "torrc")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "Configuration was valid" in done.stdout, done.stdout
    analyze = require_binary("systemd-analyze", "systemd")
    units = DEPLOY / "systemd"
    with tempfile.TemporaryDirectory(prefix="sanctuary-units-") as directory:
        with_root = Path(directory)
        for unit in units.iterdir():
            text = unit.read_text().replace("/srv/sanctuary", str(ROOT))
            name = "sanctuary@8001.service" if unit.name == "sanctuary@.service" else unit.name
            (with_root / name).write_text(text)
        done = subprocess.run(
            [analyze, "verify", "--man=no", *sorted(str(path) for path in with_root.iterdir())],
            capture_output=True,
            text=True,
            env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
        )
        assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_it_passes_djangos_deploy_check_with_the_production_settings(stack: Stack) -> None:
    done = subprocess.run(
        [str(BIN / "sanctuary"), "check", "--deploy", "--fail-level", "WARNING"],
        env=stack.env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
