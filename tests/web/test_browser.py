"""End-to-end tests of ``samsim serve`` in headless Chromium (Debian's ``/usr/bin/chromium``, driven by
Playwright): the 3-D replay (globe, entities, time slider, picking a threat on the globe) and the
study dashboard with a replay opened from its table.

Every test fails if the page logs a console error, throws, or requests anything that is not on
127.0.0.1 / localhost (such requests are aborted and recorded). Screenshots go to tests/artifacts/.
Software WebGL (SwiftShader) is slow: few page loads, generous timeouts. The page's
Content-Security-Policy forbids eval, so every ``wait_for_function`` predicate is a function.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from samsim.web.app import frontend_built
from tests.conftest import ROOT
from tests.web.chromium import CHROMIUM, VIEWPORT, AppServer, chromium
from tests.web.conftest import THREAT_FLIGHTS, straight

ARTIFACTS = ROOT / "tests" / "artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
READY_MS = 150_000

# CI sets SAMSIM_REQUIRE_BROWSER=1: there a missing browser or front end fails the run instead of
# skipping the only end-to-end tests of the page.
_MISSING = [
    why
    for missing, why in [
        (not CHROMIUM.is_file(), "Debian's chromium is missing (apt-get install chromium)"),
        (not frontend_built(), "the web front end is not built: run `make web`"),
    ]
    if missing
]
if _MISSING and os.environ.get("SAMSIM_REQUIRE_BROWSER") == "1":
    raise RuntimeError("browser tests required (SAMSIM_REQUIRE_BROWSER=1) but " + "; ".join(_MISSING))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(_MISSING), reason="; ".join(_MISSING)),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


@pytest.fixture(scope="module")
def serve() -> Iterator[Callable[[Path], str]]:
    """Start ``samsim serve``'s app on a free local port in a background thread; returns its URL."""
    servers = AppServer()
    yield servers.start
    servers.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


class Watched:
    """A page with its console errors and non-local requests recorded."""

    def __init__(self, browser: Any):
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.set_default_timeout(60_000)
        self.context.route("**/*", self._route)
        self.context.on("request", self._request)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _local(self, url: str) -> bool:
        parsed = urlparse(url)
        return parsed.scheme in ("data", "blob") or parsed.hostname in LOCAL_HOSTS

    def _route(self, route: Any) -> None:
        if self._local(route.request.url):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _request(self, request: Any) -> None:
        if not self._local(request.url):
            self.outside.append(request.url)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def wait_ready(self) -> None:
        self.page.wait_for_selector(
            "[data-testid=status][data-state=ready], [data-testid=status][data-state=error]", timeout=READY_MS
        )
        state = self.page.get_attribute("[data-testid=status]", "data-state")
        banner = self.page.locator("[data-testid=banner]")
        assert state == "ready", banner.inner_text() if banner.is_visible() else state

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name))


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    w = Watched(browser)
    yield w
    w.context.close()
    assert not w.outside, f"requests left localhost: {w.outside}"
    assert not w.errors, f"the page logged errors: {w.errors}"


def _intersections(boxes: list[dict[str, float]]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i, a in enumerate(boxes)
        for j, b in enumerate(boxes[:i])
        if a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    ]


