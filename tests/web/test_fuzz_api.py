"""Fuzzing the JSON API of ``samsim serve`` (docs/reliability.md): random methods, paths (sent byte for
byte, so ``..`` and encoded slashes reach the router unnormalised), query strings and bodies against a
served run folder, a study of Parquet files, a real ``samsim mc`` study in DuckDB and a swept study.
Every answer is below 500, an error is the app's JSON ``{"error", "status"}``, and nothing outside the
served folder (a file beside it, reached through ``..``, an absolute path or a symbolic link) is ever
sent.

Short mode (``make test``): a few hundred derandomised requests per folder. Long mode (``make fuzz``):
``SAMSIM_FUZZ_EXAMPLES`` requests per folder and per test, with fresh random draws.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from samsim.web.app import create_app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

LONG_EXAMPLES = int(os.environ.get("SAMSIM_FUZZ_EXAMPLES") or 0)
SECRET = "samsim-fuzz-secret-4f1c"  # written beside the served folder: never to be sent


def fuzz(short: int) -> settings:
    if LONG_EXAMPLES:
        return settings(
            max_examples=max(short, LONG_EXAMPLES), deadline=None, suppress_health_check=list(HealthCheck)
        )
    return settings(
        max_examples=short,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


# Path segments the routes know, and those a traversal or a confused client would send.
WORDS = [
    "",
    "api",
    "replays",
    "run",
    "study",
    "files",
    "assets",
    "cesium",
    "info",
    "summary",
    "scene",
    "trajectories",
    "events",
    "markers",
    "domes",
    "entity",
    "status",
    "groups",
    "overview",
    "p_leak",
    "histograms",
    "compare",
    "missiles",
    "runs",
    "replay",
    "favicon.svg",
    "index.html",
    "app.js",
    "summary.json",
    "results.duckdb",
    "results.duckdb.wal",
    "runs.parquet",
    "events.parquet",
    "scene.json",
    "report.html",
    ".hidden",
    "secret.txt",
    "link-out",
    "dir-out",
    "link-in.json",
    "0",
    "1",
    "2",
    "19",
    "-1",
    "99999999999999999999999",
    "g0-r0",
    "study-0-0",
    "1e308",
    "nan",
    "..",
    ".",
    "...",
    "%2e%2e",
    "%2E%2E%2F",
    "%2f",
    "%5c",
    "..%2f..%2fsecret.txt",
    "..\\..\\secret.txt",
    "%00",
    "%ff",
    "%",
    "~",
    "/etc/passwd",
    "C:\\Windows",
    "run?x",
    "a;b",
    "%252e%252e",
]
KEYS = [
    "group",
    "by",
    "offset",
    "limit",
    "sort",
    "desc",
    "kind",
    "entity",
    "id",
    "rcs_m2",
    "alt_agl_m",
    "run",
    "seed",
    "x",
]
VALUES = [
    "",
    "0",
    "1",
    "-1",
    "20000",
    "20001",
    "1000000000000000000000",
    "1e400",
    "-1e400",
    "nan",
    "inf",
    "-inf",
    "0.0",
    "1e-320",
    "true",
    "false",
    "threat",
    "type",
    "interceptor",
    "track",
    "launch",
    "kill",
    "t-kill",
    "bat",
    "bat/radar",
    "run",
    "killed",
    "leaked",
    "interceptors_fired",
    "doctrine.salvo",
    '"',
    "'",
    ";",
    "%00",
    "..",
    "../../secret.txt",
    "a" * 300,
]
METHODS = ["GET", "GET", "GET", "HEAD", "POST", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]


def _encode(text: str, raw: bool) -> str:
    """A segment as the client sends it: percent-encoded, or raw where it is printable ASCII."""
    if raw and all(33 <= ord(c) < 127 and c not in "?#" for c in text):
        return text
    return quote(text, safe="")


segments = st.one_of(
    st.sampled_from(WORDS).map(lambda w: (w, True)),
    st.tuples(st.text(max_size=24), st.booleans()),
)
paths = st.lists(segments, max_size=7).map(lambda parts: "/" + "/".join(_encode(t, raw) for t, raw in parts))
# The routes, with random values in their slots.
TEMPLATES = [
    "/api/replays/{}/summary",
    "/api/replays/{}/scene",
    "/api/replays/{}/trajectories",
    "/api/replays/{}/events",
    "/api/replays/{}/markers",
    "/api/replays/{}/domes",
    "/api/replays/{}/entity",
    "/api/study/runs/{}/{}/replay",
    "/files/{}",
    "/files/{}/{}",
    "/assets/{}",
    "/cesium/{}/{}",
    "/api/study/{}",
    "/api/{}",
    "/{}",
]
slot = st.one_of(st.sampled_from(WORDS), st.text(max_size=16)).map(lambda t: _encode(t, False))
ENDPOINTS = [
    "/",
    "/api/info",
    "/api/files",
    "/files/summary.json",
    "/favicon.svg",
    "/assets/app.js",
    *(
        f"/api/replays/run/{what}"
        for what in ("summary", "scene", "trajectories", "events", "markers", "domes")
    ),
    "/api/replays/run/entity",
    *(
        f"/api/study/{what}"
        for what in ("summary", "status", "groups", "overview", "p_leak", "histograms", "compare", "missiles")
    ),
    "/api/study/runs",
    "/api/study/runs/0/0/replay",
    "/api/study/runs/1/3/replay",
]
routed = st.one_of(
    st.sampled_from(ENDPOINTS),
    st.tuples(st.sampled_from(TEMPLATES), st.lists(slot, min_size=2, max_size=2)).map(
        lambda tv: tv[0].format(*tv[1][: tv[0].count("{}")])
    ),
)
queries = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(KEYS), st.text(max_size=10)),
        st.one_of(
            st.sampled_from(VALUES), st.text(max_size=40), st.integers().map(str), st.floats().map(repr)
        ),
    ),
    max_size=6,
).map(lambda kv: "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in kv))
bodies = st.one_of(
    st.none(),
    st.binary(max_size=2000),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=12,
    ).map(lambda v: json.dumps(v).encode()),
)


def _serve(folder: Path, dist: Path) -> TestClient:
    """The app over ``folder`` with a secret file beside it and links leading out of it."""
    (folder.parent / "secret.txt").write_text(SECRET)
    for name, target in (("link-out", folder.parent / "secret.txt"), ("dir-out", folder.parent)):
        if not (folder / name).is_symlink():
            os.symlink(target, folder / name)
    return TestClient(
        create_app(folder, dist=dist), base_url="http://127.0.0.1", raise_server_exceptions=False
    )


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in for the built front end (index.html, an asset, Cesium's folder), a secret beside it."""
    root = tmp_path_factory.mktemp("dist")
    (root / "secret.txt").write_text(SECRET)
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "cesium" / "Workers").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>app</title>")
    (dist / "assets" / "app.js").write_text("console.log(1)")
    (dist / "favicon.svg").write_text("<svg/>")
    return dist


