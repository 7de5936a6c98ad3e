"""No log line carries the secret token of an invitation or a referral link."""

import io
import logging
from collections.abc import Iterator

import pytest

from sanctuary.logs import RedactLinkSecrets, redact

TOKEN = "sEcReT-t0ken_value"


def configured_handler(logger: str) -> logging.StreamHandler:  # type: ignore[type-arg]
    """The handler settings.LOGGING gave the logger (pytest adds capturing handlers beside)."""
    [handler] = [
        handler
        for handler in logging.getLogger(logger).handlers
        if any(isinstance(item, RedactLinkSecrets) for item in handler.filters)
    ]
    assert isinstance(handler, logging.StreamHandler)
    return handler


@pytest.fixture
def server_log() -> Iterator[io.StringIO]:
    """What the development server's request log writes, as configured in settings.LOGGING."""
    handler = configured_handler("django.server")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


def test_it_cuts_the_token_out_of_the_demo_servers_request_lines(server_log: io.StringIO) -> None:
    logger = logging.getLogger("django.server")
    logger.info('"%s" %s %s', f"GET /ru/referral/{TOKEN}/ HTTP/1.1", "200", "812")
    logger.info('"%s" %s %s', f"GET /ru/staff/invitation/{TOKEN}/?a=1 HTTP/1.1", "200", "9")
    written = server_log.getvalue()
    assert TOKEN not in written
    assert "GET /ru/referral/[redacted]/ HTTP/1.1" in written
    assert "/ru/staff/invitation/[redacted]/?a=1" in written


def test_it_would_see_the_token_in_a_handler_without_the_filter() -> None:
    """Positive control: the same record through a bare handler keeps the token."""
    stream = io.StringIO()
    bare = logging.StreamHandler(stream)
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s',
        (f"GET /ru/referral/{TOKEN}/", 200),
        None,
    )
    bare.handle(record)
    assert TOKEN in stream.getvalue()


def test_it_cuts_the_token_out_of_djangos_error_lines() -> None:
    handler = configured_handler("django.request")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", f"/ru/referral/{TOKEN}/", extra={"request": object()}
        )
    finally:
        handler.setStream(previous)
    assert "Internal Server Error: /ru/referral/[redacted]/" in stream.getvalue()
    assert TOKEN not in stream.getvalue()


def test_it_leaves_other_paths_alone() -> None:
    assert redact("GET /ru/mailbox/ HTTP/1.1") == "GET /ru/mailbox/ HTTP/1.1"
    assert redact("/en/staff/referrals/") == "/en/staff/referrals/"
