"""ASGI middleware every response and request goes through: security headers, and a cap on
request bodies (refused with 413 before they are read in full).

The pages need no script at all, so the Content-Security-Policy allows none; styles are
the pages' own (inline `<style>` and `style=` attributes), images are inline SVG."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import Path, Query

CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                           "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
DEFAULT_MAX_BODY = 1024 * 1024  # bytes: a comment is at most a few kilobytes
MAX_ID = 2 ** 63 - 1  # the largest id or offset a database holds: a larger one is a 422, not a 500
Id = Annotated[int, Path(ge=0, le=MAX_ID)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]


class Guard:
    def __init__(self, app, *, max_body: int = DEFAULT_MAX_BODY, hsts: bool = False):
        self.app, self.max_body, self.hsts = app, max_body, hsts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            return await self._too_large(scope, send)
        received = 0

        async def capped_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge()
            return message

        async def with_headers(message):
            if message["type"] == "http.response.start":
                extra = [(b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
                         (b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                         (b"referrer-policy", b"same-origin"), (b"cross-origin-opener-policy", b"same-origin")]
                if self.hsts or scope.get("scheme") == "https":
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []),
                                                  *((n, v) for n, v in extra if n not in present)]}
            await send(message)

        try:
            await self.app(scope, capped_receive, with_headers)
        except BodyTooLarge:
            await self._too_large(scope, send)

    async def _too_large(self, scope, send):
        api = scope.get("path", "").startswith("/api/")
        body = (json.dumps({"error": {"status": 413, "message": f"request body over {self.max_body} bytes"}})
                if api else f"Request body over {self.max_body} bytes.").encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json" if api else b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    pass


def head_timeout_protocol(seconds: float):
    """uvicorn's HTTP/1.1 protocol with a deadline for each request head: a client that has
    not sent a complete request line and headers within `seconds` of connecting (or of the
    previous response) is disconnected. uvicorn has no such limit, so a client sending a
    header a byte at a time ("slowloris") could hold a connection open forever."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeadTimeoutProtocol(H11Protocol):
        _head_timer = None

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm_head_timer()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE and self._head_timer is not None:
                self._head_timer.cancel()  # the head is in: the app takes it from here
                self._head_timer = None

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm_head_timer()  # the next request's head has the same deadline

        def connection_lost(self, exc) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
            super().connection_lost(exc)

        def _arm_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
            self._head_timer = self.loop.call_later(seconds, self._head_too_slow)

        def _head_too_slow(self) -> None:
            self._head_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.close()

    return HeadTimeoutProtocol
