"""Exposure: interval arithmetic, aspect bins, and what constructed flights show each radar."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from samsim import catalog, loads
from samsim.coverage.exposure import (
    ASPECT_BINS,
    Spread,
    aspect_bins,
    detection_intervals,
    exposure,
    measure_s,
    overlap_s,
    spread,
    union,
)
from samsim.coverage.exposure_files import write_exposure
from tests.conftest import ROOT, circle_route, one_battery_scenario


def test_aspect_bins_are_ten_degrees_from_the_nose() -> None:
    got = aspect_bins(np.array([0.0, 9.99, 10.0, 359.9, -5.0, 725.0]))
    assert got.shape == (ASPECT_BINS,)
    assert np.flatnonzero(got).tolist() == [0, 1, 35]


def test_union_measure_and_overlap_of_intervals() -> None:
    iv = np.array([[0.0, 10.0], [5.0, 12.0], [20.0, 25.0], [30.0, 30.0]])
    np.testing.assert_allclose(union(iv), [[0.0, 12.0], [20.0, 25.0]])
    assert measure_s(iv) == pytest.approx(17.0)
    assert overlap_s(iv, np.array([[8.0, 22.0]])) == pytest.approx(4.0 + 2.0)
    assert measure_s(np.zeros((0, 2))) == 0.0


def test_detections_hold_until_the_next_look() -> None:
    # Looks every 10 s; detections at 0, 10, 20 and 50: detected over [0, 30) and [50, 55).
    iv = detection_intervals(np.array([0.0, 10.0, 20.0, 50.0]), 10.0, 55.0)
    assert measure_s(iv) == pytest.approx(35.0)


def _scenario(route: str, radar: str = "92N6E", duration_s: float = 1800.0) -> str:
    threat = f"  - id: jet\n    type: F-16C\n    route:\n{route}\n"
    return one_battery_scenario(
        threat, radars=f"{{type: {radar}}}", name="exposure-test", duration_s=duration_s
    )


def test_a_straight_inbound_flight_illuminates_one_aspect_bin() -> None:
    # Heading for a point 5 km beside the radar, stopping 60 km short: the radar stays 1.4-4.8 degrees
    # off the nose, inside the first bin, for every detection.
    route = """\
      - {east_m: 5000, north_m: 200000, up_m: 8000, speed_mps: 250}
      - {east_m: 5000, north_m: 60000, up_m: 8000}"""
    res = exposure(loads(_scenario(route)))
    (jet,) = res.aircraft
    (radar,) = jet.radars
    assert radar.detections > 100
    assert radar.aspect_coverage == pytest.approx(1.0 / ASPECT_BINS)
    assert np.flatnonzero(radar.aspect_bins).tolist() == [0]
    aspects = np.array(res.detections.column("aspect_deg").to_pylist())
    assert np.all((aspects > 0.5) & (aspects < 6.0))
    # 560 s in view of a radar that sees a 1.2 m² target on half its looks at 193 km and on nearly
    # every look inside 120 km; detected time is 2 s (the revisit) per detection here.
    assert 400.0 < radar.detected_s <= 560.0 + 1e-6
    assert radar.detected_s == pytest.approx(2.0 * radar.detections, rel=0.02)
    assert 0.0 < radar.tracked_s <= radar.detected_s


def test_a_full_orbit_covers_every_aspect_bin() -> None:
    # Two laps of a 30 km circle centred 100 km north of the radar: the heading turns through 360 degrees
    # while the line of sight barely moves, so every side of the airframe faces the radar.
    res = exposure(loads(_scenario(circle_route(30_000.0, north_m=100_000.0, laps=2), duration_s=1600.0)))
    (radar,) = res.aircraft[0].radars
    assert radar.aspect_coverage == pytest.approx(1.0)
    assert radar.detected_s > 1400.0


def test_threat_filter_and_files(tmp_path: Path) -> None:
    route = """\
      - {east_m: 5000, north_m: 200000, up_m: 8000, speed_mps: 250}
      - {east_m: 5000, north_m: 60000, up_m: 8000}"""
    sc = loads(_scenario(route, radar="91N6E", duration_s=600.0))
    assert exposure(sc, threats=["F-35A"]).aircraft == []
    res = exposure(sc, threats=["F-16C"])
    paths = write_exposure(res, tmp_path / "out")
    names = {p.name for p in paths}
    assert {"exposure.json", "exposure.parquet", "report.html", "aspect_S.png"} == names
    data = json.loads((tmp_path / "out" / "exposure.json").read_text())
    entry = data["aircraft"][0]["radars"][0]
    assert {"battery", "radar", "band", "detected_s", "tracked_s", "aspect_coverage"} <= set(entry)
    assert entry["band"] == "S"
    table = pq.read_table(tmp_path / "out" / "exposure.parquet")
    assert table.num_rows == entry["detections"] > 0
    # RCS estimated from the received SNR: within a factor of a few of the F-16C's nose-on 1.2 m².
    median = float(np.median(table.column("rcs_m2").to_numpy()))
    assert 0.3 < median < 5.0
    assert "Exposure" in (tmp_path / "out" / "report.html").read_text()


def test_cli_exposure_exit_codes(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        _scenario(
            "      - {east_m: 5000, north_m: 200000, up_m: 8000, speed_mps: 250}\n"
            "      - {east_m: 5000, north_m: 150000, up_m: 8000}",
            radar="91N6E",
            duration_s=300.0,
        )
    )

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "samsim.cli", "exposure", *args], capture_output=True, text=True, cwd=ROOT
        )

    ok = cli(str(scenario), "-o", str(tmp_path / "out"))
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "out" / "exposure.json").exists()
    again = cli(str(scenario), "-o", str(tmp_path / "out"), "--seed", "2")  # its own output: replaced
    assert again.returncode == 0, again.stderr
    bad = cli(str(scenario), "-o", str(tmp_path / "out2"), "--threats", "Su-34")
    assert bad.returncode == 2 and "--threats: Su-34 not in the scenario" in bad.stderr
    many = cli(str(scenario), "-o", str(tmp_path / "many"), "--runs", "3")
    assert many.returncode == 0, many.stderr
    entry = json.loads((tmp_path / "many" / "exposure.json").read_text())["aircraft"][0]["radars"][0]
    assert set(entry["over_runs"]["detected_s"]) == {"mean", "p5", "p95"}
    assert "3 runs" in many.stdout and "5–95 %" in many.stdout
    assert max(len(line) for line in many.stdout.splitlines()) <= 80
    zero = cli(str(scenario), "-o", str(tmp_path / "zero"), "--runs", "0")
    assert zero.returncode == 2 and "--runs: must be >= 1" in zero.stderr
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("x")
    refused = cli(str(scenario), "-o", str(tmp_path / "other"))
    assert refused.returncode == 2 and "-o:" in refused.stderr


def test_spread_is_the_mean_and_the_5_to_95_percent_interval() -> None:
    # 21 values 0..20: percentiles by linear interpolation between order statistics (Hyndman-Fan 7)
    # fall on the values 1 and 19 exactly.
    assert spread(np.arange(21.0)) == Spread(mean=10.0, p5=1.0, p95=19.0)
    assert spread([3.0]) == Spread(3.0, 3.0, 3.0)
    with pytest.raises(ValueError):
        spread([])


def _arc_at_reference_range(radar: str, up_m: float = 8000.0, degrees: int = 30) -> tuple[str, float]:
    """A scenario whose aircraft flies an arc about the radar at the radar's reference range, seen on
    the beam with the reference RCS; and its flight time (s)."""
    import math

    spec = catalog.radar(radar)
    ground = math.sqrt(spec.ref_range_m**2 - up_m**2)  # slant range = ref_range_m in the ENU frame
    pts = []
    for k in range(degrees // 5 + 1):
        a = math.radians(-degrees / 2 + 5 * k)
        speed = ", speed_mps: 250" if k == 0 else ""
        pts.append(
            f"      - {{east_m: {ground * math.sin(a):.1f}, north_m: {ground * math.cos(a):.1f}, up_m: {up_m}{speed}}}"
        )
    flight_s = (len(pts) - 1) * 2.0 * ground * math.sin(math.radians(2.5)) / 250.0
    threat = (
        f"  - id: jet\n    type: F-16C\n    rcs_m2: {spec.ref_rcs_m2}\n    route:\n" + "\n".join(pts) + "\n"
    )
    scenario = one_battery_scenario(
        threat, radars=f"{{type: {radar}, mast_m: 0}}", duration_s=flight_s + 100.0
    )
    return scenario, flight_s


def test_spread_over_runs_of_looks_at_the_reference_detection_probability() -> None:
    """At the radar's reference range, on its reference RCS, every look detects with the reference
    probability 0.5 (the catalog calibration), independently (Swerling 1, scan to scan). Over n looks
    the number of detections is binomial B(n, 0.5) and, looks abutting, detected_s = revisit x count:
    its mean is n/2 looks and its 5-95 % interval the binomial one."""
    from scipy.stats import binom

    spec = catalog.radar("92N6E")
    assert spec.ref_pd == 0.5 and spec.swerling == 1
    scenario, flight_s = _arc_at_reference_range("92N6E")
    runs = 40
    res = exposure(loads(scenario), runs=runs)
    assert res.runs == runs
    (radar,) = res.aircraft[0].radars
    det = radar.over_runs["detected_s"]
    n = flight_s / spec.revisit_s
    sd_looks = (n * 0.25) ** 0.5
    assert det.mean / spec.revisit_s == pytest.approx(n / 2, abs=4 * sd_looks / runs**0.5 + 1)
    # The percentiles of 40 draws scatter by about a third of the binomial standard deviation.
    assert det.p5 / spec.revisit_s == pytest.approx(binom.ppf(0.05, round(n), 0.5), abs=sd_looks + 1)
    assert det.p95 / spec.revisit_s == pytest.approx(binom.ppf(0.95, round(n), 0.5), abs=sd_looks + 1)
    assert det.p5 < det.mean < det.p95
    # The aspect is the beam on every look of every run: no spread in what sides are seen.
    cov = radar.over_runs["aspect_coverage"]
    assert cov.p5 == cov.p95 == pytest.approx(2 / ASPECT_BINS)
    tracked = radar.over_runs["tracked_s"]
    assert 0.0 <= tracked.p5 <= tracked.mean <= det.mean
    # Run 0 gives the single-run figures and the detections: `samsim run --run 0`.
    data = res.as_dict()
    assert data["runs"] == runs and data["run"] == 0
    entry = data["aircraft"][0]["radars"][0]  # type: ignore[index]
    assert set(entry["over_runs"]) == {"detected_s", "tracked_s", "aspect_coverage"}
    assert entry["over_runs"]["detected_s"] == {
        "mean": round(det.mean, 3),
        "p5": round(det.p5, 3),
        "p95": round(det.p95, 3),
    }
    assert res.detections.num_rows == radar.detections


def test_one_run_keeps_the_single_run_fields() -> None:
    scenario, _ = _arc_at_reference_range("92N6E", degrees=10)
    one = exposure(loads(scenario), runs=1).as_dict()
    assert "runs" not in one and "over_runs" not in one["aircraft"][0]["radars"][0]  # type: ignore[index]
    assert one == exposure(loads(scenario)).as_dict()
    with pytest.raises(ValueError, match="runs must be >= 1"):
        exposure(loads(scenario), runs=0)
