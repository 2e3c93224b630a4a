"""The web app's guards: file look-ups confined to one folder, request body limits, response headers.

These are ASGI middlewares and a pure path check, kept apart from the routes so that each can be
tested on its own.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 64 * 1024
"""Largest request body accepted; the app takes no uploads, so this is generous."""

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # WebAssembly is compiled by some Cesium decoders; no eval of JavaScript.
        "script-src 'self' 'wasm-unsafe-eval'",
        "worker-src 'self' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self' data: blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
"""Nothing the page loads may come from another origin: the browser enforces 'offline'."""


def safe_file(root: Path, relative: str) -> Path | None:
    """The regular file ``relative`` names under ``root``, or None.

    Refused: absolute paths, ``..`` or ``.`` components, backslashes, NUL bytes, hidden names
    (dot-files, e.g. the temporary folders of an interrupted write), and anything whose real path
    (symlinks resolved) lies outside ``root``.
    """
    if not relative or "\x00" in relative or "\\" in relative:
        return None
    pure = PurePosixPath(relative)
    if pure.is_absolute() or relative.startswith("/"):
        return None
    parts = pure.parts
    if not parts or any(p in ("", ".", "..") or p.startswith(".") or ":" in p for p in parts):
        return None
    try:
        base = root.resolve(strict=True)
        target = (base / Path(*parts)).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    if not target.is_relative_to(base) or not target.is_file():
        return None
    return target


def _json_body(status: int, message: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    body = json.dumps({"error": message, "status": status}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return headers, body


class BodyLimitMiddleware:
    """Reject request bodies over ``max_bytes`` with 413, by Content-Length or as they stream in."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES):
        self.app = app
        self.max_bytes = max_bytes

    async def _reply(self, send: Send, status: int, message: str) -> None:
        headers, body = _json_body(status, message)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await self._reply(send, 400, "bad Content-Length")
                    return
                if declared > self.max_bytes:
                    await self._reply(send, 413, f"request body over {self.max_bytes} bytes")
                    return
        # Read the whole body first (it is small by construction), so that a streamed body over the
        # limit is refused even by a route that never reads it.
        chunks: list[bytes] = []
        received = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body = message.get("body", b"")
            received += len(body)
            if received > self.max_bytes:
                await self._reply(send, 413, f"request body over {self.max_bytes} bytes")
                return
            chunks.append(body)
            more = bool(message.get("more_body", False))
        buffered: list[Message] = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replay() -> Message:
            if buffered:
                return buffered.pop()
            return await receive()

        await self.app(scope, replay, send)


class SecurityHeadersMiddleware:
    """Add a strict Content-Security-Policy and related headers to every response."""

    HEADERS: list[tuple[bytes, bytes]] = [
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                present = {h[0].lower() for h in headers}
                headers += [h for h in self.HEADERS if h[0] not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
