"""Tests of samsim.models.terrain against hand-computed values and closed-form geometry."""

from __future__ import annotations

import math
import pickle
from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine
from pyproj import Geod, Transformer

from samsim.constants import MEAN_EARTH_RADIUS_M
from samsim.models import terrain as T
from samsim.models.terrain import (
    Dem,
    TerrainError,
    flat_dem,
    line_of_sight_clear,
    ray_visibility,
    read_dem,
    ridge_dem,
    sample_height_m,
    synthetic_dem,
    viewshed,
    write_dem,
)

GEOD = Geod(ellps="WGS84")
K = 4.0 / 3.0
A_EFF = K * MEAN_EARTH_RADIUS_M  # effective earth radius, m
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "terrain" / "anatolia-synthetic.tif"


def grid_to_lonlat(
    dem: Dem, col: np.ndarray | float, row: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 lon/lat of continuous pixel positions of a DEM."""
    x, y = dem.transform @ (np.asarray(col, float), np.asarray(row, float))
    lon, lat = Transformer.from_crs(dem.crs, "EPSG:4326", always_xy=True).transform(x, y)
    return np.asarray(lon), np.asarray(lat)


def horizon_m(h1: float, h2: float) -> float:
    return math.sqrt(2 * A_EFF * h1) + math.sqrt(2 * A_EFF * h2)


# ---------------------------------------------------------------------------------------------- sampling


def small_dem() -> Dem:
    heights = np.array([[0.0, 10.0, 20.0], [30.0, 40.0, 50.0], [60.0, 70.0, 80.0]])
    return Dem(heights, Affine(100.0, 0.0, 500_000.0, 0.0, -100.0, 4_400_000.0), "EPSG:32636")


@pytest.mark.parametrize(
    ("col", "row", "expected"),
    [
        (0.5, 0.5, 0.0),  # a cell centre returns the cell's value
        (2.5, 2.5, 80.0),
        (1.0, 1.0, 20.0),  # mean of the four cells 0, 10, 30, 40
        # x = 0.75, y = 1.25: rows 30/40 and 60/70; (30*.25 + 40*.75)*.75 + (60*.25 + 70*.75)*.25 = 45
        (1.25, 1.75, 45.0),
        (2.0, 0.5, 15.0),  # halfway between 10 and 20 on the top row
        (0.2, 1.5, 30.0),  # between the raster edge and the first centre: flat
        (2.999, 2.999, 80.0),  # at the raster's corner
    ],
)
def test_bilinear_hand_values(col: float, row: float, expected: float) -> None:
    dem = small_dem()
    lon, lat = grid_to_lonlat(dem, col, row)
    assert sample_height_m(dem, lon, lat) == pytest.approx(expected, abs=1e-6)


def test_sample_outside_is_nan_and_shape_is_kept() -> None:
    dem = small_dem()
    lon, lat = grid_to_lonlat(dem, np.array([[1.0, -0.1], [3.2, 1.5]]), np.array([[1.0, 1.0], [1.0, 3.01]]))
    h = sample_height_m(dem, lon, lat)
    assert h.shape == (2, 2)
    assert h[0, 0] == pytest.approx(20.0, abs=1e-6)
    assert np.isnan(h[0, 1]) and np.isnan(h[1, 0]) and np.isnan(h[1, 1])


def test_bilinear_reproduces_a_plane() -> None:
    # Bilinear interpolation is exact for z = a + b x + c y (closed form), at any interior point.
    ny, nx = 40, 50
    rows, cols = np.mgrid[0:ny, 0:nx]
    heights = 200.0 + 3.0 * (cols + 0.5) - 1.5 * (rows + 0.5)
    dem = Dem(heights, Affine(30.0, 0.0, 480_000.0, 0.0, -30.0, 4_420_000.0), "EPSG:32636")
    rng = np.random.default_rng(3)
    col = rng.uniform(0.5, nx - 0.5, 200)
    row = rng.uniform(0.5, ny - 0.5, 200)
    lon, lat = grid_to_lonlat(dem, col, row)
    np.testing.assert_allclose(sample_height_m(dem, lon, lat), 200.0 + 3.0 * col - 1.5 * row, atol=1e-6)


# ---------------------------------------------------------------------------------------------- horizon


@pytest.mark.parametrize("h_target_m", [50.0, 10_000.0])
@pytest.mark.parametrize("dem_extent", ["covers", "small"])
def test_flat_sea_horizon_is_the_four_thirds_earth_horizon(h_target_m: float, dem_extent: str) -> None:
    # A DEM 1000 km across at 1 km cells (the march over terrain), or 20 km across (the analytic
    # sea-level test off the raster): both must give sqrt(2 k Re h1) + sqrt(2 k Re h2).
    h_obs = 25.0
    dem = flat_dem((1000, 1000), 1000.0) if dem_extent == "covers" else flat_dem((20, 20), 1000.0)
    lon0, lat0 = dem.center_lon_lat_deg
    expected = horizon_m(h_obs, h_target_m)
    ranges = expected * np.linspace(0.95, 1.05, 201)
    lon, lat, _ = GEOD.fwd(
        np.full(ranges.size, lon0), np.full(ranges.size, lat0), np.full(ranges.size, 63.0), ranges
    )
    clear = line_of_sight_clear(dem, lon0, lat0, h_obs, lon, lat, h_target_m, K)
    assert clear[0] and not clear[-1]
    boundary = ranges[np.flatnonzero(clear)[-1]]
    assert abs(boundary / expected - 1.0) < 0.01
    assert np.all(clear[ranges < boundary])  # one transition only

    vis = ray_visibility(dem, lon0, lat0, h_obs, np.radians([63.0, 200.0]), ranges, h_target_m, agl=False)
    for a in range(2):
        assert abs(ranges[np.flatnonzero(vis[a])[-1]] / expected - 1.0) < 0.01


def test_agl_target_over_flat_plateau() -> None:
    # On a 900 m plateau a target 50 m AGL seen from a 25 m mast: the same horizon as over the sea.
    dem = flat_dem((400, 400), 500.0, height_m=900.0)
    lon0, lat0 = dem.center_lon_lat_deg
    expected = horizon_m(25.0, 50.0)
    ranges = expected * np.linspace(0.97, 1.03, 121)
    vis = ray_visibility(dem, lon0, lat0, 925.0, np.radians([10.0, 100.0, 280.0]), ranges, 50.0, agl=True)
    for a in range(3):
        assert abs(ranges[np.flatnonzero(vis[a])[-1]] / expected - 1.0) < 0.005


# ---------------------------------------------------------------------------------------------- ridge


RIDGE_H = 300.0
RADAR_H = 30.0
CELL = 50.0


def ridge_case(crs: str = "auto UTM") -> Dem:
    # 30 km x 10 km, ridge crest 300 m high from 25 m to 175 m east of the centre (cell centres),
    # flanks one cell wide.
    return ridge_dem(
        (200, 600), CELL, ridge_east_m=25.0, ridge_height_m=RIDGE_H, crest_width_m=150.0, crs=crs
    )


def row_point(dem: Dem, east_m: float) -> tuple[float, float]:
    """Lon/lat of the point ``east_m`` east of the grid centre on the middle row's cell centres."""
    ny, nx = dem.shape
    lon, lat = grid_to_lonlat(dem, nx / 2.0 + east_m / CELL, ny / 2.0 + 0.5)
    return float(lon), float(lat)


def geodesic_m(p: tuple[float, float], q: tuple[float, float]) -> float:
    return float(GEOD.inv(p[0], p[1], q[0], q[1])[2])


def min_visible_alt_m(d: float, s_crest: float) -> float:
    """Lowest target altitude at distance d whose sight line clears a crest point at distance s_crest."""
    crest = RIDGE_H - s_crest**2 / (2 * A_EFF)
    return RADAR_H + (crest - RADAR_H) * d / s_crest + d**2 / (2 * A_EFF)


def test_ridge_shadow_altitude_matches_closed_form() -> None:
    dem = ridge_case()
    radar = row_point(dem, -9975.0)  # 10 km west of the crest's west edge
    s1 = geodesic_m(radar, row_point(dem, 25.0))
    step = 0.5 * CELL
    for east in (2_025.0, 5_025.0, 12_025.0):
        tgt = row_point(dem, east)
        d = geodesic_m(radar, tgt)
        # The sight line grazes the crest's near edge; sampling puts the grazing point within one
        # step past it, so the boundary lies in [h(s1 + step), h(s1)].
        h_hi = min_visible_alt_m(d, s1)
        h_lo = min_visible_alt_m(d, s1 + step)
        alts = np.linspace(h_lo - 20.0, h_hi + 20.0, 801)
        clear = line_of_sight_clear(dem, radar[0], radar[1], RADAR_H, tgt[0], tgt[1], alts, K)
        first = alts[np.argmax(clear)]
        assert not clear[0] and clear[-1] and np.all(clear[alts >= first])
        assert h_lo - 0.06 <= first <= h_hi + 0.06, (east, first, h_lo, h_hi)
        assert h_hi - h_lo < 0.01 * h_hi  # the bracket itself is tight


def test_ridge_shadow_range_matches_closed_form() -> None:
    # A target at 600 m MSL behind the ridge is visible near it and masked beyond the range where
    # the grazing line over the crest (rising) meets the target's lowered height.
    dem = ridge_case()
    radar = row_point(dem, -9975.0)
    s1 = geodesic_m(radar, row_point(dem, 25.0))
    h_t = 600.0

    def boundary(s_crest: float) -> float:
        slope = (RIDGE_H - s_crest**2 / (2 * A_EFF) - RADAR_H) / s_crest
        c2 = 1.0 / (2 * A_EFF)
        return (-slope + math.sqrt(slope**2 + 4 * c2 * (h_t - RADAR_H))) / (2 * c2)

    d_lo, d_hi = boundary(s1), boundary(s1 + 0.5 * CELL)  # a farther grazing point blocks less
    east = np.arange(1_025.0, 14_900.0, 10.0)
    pts = [row_point(dem, e) for e in east]
    lon = np.array([p[0] for p in pts])
    lat = np.array([p[1] for p in pts])
    d = np.array([geodesic_m(radar, p) for p in pts])
    # Where along the bracket the sampled grazing point falls varies with the target's distance, so
    # the transition may flicker inside [d_lo, d_hi], never outside it.
    clear = line_of_sight_clear(dem, radar[0], radar[1], RADAR_H, lon, lat, h_t, K)
    assert clear[d < d_lo - 10.0].all() and not clear[d > d_hi + 10.0].any()
    assert clear[d < d_lo - 10.0].size > 100 and clear[d > d_hi + 10.0].size > 100

    az = float(GEOD.inv(radar[0], radar[1], lon[-1], lat[-1])[0])
    vis = ray_visibility(dem, radar[0], radar[1], RADAR_H, np.radians([az]), d, h_t, agl=False)[0]
    assert vis[d < d_lo - 10.0].all() and not vis[d > d_hi + 10.0].any()


def test_low_target_behind_ridge_is_masked_and_in_front_is_not() -> None:
    dem = ridge_case()
    radar = row_point(dem, -9975.0)
    east = np.array([-5_000.0, -1_000.0, 500.0, 3_000.0, 10_000.0])
    pts = [row_point(dem, e) for e in east]
    clear = line_of_sight_clear(
        dem, radar[0], radar[1], RADAR_H, [p[0] for p in pts], [p[1] for p in pts], 100.0, K
    )
    np.testing.assert_array_equal(clear, [True, True, False, False, False])


def test_los_edge_cases() -> None:
    dem = flat_dem((50, 50), 100.0)
    lon0, lat0 = dem.center_lon_lat_deg
    clear = line_of_sight_clear(dem, lon0, lat0, 10.0, [lon0 + 0.01, np.nan, lon0], [lat0, lat0, lat0], 10.0)
    np.testing.assert_array_equal(clear, [True, False, True])  # no position: not seen; co-located: seen
    assert line_of_sight_clear(dem, lon0, lat0, 10.0, [], [], []).shape == (0,)
    with pytest.raises(ValueError, match="refraction_k"):
        line_of_sight_clear(dem, lon0, lat0, 10.0, lon0 + 0.01, lat0, 10.0, refraction_k=0.0)


def test_dem_is_immutable_and_pickles() -> None:
    dem = synthetic_dem((40, 40), 30.0, seed=1)
    with pytest.raises(ValueError):
        dem.heights_m[0, 0] = 1.0
    back = pickle.loads(pickle.dumps(dem))
    assert not back.heights_m.flags.writeable and back.crs == dem.crs
    np.testing.assert_array_equal(back.heights_m, dem.heights_m)
    with pytest.raises(TerrainError, match="CRS"):
        Dem(np.zeros((2, 2)), Affine.identity(), "not a crs")


# ---------------------------------------------------------------------------------------------- CRS


def to_geographic(dem: Dem, cell_m: float, shape: tuple[int, int]) -> Dem:
    """The same terrain resampled onto an EPSG:4326 grid (bilinear at the new cell centres)."""
    lon0, lat0 = dem.center_lon_lat_deg
    geo = flat_dem(shape, cell_m, center_lon_deg=lon0, center_lat_deg=lat0, crs="EPSG:4326")
    rows, cols = np.mgrid[0 : shape[0], 0 : shape[1]]
    lon, lat = geo.transform @ (cols + 0.5, rows + 0.5)
    return Dem(np.nan_to_num(sample_height_m(dem, lon, lat)), geo.transform, geo.crs)


def test_geographic_dem_gives_the_projected_answer() -> None:
    utm = ridge_case()
    geo = to_geographic(utm, 10.0, (960, 2900))  # finer cells keep the resampled ridge's shape
    assert geo.is_geographic and not utm.is_geographic
    radar = row_point(utm, -9975.0)
    for east in (2_025.0, 12_025.0):
        tgt = row_point(utm, east)
        alts = np.linspace(300.0, 1500.0, 1201)
        first = [
            alts[np.argmax(line_of_sight_clear(dem, radar[0], radar[1], RADAR_H, tgt[0], tgt[1], alts, K))]
            for dem in (utm, geo)
        ]
        assert abs(first[1] / first[0] - 1.0) < 0.01, first

    terrain = synthetic_dem((150, 150), 60.0, seed=5)
    geo_terrain = to_geographic(terrain, 30.0, (300, 300))
    lon0, lat0 = terrain.center_lon_lat_deg
    rng = np.random.default_rng(11)
    lon, lat, _ = GEOD.fwd(
        np.full(1000, lon0), np.full(1000, lat0), rng.uniform(0, 360, 1000), rng.uniform(300, 4_000, 1000)
    )
    alt = sample_height_m(terrain, lon, lat) + 30.0
    obs = float(sample_height_m(terrain, lon0, lat0)) + 25.0
    a = line_of_sight_clear(terrain, lon0, lat0, obs, lon, lat, alt)
    b = line_of_sight_clear(geo_terrain, lon0, lat0, obs, lon, lat, alt)
    assert 0.1 < a.mean() < 0.9
    # Resampling alone moves grazing cases: a UTM-to-UTM resample agrees to the same ~98 %.
    assert (a == b).mean() >= 0.965


# ---------------------------------------------------------------------------------------------- viewshed


def test_viewshed_flat_sea_is_a_horizon_disk() -> None:
    dem = flat_dem((401, 401), 250.0)
    x, y = dem.transform @ (200.5, 200.5)
    vis = viewshed(dem, x, y, 25.0, 50.0, K)
    rows, cols = np.mgrid[0:401, 0:401]
    d = dem.cell_size_m[0] * np.hypot(rows - 200, cols - 200)  # ground metres (UTM scale ~0.9996)
    r_h = horizon_m(25.0, 50.0)
    assert vis[d < 0.99 * r_h].all()
    assert not vis[d > 1.01 * r_h].any()
    limited = viewshed(dem, x, y, 25.0, 50.0, K, max_distance_m=20_000.0)
    assert limited[d <= 20_000.0].all() and not limited[d > 20_000.0].any()
    assert limited.sum() == pytest.approx(math.pi * (20_000.0 / dem.cell_size_m[0]) ** 2, rel=0.01)


def test_viewshed_agrees_with_line_of_sight() -> None:
    dem = synthetic_dem((201, 201), 30.0, seed=2)
    x, y = dem.transform @ (100.5, 100.5)
    oz, tz = 25.0, 50.0
    vis = viewshed(dem, x, y, oz, tz, K)
    lon0, lat0 = grid_to_lonlat(dem, 100.5, 100.5)
    obs = float(dem.heights_m[100, 100]) + oz
    rng = np.random.default_rng(8)
    rows = rng.integers(0, 201, 1500)
    cols = rng.integers(0, 201, 1500)
    lon, lat = grid_to_lonlat(dem, cols + 0.5, rows + 0.5)
    alt = dem.heights_m[rows, cols] + tz
    los = line_of_sight_clear(dem, float(lon0), float(lat0), obs, lon, lat, alt, K)
    assert 0.2 < los.mean() < 0.9
    assert (los == vis[rows, cols]).mean() >= 0.97

    # And on the ridge, cell by cell along the radar's row: in front visible, behind masked.
    ridge = ridge_case()
    ny, nx = ridge.shape
    xr, yr = ridge.transform @ (100.5, ny / 2 + 0.5)
    row = viewshed(ridge, xr, yr, RADAR_H, 100.0, K)[ny // 2]
    assert row[101:300].all() and not row[305:].any()


def row_by_row_viewshed(
    heights: np.ndarray,
    obs_row: int,
    obs_col: int,
    observer_m: float,
    target_m: float,
    inv_2ka: float,
    metric: np.ndarray,
    max_distance_m: float,
) -> np.ndarray:
    """The reference-plane recurrence (Wang, Robinson & White 2000, "edge" variant) cell by cell, in
    plain Python, row by row outwards from the observer's row: the textbook order."""
    ny, nx = heights.shape
    dr, dc = np.mgrid[0:ny, 0:nx]
    dr, dc = dr - obs_row, dc - obs_col
    east = metric[0, 0] * dc + metric[0, 1] * dr
    north = metric[1, 0] * dc + metric[1, 1] * dr
    d2 = east * east + north * north
    low = np.nan_to_num(heights, nan=0.0) - d2 * inv_2ka
    ok = d2 <= max_distance_m * max_distance_m
    g0 = float(np.nan_to_num(heights[obs_row, obs_col], nan=0.0))
    z_obs = g0 + observer_m
    s = np.full((ny, nx), np.nan)
    vis = np.zeros((ny, nx), dtype=bool)
    s[obs_row, obs_col] = g0
    vis[obs_row, obs_col] = True

    def line(n: int, prev: float) -> float:
        return prev if n == 1 else prev + (prev - z_obs) / (n - 1)

    def put(i: int, j: int, zl: float) -> None:
        vis[i, j] = bool(ok[i, j] and low[i, j] + target_m >= zl)
        s[i, j] = max(low[i, j], zl)

    for sc in (-1, 1):
        for m in range(1, nx):
            j = obs_col + sc * m
            if not 0 <= j < nx:
                break
            if m == 1:
                vis[obs_row, j], s[obs_row, j] = ok[obs_row, j], low[obs_row, j]
            else:
                put(obs_row, j, line(m, s[obs_row, j - sc]))
    for sr in (-1, 1):
        for k in range(1, ny):
            i = obs_row + sr * k
            if not 0 <= i < ny:
                break
            put(i, obs_col, line(k, s[i - sr, obs_col]))
            for sc in (-1, 1):
                for m in range(1, nx):
                    j = obs_col + sc * m
                    if not 0 <= j < nx:
                        break
                    diag = s[i - sr, j - sc] - z_obs
                    if m == k:
                        zl = line(m, s[i - sr, j - sc])
                    elif m > k:
                        zl = (diag * k + (s[i, j - sc] - z_obs) * (m - k)) / (m - 1) + z_obs
                    else:
                        zl = (diag * m + (s[i - sr, j] - z_obs) * (k - m)) / (k - 1) + z_obs
                    put(i, j, zl)
    return vis


@pytest.mark.parametrize(
    ("shape", "obs"),
    [((23, 31), (11, 15)), ((31, 23), (4, 19)), ((29, 29), (0, 0)), ((29, 29), (28, 0)), ((29, 29), (0, 28)),
     ((29, 29), (28, 28)), ((17, 40), (16, 3)), ((1, 17), (0, 5)), ((17, 1), (9, 0)), ((1, 1), (0, 0)),
     ((90, 70), (45, 20))],
)  # fmt: skip
def test_viewshed_kernel_equals_row_by_row_recurrence(shape: tuple[int, int], obs: tuple[int, int]) -> None:
    """The ring-by-ring kernel does every cell's arithmetic as the row-by-row sweep does: equal bit for
    bit, on rough terrain with no-data holes, a skewed cell metric, strong curvature and a range cap."""
    rng = np.random.default_rng(shape[0] * 100 + obs[1])
    heights = synthetic_dem((max(shape[0], 8), max(shape[1], 8)), 30.0, seed=3).heights_m[
        : shape[0], : shape[1]
    ]
    heights = heights + rng.normal(0.0, 20.0, shape)
    heights[rng.random(shape) < 0.05] = np.nan
    cases = [
        (np.array([[30.0, 0.0], [0.0, -30.0]]), 1.0 / (2.0 * A_EFF), math.inf),
        (np.array([[27.0, 9.5], [-6.0, -31.0]]), 2e-4, 500.0),
    ]
    for metric, inv_2ka, max_d in cases:
        for oz, tz in ((25.0, 50.0), (2.0, 0.0)):
            args = (heights, obs[0], obs[1], oz, tz, inv_2ka, metric, max_d)
            got = T._k.viewshed_reference_planes(*args)
            want = row_by_row_viewshed(*args)
            assert got.dtype == np.bool_
            np.testing.assert_array_equal(got, want)
            if heights.size > 100 and max_d == math.inf:
                assert 5 < want.sum() < want.size - 5  # both outcomes occur: masking happens


def test_viewshed_observer_outside_raises() -> None:
    dem = small_dem()
    with pytest.raises(TerrainError, match="outside the DEM"):
        viewshed(dem, 0.0, 0.0, 10.0, 10.0)


# ---------------------------------------------------------------------------------------------- sweep


def test_ray_visibility_agrees_with_line_of_sight() -> None:
    dem = synthetic_dem((300, 300), 30.0, seed=4)
    lon0, lat0 = dem.center_lon_lat_deg
    obs = float(sample_height_m(dem, lon0, lat0)) + 25.0
    az = np.radians(np.arange(0.0, 360.0, 5.0))
    ranges = np.linspace(200.0, 4_400.0, 60)[::-1]  # any order
    vis = ray_visibility(dem, lon0, lat0, obs, az, ranges, 50.0, agl=True)
    assert vis.shape == (72, 60)
    a, r = np.meshgrid(np.degrees(az), ranges, indexing="ij")
    lon, lat, _ = GEOD.fwd(np.full(a.size, lon0), np.full(a.size, lat0), a.ravel(), r.ravel())
    los = line_of_sight_clear(dem, lon0, lat0, obs, lon, lat, sample_height_m(dem, lon, lat) + 50.0)
    assert 0.1 < vis.mean() < 0.9
    assert (los.reshape(a.shape) == vis).mean() >= 0.99


# ---------------------------------------------------------------------------------------------- I/O


def test_write_read_round_trip(tmp_path: Path) -> None:
    dem = synthetic_dem((64, 80), 30.0, seed=9)
    heights = dem.heights_m.copy()
    heights[3, 4] = np.nan
    dem = Dem(heights, dem.transform, dem.crs)
    path = tmp_path / "dem.tif"
    write_dem(path, dem)
    back = read_dem(path)
    assert back.shape == (64, 80)
    assert back.crs == dem.crs == "EPSG:32636"
    assert back.transform.almost_equals(dem.transform, precision=1e-9)
    assert np.isnan(back.heights_m[3, 4]) and np.isfinite(back.heights_m).sum() == 64 * 80 - 1
    np.testing.assert_array_equal(back.heights_m, heights.astype(np.float32).astype(np.float64))
    assert back.nodata == -32768.0


def test_read_geographic_dem(tmp_path: Path) -> None:
    dem = flat_dem((20, 30), 100.0, height_m=812.0, crs="EPSG:4326")
    write_dem(tmp_path / "geo.tif", dem)
    back = read_dem(tmp_path / "geo.tif")
    assert back.crs == "EPSG:4326" and back.is_geographic
    lon0, lat0 = back.center_lon_lat_deg
    assert (lon0, lat0) == pytest.approx((32.8, 39.9), abs=1e-9)
    assert sample_height_m(back, lon0, lat0) == pytest.approx(812.0)
    col_m, row_m = back.cell_size_m
    assert col_m == pytest.approx(100.0, rel=1e-9) and row_m == pytest.approx(100.0, rel=1e-9)


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_read_errors(tmp_path: Path) -> None:
    with pytest.raises(TerrainError, match="not found"):
        read_dem(tmp_path / "missing.tif")

    text = tmp_path / "notes.tif"
    text.write_text("this is not a raster\n")
    with pytest.raises(TerrainError, match="not readable as a GeoTIFF") as info:
        read_dem(text)
    assert "\n" not in str(info.value)

    png = tmp_path / "picture.png"
    with rasterio.open(png, "w", driver="PNG", width=4, height=4, count=1, dtype="uint8") as dst:
        dst.write(np.zeros((4, 4), np.uint8), 1)
    with pytest.raises(TerrainError, match="not a GeoTIFF"):
        read_dem(png)

    no_crs = tmp_path / "nocrs.tif"
    with rasterio.open(no_crs, "w", driver="GTiff", width=4, height=4, count=1, dtype="float32") as dst:
        dst.write(np.ones((4, 4), np.float32), 1)
    with pytest.raises(TerrainError, match="no CRS"):
        read_dem(no_crs)

    empty = tmp_path / "empty.tif"
    profile = dict(
        driver="GTiff", width=4, height=4, count=1, dtype="float32", crs="EPSG:32636", nodata=-9999.0
    )
    with rasterio.open(empty, "w", transform=Affine(30, 0, 5e5, 0, -30, 4.4e6), **profile) as dst:
        dst.write(np.full((4, 4), -9999.0, np.float32), 1)
    with pytest.raises(TerrainError, match="no-data"):
        read_dem(empty)

    with pytest.raises(TerrainError, match="not a file"):
        read_dem(tmp_path)


# ---------------------------------------------------------------------------------------------- synthetic


def test_synthetic_dem_is_seeded_scaled_and_georeferenced() -> None:
    a = synthetic_dem((256, 256), 30.0, seed=7, base_height_m=900.0, relief_m=800.0)
    b = synthetic_dem((256, 256), 30.0, seed=7, base_height_m=900.0, relief_m=800.0)
    c = synthetic_dem((256, 256), 30.0, seed=8, base_height_m=900.0, relief_m=800.0)
    np.testing.assert_array_equal(a.heights_m, b.heights_m)
    assert not np.array_equal(a.heights_m, c.heights_m)
    assert a.heights_m.mean() == pytest.approx(900.0, abs=1e-6)
    lo, hi = np.percentile(a.heights_m, [1, 99])
    assert hi - lo == pytest.approx(800.0, rel=1e-9)
    assert a.crs == "EPSG:32636"  # UTM zone 36N for 32.8 E
    assert a.center_lon_lat_deg == pytest.approx((32.8, 39.9), abs=1e-9)
    assert a.cell_size_m == pytest.approx((30.0, 30.0), rel=2e-3)  # ground metres: UTM scale ~0.9996
    south = synthetic_dem((32, 32), 30.0, seed=1, center_lon_deg=-70.6, center_lat_deg=-33.4)
    assert south.crs == "EPSG:32719"


def test_shipped_example_is_the_generator_output() -> None:
    assert EXAMPLE.exists(), "examples/terrain/anatolia-synthetic.tif is missing: run regenerate.py"
    assert EXAMPLE.stat().st_size < 2_000_000
    shipped = read_dem(EXAMPLE)
    fresh = T.anatolia_example_dem()
    assert shipped.shape == (1000, 1000) and shipped.crs == "EPSG:32636"
    assert shipped.cell_size_m == pytest.approx((300.0, 300.0), rel=2e-3)
    np.testing.assert_array_equal(shipped.heights_m, fresh.heights_m)
    assert 800.0 < float(np.mean(shipped.heights_m)) < 1000.0
