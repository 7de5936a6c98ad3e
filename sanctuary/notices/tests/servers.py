"""Real servers the notices tests send to: an SMTP server (aiosmtpd) that can go down and come
back on the same port, and an HTTP server that keeps every webhook request it receives."""

import http.server
import socket
import threading
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Collect:
    def __init__(self, inbox: list[bytes]) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.inbox.append(bytes(envelope.original_content or envelope.content))
        return "250 OK"


class SMTPServer:
    """Every message it accepted, as raw bytes, in `inbox`, across restarts."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox: list[bytes] = []
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Collect(self.inbox), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self) -> list[Message]:
        return [message_from_bytes(raw) for raw in self.inbox]

    def settings(self) -> dict[str, Any]:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_TIMEOUT": 5,
            "EMAIL_USE_TLS": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }


def text_of(message: Message) -> str:
    """Subject and decoded body, as the recipient reads them."""
    from email.header import decode_header, make_header

    subject = str(make_header(decode_header(message["Subject"] or "")))
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    body = payload.decode(message.get_content_charset() or "utf-8").replace("\r\n", "\n")
    return subject + "\n" + body


class WebhookServer:
    """Answers `status` to every POST and keeps (headers, body) of each."""

    def __init__(self, status: int = 204) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.status = status
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.received.append((dict(self.headers.items()), body))
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