def test_replay_globe_layers_labels_events_and_picking(
    serve: Callable[[Path], str], synthetic_run: Path, watched: Watched
) -> None:
    page = watched.page
    page.goto(serve(synthetic_run) + "/#/replay/run")
    watched.wait_ready()
    assert page.inner_text("[data-testid=status]") == "ready · 10 entities"
    # The globe: a WebGL canvas, its imagery tiles loaded from the local Natural Earth II set.
    assert page.locator("#globe canvas").count() >= 1
    globe = page.evaluate(
        """() => {
            const v = window.__samsim.viewer;
            const layer = v.imageryLayers.get(0);
            return {tiles: v.scene.globe.tilesLoaded, layers: v.imageryLayers.length,
                    ready: layer.ready, url: layer.imageryProvider.url, webgl2: v.scene.context.webgl2};
        }"""
    )
    assert globe["tiles"] and globe["layers"] == 1 and globe["ready"] and globe["webgl2"]
    assert globe["url"].startswith("http://127.0.0.1") and "NaturalEarthII" in globe["url"]
    keys = set(page.evaluate("window.__samsim.entityKeys()"))
    assert {
        "threat:t-kill", "threat:t-leak", "threat:t-surv", "interceptor:bat/48N6E3/1",
        "interceptor:bat/48N6E3/2", "interceptor:bat/9M96E2/3", "battery:bat", "radar:bat/91N6E",
        "radar:bat/92N6E", "asset:city",
    } <= keys  # fmt: skip
    assert "3 threats: 1 killed, 1 leaked, 1 survived; 3 interceptors fired." in page.inner_text(
        "[data-testid=totals]"
    )
    # No Ion: Cesium's credit line (with its logo) is not in the page; the offline credits are.
    assert page.locator(".cesium-credit-logoContainer:visible, .cesium-widget-credits:visible").count() == 0
    assert "Natural Earth" in page.inner_text("[data-testid=credits]")
    # Borders and coastlines (Natural Earth 1:10m) are drawn, and places are named.
    basemap = page.evaluate("window.__samsim.basemap()")
    assert basemap["borders"] > 50 and basemap["coast"] > 50 and basemap["points"] > 5000, basemap
    assert basemap["linesShown"] and basemap["places"] > 20
    shown = page.evaluate("window.__samsim.labelBoxes()")
    assert any(b["kind"] == "place" for b in shown) and any(b["text"] == "bat" for b in shown)
    # The scale bar reads 1, 2 or 5 times a power of ten over at most 120 pixels.
    bar = page.evaluate("window.__samsim.scaleBar()")
    assert (
        not bar["hidden"] and str(bar["metres"]).lstrip("0")[0] in "125" and 0 < float(bar["pixels"]) <= 120
    )
    # Coverage follows R_ref (rcs / rcs_ref)^(1/4) for the chosen RCS.
    coverage = "() => window.__samsim.coverage()['bat/91N6E']"
    assert page.evaluate(coverage)["dome_m"] == pytest.approx(390e3 * (1 / 4) ** 0.25, abs=1)
    page.select_option("[data-testid=rcs]", "0.1")
    page.wait_for_function(f"() => ({coverage})().dome_m < 200000")
    assert page.evaluate(coverage)["dome_m"] == pytest.approx(390e3 * (0.1 / 4) ** 0.25, abs=1)
    # Each toggle changes what is drawn: rings at altitude appear, tracks are loaded and shown.
    state = page.evaluate("window.__samsim.layerState()")
    assert state["domes"] == 2 and state["footprints"] == 2 and state["rings"] == 0 and state["tracks"] == 0
    page.check("[data-testid=toggle-rings]")
    page.check("[data-testid=toggle-tracks]")
    page.uncheck("[data-testid=toggle-domes]")
    page.wait_for_function("() => window.__samsim.layerState().tracks > 0")
    state = page.evaluate("window.__samsim.layerState()")
    assert state["rings"] == 2 and state["domes"] == 0 and state["footprints"] == 0
    ring = page.evaluate(coverage)
    assert 0 < ring["ring_m"] <= ring["dome_m"] and ring["ring_alt_m"] == pytest.approx(950 + 100, abs=1)
    page.uncheck("[data-testid=toggle-borders]")
    assert page.evaluate("window.__samsim.basemap().linesShown") is False
    page.check("[data-testid=toggle-borders]")
    watched.shot("replay.png")

    # Move the time slider: the clock follows, and so does the key-events list: the last event at or
    # before the time is highlighted and later ones are dimmed.
    page.fill("[data-testid=time-slider]", "280")
    page.wait_for_function("() => document.querySelector('[data-testid=clock]').dataset.seconds === '280.0'")
    assert page.inner_text("[data-testid=clock]").startswith("T+280.0 s")
    assert page.evaluate("window.__samsim.timeS()") == pytest.approx(280.0, abs=1e-6)
    current = page.locator("[data-testid=key-events-table] tr.current")
    assert current.count() == 1 and current.get_attribute("data-time") == "262"
    assert "track_confirm" in current.inner_text()
    rows = page.locator("[data-testid=key-events-table] tbody tr")
    assert rows.nth(3).get_attribute("class") == "ev track_confirm current"
    assert rows.nth(4).get_attribute("class") == "ev intercept future"
    page.fill("[data-testid=time-slider]", "300")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=key-events-table] tr.current')?.dataset.time === '300'"
    )
    assert "track_drop" in page.inner_text("[data-testid=key-events-table] tr.current")
    # Every column of the list is in view: nothing wider than its panel.
    fit = page.evaluate(
        """() => {
            const box = document.querySelector('[data-testid=key-events-scroll]');
            const right = box.getBoundingClientRect().right;
            return {scroll: box.scrollWidth, client: box.clientWidth,
                    heads: [...box.querySelectorAll('th')].map((th) => th.getBoundingClientRect().right - right)};
        }"""
    )
    assert fit["scroll"] <= fit["client"] and max(fit["heads"]) <= 0.5, fit
    page.fill("[data-testid=time-slider]", "280")
    page.wait_for_function("() => document.querySelector('[data-testid=clock]').dataset.seconds === '280.0'")
    page.wait_for_timeout(1000)  # let a frame draw the entities at the new time

    # The threat is where its straight flight puts it at 280 s.
    lat, lon, alt = straight(THREAT_FLIGHTS["t-kill"], 280.0)
    where = page.evaluate(
        """() => {
            const v = window.__samsim.viewer;
            const p = v.entities.getById('threat:t-kill').position.getValue(v.clock.currentTime);
            const c = v.scene.globe.ellipsoid.cartesianToCartographic(p);
            return [c.latitude * 180 / Math.PI, c.longitude * 180 / Math.PI, c.height];
        }"""
    )
    assert where[:2] == pytest.approx([lat, lon], abs=2e-6)  # the API rounds to 1e-6 degrees
    assert where[2] == pytest.approx(alt, abs=0.06)  # and to 0.1 m

    # Click the threat on the globe where Cesium projects its position, and read its fate.
    pos = page.evaluate("window.__samsim.screenPositionOf('threat:t-kill')")
    assert pos is not None and 0 < pos["x"] < VIEWPORT["width"] and 0 < pos["y"] < VIEWPORT["height"]
    page.mouse.click(pos["x"], pos["y"])
    page.wait_for_selector("[data-testid=detail-fate]")
    assert page.inner_text("[data-testid=detail-title]") == "t-kill"
    assert page.inner_text("[data-testid=detail-fate]") == "killed"
    assert page.inner_text("[data-testid=detail-detected]") == "120.0 s"
    assert page.inner_text("[data-testid=detail-track]") == "130.5 s"
    events = page.inner_text("[data-testid=detail-events]")
    assert "launch" in events and "kill" in events and "bat/48N6E3/1" in events
    watched.shot("replay-threat-selected.png")

    # An interceptor from the list: its result and its events.
    page.click("li[data-key='interceptor:bat/9M96E2/3']")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=detail-title]')?.textContent === 'bat/9M96E2/3'"
        " && document.querySelector('[data-testid=detail-fate]')"
    )
    assert page.inner_text("[data-testid=detail-fate]") == "self-destruct"
    assert "self_destruct" in page.inner_text("[data-testid=detail-events]")

    # Labels never overlap, even crowded: every name on (threats, interceptors, radars), the camera
    # far out so that the battery, its radars, the asset and the threats are a few pixels apart.
    page.check("[data-testid=toggle-names]")
    page.evaluate(
        """async () => {
            const s = window.__samsim;
            s.viewer.camera.setView({destination: s.Cesium.Cartesian3.fromDegrees(32.8, 39.9, 1.5e6)});
            await s.frame(); await s.frame(); await s.frame();
        }"""
    )
    boxes = page.evaluate("window.__samsim.labelBoxes()")
    kinds = {b["kind"] for b in boxes}
    assert {"battery", "asset"} <= kinds and len(boxes) >= 4, boxes
    planned = [b["planned"] for b in boxes]
    drawn = [b["drawn"] for b in boxes]
    assert not _intersections(planned) and not _intersections(drawn), boxes
    # Cesium drew each label inside the rectangle reserved for it (to a pixel of rounding).
    for b in boxes:
        p, d = b["planned"], b["drawn"]
        assert p["x"] - 1 <= d["x"] and d["x"] + d["w"] <= p["x"] + p["w"] + 1, b
        assert p["y"] - 1 <= d["y"] and d["y"] + d["h"] <= p["y"] + p["h"] + 1, b
    watched.shot("replay-labels-crowded.png")

    # Play at 5x for a moment, then pause: simulated time moved on, and stays put once paused.
    page.select_option("[data-testid=speed]", "5")
    page.click("[data-testid=play]")
    page.wait_for_function("() => window.__samsim.timeS() > 281", timeout=30_000)
    page.click("[data-testid=play]")
    assert page.inner_text("[data-testid=play]") == "Play"
    paused_at = page.evaluate("window.__samsim.timeS()")
    assert 281 < paused_at < 600
    page.wait_for_timeout(500)
    assert page.evaluate("window.__samsim.timeS()") == paused_at


