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
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
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
from tests.processes import free_port, require_binary, wait_for_port

pytestmark = [
    pytest.mark.production,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
ONION = "sanctuaryxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion"
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


def replaced(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced, failing if the deployment file no longer holds it: the
    test must run the file as shipped, only with its ports and paths moved."""
    assert old in text, f"the deployment file no longer contains {old!r}"
    return text.replace(old, new)


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


@dataclass
class Stack:
    https: int
    http: int
    onion: int
    logs: Path
    app_ports: list[int] = field(default_factory=list)
    app_servers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"https://localhost:{self.https}"

    def get(self, url: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(url)  # noqa: S310 - our own loopback URLs
        if host:
            request.add_header("Host", host)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context), NoRedirect()
        )
        try:
            with opener.open(request, timeout=30) as response:
                return (
                    response.status,
                    {k.lower(): v for k, v in response.headers.items()},
                    (response.read()),
                )
        except urllib.error.HTTPError as error:
            return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()

    def log_text(self) -> str:
        return "\n".join(
            path.read_text(errors="replace") for path in sorted(self.logs.glob("*.log"))
        )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def gunicorn_command(port: int) -> list[str]:
    """ExecStart of deploy/systemd/sanctuary@.service, for this checkout and port."""
    unit = (DEPLOY / "systemd" / "sanctuary@.service").read_text()
    [line] = [line for line in unit.splitlines() if line.startswith("ExecStart=")]
    command = line.removeprefix("ExecStart=")
    command = replaced(command, "/srv/sanctuary/.venv/bin/gunicorn", str(BIN / "gunicorn"))
    command = replaced(command, "127.0.0.1:%i", f"127.0.0.1:{port}")
    # Two workers per server instead of three: the CI machine runs everything on two cores.
    return replaced(command, "--workers 3", "--workers 2").split()


def nginx_site(stack: Stack, certificate: Path) -> str:
    key = certificate.with_suffix(".key")
    site = (DEPLOY / "nginx" / "sanctuary.conf").read_text()
    site = replaced(site, "    listen [::]:80;\n", "")
    site = replaced(site, "    listen [::]:443 ssl http2;\n", "")
    site = replaced(site, "listen 80;", f"listen 127.0.0.1:{stack.http};")
    site = replaced(site, "listen 443 ssl http2;", f"listen 127.0.0.1:{stack.https} ssl http2;")
    site = replaced(site, "listen 127.0.0.1:8080;", f"listen 127.0.0.1:{stack.onion};")
    site = replaced(site, "server_name sanctuary.example.org;", "server_name localhost;")
    site = replaced(
        site,
        "/etc/letsencrypt/live/sanctuary.example.org/fullchain.pem",
        str(certificate),
    )
    site = replaced(site, "/etc/letsencrypt/live/sanctuary.example.org/privkey.pem", str(key))
    site = replaced(site, "/var/log/nginx/", f"{stack.logs}/nginx-")
    site = replaced(site, "server 127.0.0.1:8001 ", f"server 127.0.0.1:{stack.app_ports[0]} ")
    site = replaced(site, "server 127.0.0.1:8002 ", f"server 127.0.0.1:{stack.app_ports[1]} ")
    snippet = (DEPLOY / "nginx" / "sanctuary-locations.conf").read_text()
    snippet = replaced(snippet, "/srv/sanctuary/var/static/", f"{ROOT}/var/static/")
    snippet_path = stack.logs.parent / "sanctuary-locations.conf"
    snippet_path.write_text(snippet)
    return replaced(site, "/etc/nginx/snippets/sanctuary-locations.conf", str(snippet_path))


def nginx_main(directory: Path, site: Path) -> str:
    temp = directory / "temp"
    temp.mkdir()
    user = "user root root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}daemon off;\nworker_processes 2;\npid {directory}/nginx.pid;\n"
        f"error_log {directory}/logs/nginx-main-error.log warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n"
        f"  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n"
        f"  scgi_temp_path {temp}/scgi;\n  access_log off;\n"
        f"  include {site};\n"
        "}\n"
    )


def self_signed(directory: Path) -> Path:
    certificate = directory / "localhost.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", "/CN=localhost", "-keyout", str(certificate.with_suffix(".key"))),
            *("-out", str(certificate)),
        ],
        check=True,
        capture_output=True,
    )
    return certificate


def production_env(stack: Stack) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is the browser fixture's, for this test process only.
        if key not in ("DATABASE_URL", "SQLITE_PATH", "SANCTUARY_DEMO", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(database_env())
    env.update(
        DJANGO_SETTINGS_MODULE="sanctuary.settings",
        SANCTUARY_HTTPS="1",
        ALLOWED_HOSTS=f"localhost,{ONION}",
        SITE_ROOT=stack.base,
        TRUSTED_PROXIES="127.0.0.1,::1",
        CLIENT_ADDRESS_HEADER="X-Real-IP",
        CACHE_URL="db://sanctuary_cache",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="module")
def stack(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One stack for the module: its processes reach the test database on their own, and each
    test's transactional database is flushed between tests as usual."""
    nginx = require_binary("nginx", "nginx")
    tmp_path = tmp_path_factory.mktemp("stack")
    logs = tmp_path / "logs"
    logs.mkdir()
    stack = Stack(https=free_port(), http=free_port(), onion=free_port(), logs=logs)
    stack.env = production_env(stack)
    subprocess.run([str(BIN / "sanctuary"), "createcachetable"], env=stack.env, check=True)
    subprocess.run(
        [str(BIN / "sanctuary"), "collectstatic", "--noinput", "-v", "0"],
        env=stack.env,
        check=True,
    )
    stack.app_ports = [free_port(), free_port()]
    try:
        for index, port in enumerate(stack.app_ports):
            log = logs / f"app-{index}.log"
            with log.open("wb") as out:
                server = subprocess.Popen(
                    gunicorn_command(port),
                    env=stack.env,
                    cwd=ROOT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            stack.app_servers.append(server)
            stack.processes.append(server)
            wait_for_port(port, server, log)
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
        site = tmp_path / "site.conf"
        site.write_text(nginx_site(stack, self_signed(tmp_path)))
        main = tmp_path / "nginx.conf"
        main.write_text(nginx_main(tmp_path, site))
        tested = subprocess.run(
            [nginx, "-t", "-c", str(main), "-p", str(tmp_path)], capture_output=True, text=True
        )
        assert tested.returncode == 0, tested.stderr
        with (logs / "nginx-stderr.log").open("wb") as out:
            server = subprocess.Popen(
                [nginx, "-c", str(main), "-p", str(tmp_path)],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        stack.processes.append(server)
        wait_for_port(stack.https, server, logs / "nginx-stderr.log")
        yield stack
    finally:
        for process in stack.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in stack.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


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
