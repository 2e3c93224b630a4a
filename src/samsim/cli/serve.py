"""``samsim serve OUT``: the local web app over a results folder."""

from __future__ import annotations

import socket
import threading
import webbrowser
from pathlib import Path
from typing import Annotated

import typer

from samsim.cli.console import bad_input, err_console, out_console


def _port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def serve(
    out: Annotated[Path, typer.Argument(help="Results folder of `samsim run` or `samsim mc`.")],
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; anything but 127.0.0.1 exposes the results.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a web browser.")] = False,
) -> None:
    """Serve a results folder as a local web app: 3-D replay of a run, dashboard of a study.

    Read-only: it serves the files of OUT and nothing else. Stop it with Ctrl-C.

    Example: samsim serve out/raid
    """
    import uvicorn

    from samsim.web.app import LOCAL_HOSTS, create_app, frontend_built
    from samsim.web.data import DataError

    if not 0 < port < 65536:
        bad_input([f"--port: must be in 1..65535, got {port}"])
    try:
        app = create_app(out, allowed_hosts=None if host in LOCAL_HOSTS else ["*"])
    except DataError as exc:
        bad_input([str(exc)])
    if not _port_free(host, port):
        bad_input([f"--port: {host}:{port} is in use or cannot be bound; choose another with --port"])
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown_host}:{port}/"
    if host not in LOCAL_HOSTS:
        err_console.print(f"warning: listening on {host}: anyone who can reach this machine can read {out}")
    if not frontend_built():
        err_console.print("the web front end is not built: run `make web` (the JSON API works without it)")
    out_console.print(f"samsim serve: {out} at {url}  (Ctrl-C to stop)")
    if not no_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