def test_study_dashboard_and_replay_of_a_run(
    serve: Callable[[Path], str], real_study: Path, watched: Watched
) -> None:
    page = watched.page
    page.goto(serve(real_study) + "/")
    watched.wait_ready()
    assert page.inner_text("[data-testid=title]") == "tiny · study"
    # Two sweep groups; the dashboard shows the first (threats[0].count = 1, four runs).
    assert "threats[0].count=1" in page.inner_text("[data-testid=group]")
    assert page.inner_text("[data-testid=card-runs] .value") == "4"
    assert page.locator("[data-testid=chart-p-leak]").is_visible()
    assert page.locator("[data-testid=chart-leakers]").is_visible()
    assert page.locator("[data-testid=chart-fired]").is_visible()
    charts = page.evaluate(
        """() => ['chart-p-leak', 'chart-leakers', 'chart-fired'].map((id) => {
            const c = document.querySelector(`[data-testid=${id}]`);
            return {w: c.width, h: c.height};
        })"""
    )
    assert all(c["w"] > 100 and c["h"] > 100 for c in charts)
    assert page.locator("[data-testid=runs-table] tbody tr").count() == 4
    assert "runs 1–4 of 4" in page.inner_text("[data-testid=runs-range]")
    # Runs differ by their index under the study's seed; each row says how to reproduce it.
    assert "Study seed 3" in page.inner_text("[data-testid=runs-seed]")
    assert (
        page.inner_text("[data-testid=runs-table] tbody tr[data-run='2'] td.reproduce") == "--seed 3 --run 2"
    )
    # Sweep points side by side: P(leak) and interceptors fired per group on one chart, and a table.
    assert page.locator("[data-testid=chart-compare]").is_visible()
    assert page.locator("[data-testid=compare-table] tbody tr").count() == 2
    # Missiles fired and left by type, with the stock loaded.
    missiles = page.locator("[data-testid=missiles-table] tbody tr")
    assert missiles.count() >= 2 and page.locator("[data-testid=chart-missiles]").is_visible()
    assert missiles.first.locator("td").nth(1).inner_text().isdigit()
    # P(leak) per type: the type is the first column, once; runs and threats per run are apart.
    page.select_option("[data-testid=p-leak-by]", "type")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=p-leak-table] th')?.textContent === 'threat type'"
    )
    heads = page.locator("[data-testid=p-leak-table] th").all_text_contents()  # in a folded <details>
    assert heads[:3] == ["threat type", "runs", "per run"] and "type" not in heads
    page.select_option("[data-testid=p-leak-by]", "threat")
    page.select_option("[data-testid=group]", "1")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=p-leak-table] tbody tr').length === 2"
    )
    watched.shot("study.png")

    # Open run 1 of group 1 from the table: the server re-simulates it and the replay loads.
    page.click("[data-testid=runs-table] tbody tr[data-run='1']")
    page.wait_for_url("**/#/study/1/1")
    page.wait_for_selector("[data-testid=run-info]", timeout=READY_MS)
    watched.wait_ready()
    assert page.inner_text("[data-testid=run-info] h2").startswith("Run 1 of group 1 (seed 3)")
    keys = set(page.evaluate("window.__samsim.entityKeys()"))
    assert {"threat:f16-1", "threat:f16-2", "battery:bat", "asset:city"} <= keys
    assert page.locator("ul.entities li[data-key^='threat:']").count() == 2
    watched.shot("study-replay.png")


