"""``samsim serve``: a local, read-only web app over a results folder.

A FastAPI application (:func:`samsim.web.app.create_app`) serves a JSON API over the folder of a
``samsim run`` (3-D replay) or of a ``samsim mc`` study (dashboard, and replays re-simulated on
demand), and the front end built from ``frontend/`` into ``static/dist/`` (``make web``).
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    # FastAPI loads only when the web app is used, not on ``import samsim``.
    if name == "create_app":
        from samsim.web.app import create_app

        return create_app
    raise AttributeError(name)
