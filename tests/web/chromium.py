"""Headless Chromium for the page's end-to-end tests and its timing: Debian's ``/usr/bin/chromium``
driven by Playwright with software WebGL (SwiftShader), and a ``samsim serve`` app on a free local
port. Shared by ``test_browser.py`` and ``measure_replay.py`` so both see the page the same way."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 1100, "height": 760}  # SwiftShader's cost grows with the pixels drawn
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AppServer:
    """``samsim serve``'s app on 127.0.0.1 in a background thread; :meth:`start` returns its URL."""

    def __init__(self) -> None:
        self._servers: list[tuple[Any, threading.Thread]] = []

    def start(self, folder: Path, dist: Path | None = None) -> str:
        import uvicorn

        from samsim.web.app import create_app

        port = free_port()
        app = create_app(folder, dist=dist)
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        self._servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        for server, thread in self._servers:
            server.should_exit = True
            thread.join(timeout=10)
        self._servers.clear()


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (Playwright ``Browser``) with software WebGL."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