def test_study_dashboard_says_why_threats_were_not_engaged(
    serve: Callable[[Path], str], study: Path, watched: Watched
) -> None:
    """The constructed study of tests/web/conftest.py: F-16C ``a`` leaks unengaged in runs 0-4
    (magazine empty in odd runs, no fire channel in even ones), Tomahawk ``c`` in every run (no track
    in runs 0-9, out of envelope after)."""
    page = watched.page
    page.goto(serve(study) + "/")
    watched.wait_ready()
    assert page.locator("[data-testid=chart-reasons]").is_visible()
    size = page.evaluate(
        "() => { const c = document.querySelector('[data-testid=chart-reasons]'); return [c.width, c.height]; }"
    )
    assert size[0] > 100 and size[1] > 100
    heads = page.locator("[data-testid=reasons-table] th").all_text_contents()
    assert heads == [
        "threat type", "threats", "not engaged", "per run",
        "no track", "out of envelope", "magazine empty", "no fire channel",
    ]  # fmt: skip
    rows = {
        r.locator("td").first.inner_text(): r.locator("td").all_text_contents()[1:]
        for r in page.locator("[data-testid=reasons-table] tbody tr").all()
    }
    assert rows["F-16C"] == ["40", "5", "0.25", "0", "0", "2", "3"]
    assert rows["Tomahawk"] == ["20", "20", "1.00", "10", "10", "0", "0"]
    assert page.inner_text("[data-testid=reasons-note]") == ""
    # Missiles spent and left per type stay beside it.
    assert page.locator("[data-testid=missiles-table] tbody tr").count() >= 1
    page.locator("[data-testid=reasons]").screenshot(path=str(ARTIFACTS / "study-reasons.png"))


