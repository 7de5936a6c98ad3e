"""The production layout of deploy/ brought up on loopback ports: nginx from Debian's package in
front of gunicorn app servers started from the systemd unit's ExecStart, with TLS. The files run
as shipped, only their ports and paths moved (a line that is no longer there fails).

No Django here: tests/browser/test_production_stack.py and bench/intake_surge.py (its
``--through-nginx`` mode) both use it.
"""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
ONION = "sanctuaryxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion"


def replaced(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced, failing if the deployment file no longer holds it: the
    stack must run the file as shipped, only with its ports and paths moved."""
    assert old in text, f"the deployment file no longer contains {old!r}"
    return text.replace(old, new)


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
        opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=unverified_tls()), NoRedirect()
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

    def stop(self) -> None:
        """Ends every process of the stack (each in its own session) and waits for them."""
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def unverified_tls() -> ssl.SSLContext:
    """For our own self-signed loopback certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def gunicorn_command(port: int, workers: int = 2) -> list[str]:
    """ExecStart of deploy/systemd/sanctuary@.service, for this checkout and port. Two workers
    per server by default instead of three: the CI machine runs everything on two cores."""
    unit = (DEPLOY / "systemd" / "sanctuary@.service").read_text()
    [line] = [line for line in unit.splitlines() if line.startswith("ExecStart=")]
    command = line.removeprefix("ExecStart=")
    command = replaced(command, "/srv/sanctuary/.venv/bin/gunicorn", str(BIN / "gunicorn"))
    command = replaced(command, "127.0.0.1:%i", f"127.0.0.1:{port}")
    return replaced(command, "--workers 3", f"--workers {workers}").split()


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


def production_env(stack: Stack, database: dict[str, str]) -> dict[str, str]:
    """The app servers' environment: production settings (no demo), behind nginx, on
    ``database`` (DATABASE_URL or SQLITE_PATH)."""
    env = {
        key: value
        for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is the browser fixture's, for this test process only.
        if key not in ("DATABASE_URL", "SQLITE_PATH", "SANCTUARY_DEMO", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(database)
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


def start_app_server(stack: Stack, index: int, workers: int = 2) -> None:
    """App server ``index`` on stack.app_ports[index], its output in logs/app-<index>.log."""
    from tests.processes import wait_for_port

    port = stack.app_ports[index]
    log = stack.logs / f"app-{index}.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            gunicorn_command(port, workers),
            env=stack.env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    stack.app_servers.append(server)
    stack.processes.append(server)
    wait_for_port(port, server, log)


def start_nginx(stack: Stack, nginx: str, directory: Path) -> None:
    """nginx with the shipped site in front of stack.app_ports, its files in ``directory``."""
    from tests.processes import wait_for_port

    site = directory / "site.conf"
    site.write_text(nginx_site(stack, self_signed(directory)))
    main = directory / "nginx.conf"
    main.write_text(nginx_main(directory, site))
    tested = subprocess.run(
        [nginx, "-t", "-c", str(main), "-p", str(directory)], capture_output=True, text=True
    )
    assert tested.returncode == 0, tested.stderr
    with (stack.logs / "nginx-stderr.log").open("wb") as out:
        server = subprocess.Popen(
            [nginx, "-c", str(main), "-p", str(directory)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    stack.processes.append(server)
    wait_for_port(stack.https, server, stack.logs / "nginx-stderr.log")
