"""What the tests that start real processes (nginx, gunicorn, PgBouncer) share: a free loopback
port, waiting until a process listens on it, and finding a Debian binary that CI requires."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Returns once something listens on ``port``; fails with the log's end if ``process``
    exits first or nothing listens within 90 s."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(log.read_text(errors="replace")[-3000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listens on {port}: {log.read_text(errors='replace')[-3000:]}")


def require_binary(binary: str, package: str) -> str:
    """The binary's path; a skip when it is missing, or a failure where CI requires it
    (SANCTUARY_REQUIRE_STACK=1)."""
    found = shutil.which(binary) or shutil.which(binary, path="/usr/sbin:/sbin")
    if found:
        return found
    if os.environ.get("SANCTUARY_REQUIRE_STACK") == "1":
        pytest.fail(f"{binary} is missing (apt-get install {package}); CI requires this test")
    pytest.skip(f"{binary} is missing (apt-get install {package})")
