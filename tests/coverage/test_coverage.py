"""Coverage analysis: footprint radii against the horizon and range-equation closed forms, terrain
masking behind a ridge, GeoJSON validity, the site comparison, profiles, and the CLI's exit codes.

Grids are coarse (10° azimuth steps) so the whole file runs in seconds.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Geod

from samsim import catalog
from samsim.cli import main
from samsim.constants import MEAN_EARTH_RADIUS_M
from samsim.coverage import CoverageResult, coverage
from samsim.models.terrain import flat_dem, ridge_dem, write_dem

RE_M = MEAN_EARTH_RADIUS_M  # the effective-earth radius base (IUGG mean radius)
K = 4.0 / 3.0
LON0, LAT0 = 32.8, 39.9
MAST_M = 25.0
GEOD = Geod(ellps="WGS84")


def scenario_text(dem: str, batteries: str, k: float = K, surface: str = "none") -> str:
    # the geometry is checked against its closed forms in free space; the surface has its own test
    return (
        "samsim: 1\nname: cov-test\nduration_s: 60\n"
        f"environment: {{refraction_k: {k!r}, terrain: {dem}, surface: {surface}}}\n"
        f"batteries:\n{batteries}threats: []\n"
    )


def battery(bid: str, lat: float = LAT0, lon: float = LON0, radars: str | None = None) -> str:
    radars = radars or (
        f"      - {{type: 91N6E, offset_m: [0, 0, 0], mast_m: {MAST_M}}}\n"
        f"      - {{type: 92N6E, offset_m: [0, 0, 0], mast_m: {MAST_M}}}\n"
    )
    return (
        f"  - id: {bid}\n    system: S-400\n    position: {{lat_deg: {lat}, lon_deg: {lon}}}\n"
        f"    radars:\n{radars}    doctrine: {{weapons: hold}}\n"
    )


@pytest.fixture(scope="module")
def flat_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("flat")
    write_dem(
        d / "flat.tif",
        flat_dem((100, 100), cell_m=300.0, height_m=0.0, center_lon_deg=LON0, center_lat_deg=LAT0),
    )
    path = d / "flat.yaml"
    path.write_text(scenario_text("flat.tif", battery("sea")))
    return path


@pytest.fixture(scope="module")
def flat_result(flat_scenario: Path) -> CoverageResult:
    return coverage(flat_scenario, alt_m=(50.0, 10_000.0), rcs_m2=1.0, az_step_deg=10.0, range_step_m=100.0)


def horizon_radius_m(h1: float, h2: float, k: float = K) -> float:
    """Skolnik 2001, sec. 8.2: d = sqrt(2 k Re h1) + sqrt(2 k Re h2)."""
    return math.sqrt(2 * k * RE_M * h1) + math.sqrt(2 * k * RE_M * h2)


def range_limited_radius_m(radar_key: str, rcs_m2: float, h1: float, h2: float) -> float:
    """Swerling 1 calibrated at Pd 0.5: the Pd-0.5 slant range is R_ref (σ/σ_ref)^(1/4) (Skolnik 2001,
    ch. 2); its ground range on a sphere: R² = (h2 - h1)² + 4 r1 r2 sin²(d / 2R)."""
    spec = catalog.radar(radar_key)
    assert spec.swerling == 1 and spec.ref_pd == 0.5
    slant = spec.ref_range_m * (rcs_m2 / spec.ref_rcs_m2) ** 0.25
    r = 6_371_008.8
    return 2 * r * math.asin(math.sqrt((slant**2 - (h2 - h1) ** 2) / (4 * (r + h1) * (r + h2))))


def radius_per_azimuth_m(result: CoverageResult, radar: str, alt_m: float) -> np.ndarray:
    rc = result.radar_coverage("sea", radar, alt_m)
    last = np.array([np.flatnonzero(row)[-1] for row in rc.detect])
    return (last + 1) * result.grid.range_step_m


def test_flat_earth_radius_is_horizon_limited_low_and_range_limited_high(flat_result: CoverageResult) -> None:
    low = horizon_radius_m(MAST_M, 50.0)
    assert low < range_limited_radius_m("91N6E", 1.0, MAST_M, 50.0)  # 50 m: the horizon decides
    high = range_limited_radius_m("91N6E", 1.0, MAST_M, 10_000.0)
    assert high < horizon_radius_m(MAST_M, 10_000.0)  # 10 km: the range equation decides
    np.testing.assert_allclose(radius_per_azimuth_m(flat_result, "91N6E", 50.0), low, rtol=0.01)
    np.testing.assert_allclose(radius_per_azimuth_m(flat_result, "91N6E", 10_000.0), high, rtol=0.01)
    # The engagement radar's own Pd-0.5 range (260 km for 4 m² -> 184 km for 1 m²).
    np.testing.assert_allclose(
        radius_per_azimuth_m(flat_result, "92N6E", 10_000.0),
        range_limited_radius_m("92N6E", 1.0, MAST_M, 10_000.0),
        rtol=0.01,
    )
    # The polygon reaches as far (geodesic distance of its farthest vertex) ...
    fp = flat_result.footprint("sea", 10_000.0, radar="91N6E").geometry
    xy = shapely.get_coordinates(fp)
    _, _, dist = GEOD.inv(np.full(len(xy), LON0), np.full(len(xy), LAT0), xy[:, 0], xy[:, 1])
    assert np.max(dist) == pytest.approx(high, rel=0.01)
    # ... and covers the disc's area, less the cone of silence above the radar (75° max elevation).
    silence = 10_000.0 / math.tan(math.radians(75.0))
    disc_km2 = math.pi * (high**2 - silence**2) / 1e6
    assert flat_result.footprint("sea", 10_000.0).area_km2 == pytest.approx(disc_km2, rel=0.01)


def test_engagement_footprint_is_the_interceptor_envelope_inside_radar_detection(
    flat_result: CoverageResult,
) -> None:
    rc = flat_result.radar_coverage("sea", "92N6E", 10_000.0)
    step = flat_result.grid.range_step_m
    for mtype, radius in (
        ("9M96E2", math.sqrt(catalog.interceptor("9M96E2").max_range_m ** 2 - 10_000.0**2)),  # missile range
        ("48N6E3", range_limited_radius_m("92N6E", 1.0, MAST_M, 10_000.0)),  # radar-limited (250 km missile)
    ):
        last = np.array([np.flatnonzero(row)[-1] for row in rc.engage[mtype]])
        np.testing.assert_allclose((last + 1) * step, radius, rtol=0.01)
        assert not np.any(rc.engage[mtype] & ~rc.detect)  # never beyond what the radar detects
    # Weapons need an engagement radar: the acquisition radar carries no engagement masks.
    assert flat_result.radar_coverage("sea", "91N6E", 10_000.0).engage == {}
    # 50 m is inside the 48N6E3's altitude band (10 m - 27 km): engagement out to the horizon.
    low = flat_result.footprint("sea", 50.0, "engagement", interceptor="48N6E3")
    assert low.area_km2 == pytest.approx(flat_result.footprint("sea", 50.0, radar="92N6E").area_km2, rel=0.02)


def test_ridge_masks_exactly_the_cells_the_closed_form_geometry_says(tmp_path: Path) -> None:
    # A 300 m ridge, crest from 2025 m to 2125 m east of the radar (edges on cell centres, so the
    # bilinear DEM is the exact trapezoid), in a transverse Mercator grid with unit scale at the radar.
    crs = f"+proj=tmerc +lat_0={LAT0} +lon_0={LON0} +k=1 +datum=WGS84 +units=m +no_defs"
    dem = ridge_dem(
        (200, 400), cell_m=50.0, ridge_east_m=2025.0, ridge_height_m=300.0, crest_width_m=100.0,
        center_lon_deg=LON0, center_lat_deg=LAT0, crs=crs,
    )  # fmt: skip
    write_dem(tmp_path / "ridge.tif", dem)
    mast = 10.0
    radars = f"      - {{type: 91N6E, offset_m: [0, 0, 0], mast_m: {mast}}}\n"
    (tmp_path / "ridge.yaml").write_text(scenario_text("ridge.tif", battery("sea", radars=radars)))
    target_m = 1000.0
    result = coverage(
        tmp_path / "ridge.yaml", alt_m=(target_m,), agl=False, az_step_deg=10.0, range_step_m=50.0
    )
    detect = result.radar_coverage("sea", "91N6E", target_m).detect
    r = result.grid.range_m
    step = result.grid.range_step_m
    inv_2ka = 1.0 / (2.0 * K * RE_M)
    for az_deg in (60.0, 90.0, 120.0):
        # The sight line over the crest's near edge, at s_c from the radar, grazes it: a target at
        # height h_t and distance d is masked where (h_t - d²/2ka - h_a) / d < (H - s_c²/2ka - h_a) / s_c.
        s_c = 2025.0 / math.sin(math.radians(az_deg))
        m_c = (300.0 - s_c**2 * inv_2ka - mast) / s_c
        d_star = (-m_c + math.sqrt(m_c**2 + 4 * inv_2ka * (target_m - mast))) / (2 * inv_2ka)
        row = detect[int(round(az_deg / 10.0))]
        assert row[(r > s_c) & (r < d_star - step)].all(), az_deg  # over the ridge: seen
        assert not row[(r > d_star + step)].any(), az_deg  # in its shadow: masked
    # West, with nothing in the way, the horizon and the range equation decide as over the sea.
    west = detect[27]
    last = (np.flatnonzero(west)[-1] + 1) * step
    assert last == pytest.approx(
        min(horizon_radius_m(mast, target_m), range_limited_radius_m("91N6E", 1.0, mast, target_m)), rel=0.01
    )


def test_profile_contour_range_at_an_altitude_equals_the_closed_form(flat_result: CoverageResult) -> None:
    prof = next(p for p in flat_result.profiles if p.radar == "91N6E")
    spec = catalog.radar("91N6E")
    slant = spec.ref_range_m * (1.0 / spec.ref_rcs_m2) ** 0.25
    a = K * RE_M
    h1 = prof.antenna_height_m
    assert h1 == pytest.approx(MAST_M)
    for h2 in (1_000.0, 5_000.0, 12_000.0):
        # On the k-earth: R² = (h2 - h1)² + 4 r1 r2 sin²(d / 2a)  (Blake 1986).
        d = 2 * a * math.asin(math.sqrt((slant**2 - (h2 - h1) ** 2) / (4 * (a + h1) * (a + h2))))
        assert prof.contour_ground_range_m(h2) == pytest.approx(d, rel=0.002)
    # The horizon line leaves the surface at the tangent distance sqrt(2 k Re h1).
    assert prof.horizon_m[0, 0] == pytest.approx(math.sqrt(2 * a * h1), rel=1e-3)
    assert prof.horizon_m[0, 1] == pytest.approx(0.0, abs=1e-6)


def test_profile_over_land_shows_the_multipath_lobes(
    flat_scenario: Path, flat_result: CoverageResult
) -> None:
    """Over land the 91N6E's vertical coverage breaks into lobes: the Pd-0.5 contour reaches beyond
    the free-space range at some low heights (a lobe's peak, up to twice as far) and falls short at
    others (the nulls between), while on steep rays, which the rough surface no longer reflects, Pd is
    the free-space one."""
    land_path = flat_scenario.with_name("flat-land.yaml")
    land_path.write_text(flat_scenario.read_text().replace("surface: none", "surface: land"))
    land = coverage(land_path, alt_m=(50.0,), rcs_m2=1.0, az_step_deg=10.0, range_step_m=100.0)
    free_p = next(p for p in flat_result.profiles if p.radar == "91N6E")
    land_p = next(p for p in land.profiles if p.radar == "91N6E")
    heights = np.arange(200.0, 10_000.0, 20.0)
    free_r = np.array([free_p.contour_ground_range_m(h) for h in heights])
    land_r = np.array([land_p.contour_ground_range_m(h) for h in heights])
    assert np.nanmax(land_r / free_r) > 1.3 and np.nanmin(land_r / free_r) < 0.8
    # steep rays (elevation above 5°, grazing angles the 1 m rough surface scatters): free space. The
    # land profile's grid reaches twice as far (a lobe may double the range): compare on the free one's.
    from scipy.interpolate import RegularGridInterpolator

    g, h = np.meshgrid(free_p.ground_range_m, free_p.height_m)
    steep = (h > np.tan(np.radians(5.0)) * g) & (g > 0.0)
    on_land = RegularGridInterpolator((land_p.height_m, land_p.ground_range_m), land_p.pd)
    np.testing.assert_allclose(on_land(np.column_stack([h[steep], g[steep]])), free_p.pd[steep], atol=0.01)
    assert land_p.surface == "land" and free_p.surface == "none"


# --------------------------------------------------------------------------------------------------
# Command line


def run_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["samsim", *args])
    with pytest.raises(SystemExit) as exc:
        main()
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


@pytest.fixture(scope="module")
def twin_sites(flat_scenario: Path) -> Path:
    path = flat_scenario.parent / "twins.yaml"
    path.write_text(scenario_text("flat.tif", battery("site-a") + battery("site-b")))
    return path


def test_cli_writes_valid_geojson_maps_profiles_and_compare(
    twin_sites: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code, stdout, err = run_cli(
        monkeypatch, capsys, "coverage", str(twin_sites), "-o", str(out), "--alt-m", "50", "3000",
        "--rcs-m2", "2", "--compare", "--az-step-deg", "10", "--range-step-m", "1000",
    )  # fmt: skip
    assert code == 0, err
    names = {p.name for p in out.iterdir()}
    for b in ("site-a", "site-b"):
        assert {f"coverage_{b}_50m.png", f"coverage_{b}_3000m.png", f"coverage_{b}.geojson"} <= names
        assert {f"profile_{b}_91N6E.png", f"profile_{b}_92N6E.png"} <= names
    assert (out / "coverage_site-a_50m.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    fc = json.loads((out / "coverage_site-a.geojson").read_text())
    assert fc["type"] == "FeatureCollection"
    kinds = set()
    for feat in fc["features"]:
        props = feat["properties"]
        geom = shapely.geometry.shape(feat["geometry"])
        assert geom.is_valid, shapely.is_valid_reason(geom)
        assert geom.geom_type in ("Polygon", "MultiPolygon")
        assert props["battery"] == "site-a"
        assert props["alt_m"] in (50.0, 3000.0)
        assert props["alt_ref"] == "agl"
        assert props["rcs_m2"] == 2.0
        assert props["pd_threshold"] == 0.5
        assert (props["kind"] == "engagement") == (props["interceptor"] is not None)
        assert props["radar"] in ("91N6E", "92N6E", "all")
        kinds.add((props["kind"], props["radar"], props["interceptor"]))
        # RFC 7946: longitude first, exterior rings counter-clockwise; area as stated.
        x0, y0, x1, y1 = geom.bounds
        assert abs(0.5 * (x0 + x1) - LON0) < 0.2 and abs(0.5 * (y0 + y1) - LAT0) < 0.2
        assert all(shapely.is_ccw(p.exterior) for p in shapely.get_parts(geom))
        area, _ = GEOD.geometry_area_perimeter(geom)
        assert area / 1e6 == pytest.approx(props["area_km2"], rel=2e-3)
    assert ("detection", "all", None) in kinds and ("engagement", "92N6E", "9M96E2") in kinds

    # Two batteries on the same site: their overlap is the whole area of either.
    with (out / "compare.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    area = {
        (r["kind"], r["alt_m"], r["battery"]): float(r["area_km2"]) for r in rows if r["measure"] == "area"
    }
    overlaps = [r for r in rows if r["measure"] == "overlap"]
    assert len(overlaps) == 4  # 2 kinds x 2 altitudes x 1 pair
    for r in overlaps:
        assert (r["battery"], r["other"]) == ("site-a", "site-b")
        assert float(r["area_km2"]) == pytest.approx(area[(r["kind"], r["alt_m"], "site-a")], rel=1e-9)
        assert area[(r["kind"], r["alt_m"], "site-b")] == area[(r["kind"], r["alt_m"], "site-a")]
        assert float(r["area_km2"]) > 0
    assert "site-a ∩ site-b" in stdout


def test_cli_bad_dem_is_exit_2_with_a_message_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.yaml"
    missing.write_text(scenario_text("nowhere.tif", battery("b")))
    code, _, err = run_cli(monkeypatch, capsys, "coverage", str(missing), "-o", str(tmp_path / "o1"))
    assert code == 2
    assert "environment.terrain: terrain file not found" in err and "nowhere.tif" in err

    (tmp_path / "text.tif").write_text("this is not a raster\n")
    text = tmp_path / "text.yaml"
    text.write_text(scenario_text("text.tif", battery("b")))
    code, _, err = run_cli(monkeypatch, capsys, "coverage", str(text), "-o", str(tmp_path / "o2"))
    assert code == 2
    assert err.strip().count("\n") == 0, err  # one line
    assert "text.tif" in err and "GeoTIFF" in err and "Traceback" not in err

    from PIL import Image

    Image.fromarray(np.zeros((4, 4), dtype=np.uint8)).save(tmp_path / "picture.png")
    png = tmp_path / "png.yaml"
    png.write_text(scenario_text("picture.png", battery("b")))
    code, _, err = run_cli(monkeypatch, capsys, "coverage", str(png), "-o", str(tmp_path / "o3"))
    assert code == 2
    assert "picture.png" in err and "not a GeoTIFF" in err
    assert (
        not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists() and not (tmp_path / "o3").exists()
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--alt-m", "-5"), "--alt-m"),
        (("--alt-m", "50", "-5"), "--alt-m"),
        (("--rcs-m2", "0"), "--rcs-m2: must be > 0"),
        (("--pd", "1.5"), "--pd: must be between 0 and 1"),
        (("--pd", "0"), "--pd: must be between 0 and 1"),
        (("--swerling", "2"), "--swerling"),
        (("--alt-m", "50", "--bogus"), "no such option: --bogus"),
    ],
)
def test_cli_bad_options_are_exit_2(
    args: tuple[str, ...],
    message: str,
    flat_scenario: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run_cli(
        monkeypatch, capsys, "coverage", str(flat_scenario), "-o", str(tmp_path / "o"), *args
    )
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_api_rejects_bad_options(flat_scenario: Path) -> None:
    for kwargs in ({"alt_m": (-1.0,)}, {"rcs_m2": -1.0}, {"pd_threshold": 1.0}, {"swerling": 4}):
        with pytest.raises(ValueError):
            coverage(flat_scenario, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------
# Aspect and band: coverage for a catalog target type


def _one_radar_scenario(radar: str) -> str:
    from tests.conftest import one_battery_scenario

    threat = (
        "  - id: t\n    type: F-35A\n    route:\n      - {east_m: 0, north_m: 100000, up_m: 5000}\n"
        "      - {east_m: 0, north_m: 90000, up_m: 5000}\n"
    )
    return one_battery_scenario(threat, radars=f"{{type: {radar}, mast_m: 8}}", duration_s=100.0)


@pytest.mark.parametrize(("aspect", "rcs_m2"), [("nose", 0.005), ("beam", 1.0), (150.0, 0.05)])
def test_coverage_for_a_target_reads_its_table_and_scales_as_the_fourth_root(
    aspect: str | float, rcs_m2: float
) -> None:
    from samsim import loads

    res = coverage(
        loads(_one_radar_scenario("92N6E")), alt_m=[5000.0], target="F-35A", aspect=aspect, az_step_deg=5.0
    )
    assert res.rcs_of("b", "92N6E") == pytest.approx(rcs_m2, rel=1e-9)  # X band, from the table
    prof = res.profiles[0]
    spec = catalog.radar("92N6E")
    slant = spec.ref_range_m * (rcs_m2 / spec.ref_rcs_m2) ** 0.25
    a, h1, h2 = K * RE_M, prof.antenna_height_m, 5000.0
    d = 2 * a * math.asin(math.sqrt((slant**2 - (h2 - h1) ** 2) / (4 * (a + h1) * (a + h2))))
    assert prof.contour_ground_range_m(h2) == pytest.approx(d, rel=0.005)


def test_worst_and_best_aspect_envelopes_bracket_every_aspect() -> None:
    from samsim import loads

    sc = loads(_one_radar_scenario("RLM-M"))
    area = {}
    for aspect in ("worst", "nose", "beam", "best"):
        res = coverage(sc, alt_m=[9000.0], target="F-35A", aspect=aspect, az_step_deg=5.0)
        area[aspect] = next(f.area_km2 for f in res.footprints if f.radar == "RLM-M")
        if aspect == "worst":
            assert res.rcs_of("b", "RLM-M") == pytest.approx(0.5)  # smallest VHF value of the table
            assert res.rcs_text == "F-35A, worst aspect"
    assert 0.0 < area["worst"] <= area["nose"] < area["beam"] <= area["best"]
    with pytest.raises(ValueError, match="unknown threat type"):
        coverage(sc, alt_m=[9000.0], target="F-99")


def test_target_rcs_is_the_coverage_rcs_per_band_for_viewers() -> None:
    """:func:`samsim.coverage.target_rcs_m2`, which the web replay sizes its domes with, gives what
    ``coverage(target=...)`` uses: the table in the radar's band, or the fixed RCS without a table."""
    from samsim import loads
    from samsim.coverage import aspect_problem, target_rcs_m2

    f35 = catalog.threat("F-35A")
    for radar, ghz in (("92N6E", 10.0), ("RLM-M", 0.17), ("1L119", 0.17)):
        assert catalog.radar(radar).frequency_ghz == ghz
        res = coverage(loads(_one_radar_scenario(radar)), alt_m=[5000.0], target="F-35A", aspect="tail")
        assert target_rcs_m2(f35.rcs_table, f35.rcs_m2, ghz, "tail") == res.rcs_of("b", radar)
    assert target_rcs_m2(None, 2.5, 0.17, "worst") == 2.5
    assert aspect_problem("beam") is None and aspect_problem(12.5) is None
    assert "must be degrees" in str(aspect_problem("side")) and "360" in str(aspect_problem(-1.0))