FOLDERS = ["synthetic_run", "real_run", "study", "real_study", "swept_study"]


@pytest.fixture(scope="module", params=FOLDERS)
def client(request: pytest.FixtureRequest, dist: Path) -> Iterator[TestClient]:
    folder: Path = request.getfixturevalue(request.param)
    with _serve(folder, dist) as client:
        yield client


def _check(client: TestClient, method: str, path: str, query: str, body: bytes | None) -> None:
    raw = path.encode("ascii") + (b"?" + query.encode("ascii") if query else b"")
    url = httpx.URL("http://127.0.0.1", raw_path=raw)
    headers = {"content-type": "application/json"} if body is not None else {}
    r = client.request(method, url, content=body, headers=headers)
    event(f"{method} {r.status_code}")
    where = f"{method} {raw!r} body={body[:60] if body else body!r}"
    assert r.status_code < 500, f"{where}: {r.status_code} {r.text[:300]}"
    assert SECRET not in r.text, f"{where}: sent a file from outside the served folder"
    assert "Traceback" not in r.text, where
    if r.status_code >= 400 and method != "HEAD":
        answer = r.json()
        assert answer["status"] == r.status_code and isinstance(answer["error"], str), where


@fuzz(60)
@given(method=st.sampled_from(METHODS), path=paths, query=queries, body=bodies)
def test_random_requests_never_fail_with_500(
    client: TestClient, method: str, path: str, query: str, body: bytes | None
) -> None:
    _check(client, method, path, query, body)


@fuzz(120)
@given(method=st.sampled_from(["GET", "GET", "GET", "HEAD"]), path=routed, query=queries, body=bodies)
def test_routes_with_random_values_never_fail_with_500(
    client: TestClient, method: str, path: str, query: str, body: bytes | None
) -> None:
    _check(client, "POST" if path.endswith("/replay") else method, path, query, body)


@pytest.mark.parametrize("run", ["99999999999999999999999", "-99999999999999999999999", "2147483648", "-1"])
def test_replay_of_a_run_index_beyond_the_column_is_422(study: Path, dist: Path, run: str) -> None:
    # Found by the long fuzz: an index beyond 64 bits reached Arrow's comparison and raised (a 500).
    with _serve(study, dist) as client:
        r = client.post(f"/api/study/runs/0/{run}/replay")
    assert r.status_code == 422 and r.json()["status"] == 422
