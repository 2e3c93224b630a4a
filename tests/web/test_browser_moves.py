"""The replay places a battery that moves (scene.json `moves`): at its first site, on the march, at
the new site. Headless Chromium, as tests/web/test_browser.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from samsim import loads, simulate
from samsim.output.writers import write_run
from tests.web.test_browser import Watched, browser, pytestmark, serve, watched

__all__ = ["browser", "pytestmark", "serve", "watched"]

MOVING = """
samsim: 1
name: moving
duration_s: 2000
environment: {ground_alt_m: 0}
batteries:
  - id: b
    system: S-400
    position: {lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}
    radars: [{type: 92N6E}]
    moves: [{at_s: 100, to: {lat_deg: 40.0, lon_deg: 33.1, alt_m: 0}}]
"""


def test_replay_marches_a_moving_battery_to_its_new_site(
    serve: Callable[[Path], str], tmp_path: Path, watched: Watched
) -> None:
    result = simulate(loads(MOVING))
    assert result.scene is not None
    move = result.scene["batteries"][0]["moves"][0]
    run = write_run(result, tmp_path / "moving")
    page = watched.page
    page.goto(serve(run) + "/#/replay/run")
    watched.wait_ready()

    def lon_at(seconds: float) -> float:
        page.fill("[data-testid=time-slider]", str(seconds))
        page.wait_for_function(
            f"() => document.querySelector('[data-testid=clock]').dataset.seconds === '{seconds:.1f}'"
        )
        return float(
            page.evaluate(
                """() => {
                  const s = window.__samsim, C = s.Cesium;
                  const e = s.viewer.entities.getById('battery:b');
                  const p = C.Cartographic.fromCartesian(e.position.getValue(s.viewer.clock.currentTime));
                  return C.Math.toDegrees(p.longitude);
                }"""
            )
        )

    assert abs(lon_at(50.0) - 33.0) < 1e-6  # at its site
    assert abs(lon_at(round(move["stowed_s"] - 10.0, 1)) - 33.0) < 1e-6  # stowing there
    half = round((move["stowed_s"] + move["arrived_s"]) / 2.0, 1)
    assert 33.03 < lon_at(half) < 33.07  # half way on the march
    assert abs(lon_at(1900.0) - 33.1) < 1e-6  # at the new site