def test_replay_draws_jam_strobes_with_the_clock_and_destroyed_radars(
    serve: Callable[[Path], str], tmp_path: Path, watched: Watched
) -> None:
    from samsim.output.writers import write_run
    from tests.why_result import why_result

    run = write_run(why_result(), tmp_path / "why")
    page = watched.page
    page.goto(serve(run) + "/#/replay/run")
    watched.wait_ready()

    def at(seconds: float) -> dict[str, Any]:
        page.fill("[data-testid=time-slider]", str(seconds))
        page.wait_for_function(
            f"() => document.querySelector('[data-testid=clock]').dataset.seconds === '{seconds:.1f}'"
        )
        return dict(page.evaluate("window.__samsim.strobes()"))

    # Strobes at 200 s and 201 s from north/92N6E on the jammer f16-2, each drawn for 10 s.
    state = at(150)
    assert state["total"] == 2 and state["shown"] == [] and state["destroyed"] == []
    state = at(205)
    assert [(s["time_s"], s["radar"], s["threat"], s["az_deg"]) for s in state["shown"]] == [
        (200.0, "92N6E", "f16-2", 90.0),
        (201.0, "92N6E", "f16-2", 91.0),
    ]
    page.wait_for_timeout(500)
    watched.shot("replay-strobes.png")
    assert [s["time_s"] for s in at(210.5)["shown"]] == [201.0]
    assert at(260)["shown"] == []
    # The 92N6E of north is destroyed at 300 s: a cross from then on.
    assert at(299)["destroyed"] == []
    assert at(301)["destroyed"] == ["radar-destroyed:north/92N6E"]
    legend = page.inner_text("[data-testid=legend]")
    assert "jam strobe" in legend and "radar destroyed" in legend
    # A threat no shot was fired at says why in its details.
    page.click("li[data-key='threat:shahed-2']")
    page.wait_for_selector("[data-testid=detail-why]")
    assert page.inner_text("[data-testid=detail-why]") == "magazine empty (last at 350.0 s)"


