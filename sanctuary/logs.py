"""Log lines never carry the secret in a link: invitation and referral tokens are cut out.

The development server (`make demo`) logs every request line, and Django logs the path of a
request that failed. Both pass through ``RedactLinkSecrets``; production's gunicorn keeps no
access log, and nginx's log format cuts the same part out (deploy/nginx/sanctuary.conf).
"""

from __future__ import annotations

import logging
import re

SECRET_IN_PATH = re.compile(r"(/(?:invitation|referral)/)[^/\s?\"]+")
REDACTED = r"\1[redacted]"


def redact(text: str) -> str:
    return SECRET_IN_PATH.sub(REDACTED, text)


class RedactLinkSecrets(logging.Filter):
    """Rewrites a record's message, arguments included, with link secrets cut out."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        # Django's request loggers also attach the request; its path is no log line's business.
        if hasattr(record, "request"):
            record.request = None
        return True
