from typing import Any


def record_other_origins(context: Any, origin: str) -> list[str]:
    """Every request the browser context makes to anywhere but our own server, as it happens:
    the list a test asserts stays empty."""
    external: list[str] = []

    def note(request: Any) -> None:
        if not request.url.startswith(origin):
            external.append(request.url)

    context.on("request", note)
    return external