def test_replay_domes_follow_the_threat_types_aspect_in_each_radars_band(
    serve: Callable[[Path], str], stealth_run: Path, watched: Watched
) -> None:
    """Choosing a threat type and an aspect sizes every dome for that type's cross section in the
    radar's band (the server reads the table): for an F-35A the X-band dome nose-on is about a quarter
    of its beam dome, the VHF one about two thirds."""
    page = watched.page
    page.goto(serve(stealth_run) + "/#/replay/run")
    watched.wait_ready()
    assert page.is_disabled("[data-testid=aspect]") and not page.is_disabled("[data-testid=rcs]")

    def domes() -> dict[str, Any]:
        return dict(page.evaluate("() => window.__samsim.coverage()"))

    fixed = domes()
    page.select_option("[data-testid=target]", "F-35A")
    page.wait_for_function("() => window.__samsim.coverage()['bat/92N6E'].rcs_m2 !== 1")
    assert page.is_disabled("[data-testid=rcs]") and not page.is_disabled("[data-testid=aspect]")
    nose = domes()
    assert nose["bat/92N6E"]["band"] == "X" and nose["bat/RLM-M"]["band"] == "VHF"
    assert nose["bat/92N6E"]["dome_m"] < fixed["bat/92N6E"]["dome_m"]
    page.select_option("[data-testid=aspect]", "beam")
    page.wait_for_function("() => window.__samsim.coverage()['bat/92N6E'].rcs_m2 === 1")
    beam = domes()
    ratio = {r: nose[f"bat/{r}"]["dome_m"] / beam[f"bat/{r}"]["dome_m"] for r in ("91N6E", "92N6E", "RLM-M")}
    assert ratio["92N6E"] == pytest.approx((0.005 / 1.0) ** 0.25, rel=1e-3)
    assert ratio["91N6E"] < 0.3 and ratio["RLM-M"] > 0.6
    page.select_option("[data-testid=aspect]", "worst")
    page.wait_for_function("() => window.__samsim.coverage()['bat/92N6E'].rcs_m2 < 0.01")
    assert domes()["bat/RLM-M"]["dome_m"] == pytest.approx(nose["bat/RLM-M"]["dome_m"], rel=1e-6)
    watched.shot("replay-stealth-domes.png")
    # Back to a fixed RCS: every band gets the same cross section again.
    page.select_option("[data-testid=target]", "")
    page.wait_for_function("() => window.__samsim.coverage()['bat/92N6E'].rcs_m2 === 1")
    assert domes() == fixed
    # A threat's details show, at the clock's time, the aspect it presents each radar and the RCS that
    # radar sees in its band; they follow the clock.
    page.click("li[data-key='threat:t-kill']")
    page.wait_for_selector("[data-testid=detail-signature] tr[data-radar='bat/92N6E']")

    def row(radar: str) -> list[str]:
        return page.locator(f"[data-testid=detail-signature] tr[data-radar='{radar}'] td").all_inner_texts()

    page.fill("[data-testid=time-slider]", "100")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=detail-signature] h4')?.textContent.includes('T+100 s')"
    )
    x_band, vhf = row("bat/92N6E"), row("bat/RLM-M")
    assert x_band[1] == "X" and vhf[1] == "VHF"
    assert float(x_band[3].split()[0]) < 0.1 < float(vhf[3].split()[0])  # X band: stealthy; VHF: not
    watched.shot("replay-threat-signature.png")
    page.fill("[data-testid=time-slider]", "400")  # after its kill at 300 s
    page.wait_for_function(
        "() => document.querySelector('[data-testid=detail-signature]')?.textContent.includes('not in the air')"
    )
