"""The compiled bookkeeping of a radar's scans gives what the NumPy formulation it replaced gives."""

from __future__ import annotations

import numpy as np
import pytest

from samsim.sim import _sensing_kernels as kernels


def _pairs_numpy(
    times: np.ndarray, start: np.ndarray, end: np.ndarray, leak: np.ndarray, killed: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    gone = np.minimum(np.minimum(end, leak), killed)
    active = (times[:, None] >= start[None, :]) & (times[:, None] < gone[None, :])
    scan, thr = np.nonzero(active)
    return scan, thr, gone


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_scan_pairs_matches_the_mask(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_thr = 60
    start = rng.uniform(0.0, 100.0, n_thr)
    end = start + rng.uniform(0.0, 80.0, n_thr)
    leak = np.where(rng.random(n_thr) < 0.3, start + rng.uniform(0.0, 50.0, n_thr), np.inf)
    killed = np.where(rng.random(n_thr) < 0.3, start + rng.uniform(0.0, 60.0, n_thr), np.inf)
    killed[3] = np.nan  # NumPy's minimum: a NaN wins, and the threat is in no pair
    end[5] = start[5]  # gone as it starts: in no pair
    times = np.sort(rng.uniform(20.0, 90.0, 7))
    times[2] = start[7]  # in the air from its start on
    scan, thr, gone = kernels.scan_pairs(times, start, end, leak, killed)
    want_scan, want_thr, want_gone = _pairs_numpy(times, start, end, leak, killed)
    np.testing.assert_array_equal(scan, want_scan)
    np.testing.assert_array_equal(thr, want_thr)
    np.testing.assert_array_equal(gone, want_gone)
    assert 7 in thr[scan == 2].tolist() and 5 not in thr.tolist() and 3 not in thr.tolist()


def test_scan_pairs_without_scans() -> None:
    start = np.array([0.0, 5.0])
    scan, thr, gone = kernels.scan_pairs(np.zeros(0), start, start + 10.0, np.full(2, np.inf), start + 3.0)
    assert scan.size == thr.size == 0
    np.testing.assert_array_equal(gone, start + 3.0)


def test_merge_is_a_stable_sort_by_scan() -> None:
    rng = np.random.default_rng(4)
    n_scan = 6
    det_scan = np.sort(rng.integers(0, n_scan, 15))
    fa_scan = np.repeat(np.arange(n_scan), rng.poisson(1.0, n_scan))
    det = [rng.normal(size=det_scan.size) for _ in range(3)]
    fa = [rng.normal(size=fa_scan.size) for _ in range(3)]
    truth = rng.integers(0, 40, det_scan.size)
    snr = rng.normal(size=det_scan.size + fa_scan.size)
    offsets, got_truth, rng_m, az, el, got_snr = kernels.merge_measurements(
        n_scan, det_scan, truth, *det, fa_scan, *fa, snr
    )
    all_scan = np.concatenate([det_scan, fa_scan])
    order = np.argsort(all_scan, kind="stable")
    np.testing.assert_array_equal(got_truth, np.concatenate([truth, np.full(fa_scan.size, -1)])[order])
    for got, d, f in zip((rng_m, az, el), det, fa, strict=True):
        np.testing.assert_array_equal(got, np.concatenate([d, f])[order])
    np.testing.assert_array_equal(got_snr, snr[order])
    np.testing.assert_array_equal(
        offsets, np.concatenate([[0], np.cumsum(np.bincount(all_scan, minlength=n_scan))])
    )


def test_coverage_and_horizon_compiled_match_the_model_functions() -> None:
    """sensing._covered_and_over's compiled passes give radar.in_coverage & horizon.above_horizon of
    horizon.arc_from_slant_m, look for look, with looks on the horizon (where the bracket cannot tell
    and the arc tangent decides), outside the limits, below the surface and of unknown height."""
    from pathlib import Path

    from samsim import load
    from samsim.constants import MEAN_EARTH_RADIUS_M
    from samsim.models import horizon, radar
    from samsim.sim import sensing
    from samsim.sim.world import compile_world

    world = compile_world(load(Path(__file__).resolve().parents[2] / "examples" / "raid-48.yaml"))
    battery = world.batteries[0]
    rng = np.random.default_rng(4)
    n_close = 0
    for k in range(len(battery.radars.specs)):
        geom = sensing.radar_geometry(world, battery, k)
        spec, h1, kf = geom.spec, geom.antenna_height_m, geom.refraction_k
        n = 400
        h2 = rng.uniform(-50.0, 25e3, n)
        h2[:4] = [np.nan, -10.0, 0.0, 1e5]
        # ground ranges around the horizon limit (half of them on it to the last digits), slant ranges
        # on the true sphere from them (arc_from_slant_m's inverse)
        limit = horizon.horizon_ground_range_m(h1, np.maximum(h2, 0.0), kf)
        ground = limit * np.where(np.arange(n) % 2 == 0, 1.0, rng.uniform(0.2, 1.8, n))
        r1, r2 = MEAN_EARTH_RADIUS_M + h1, MEAN_EARTH_RADIUS_M + np.maximum(h2, 0.0)
        half = np.sin(ground / (2.0 * MEAN_EARTH_RADIUS_M))
        rho = np.sqrt((np.maximum(h2, 0.0) - h1) ** 2 + 4.0 * r1 * r2 * half * half)
        el = rng.uniform(-0.1, 1.6, n)
        got = sensing._covered_and_over(geom, rho, el, h2)
        inside = radar.in_coverage(
            rho,
            np.zeros(n),
            el,
            spec.max_range_m,
            np.radians(spec.min_elevation_deg),
            np.radians(spec.max_elevation_deg),
        )
        h2c = np.maximum(h2, 0.0)
        over = horizon.above_horizon(horizon.arc_from_slant_m(rho, h1, h2c), h1, h2c, kf)
        np.testing.assert_array_equal(got, inside & over)
        assert got.dtype == np.bool_ and got.any() and not got.all()
        arc = horizon.arc_from_slant_m(rho, h1, h2c)
        _, n_k = kernels.covered_and_over(
            np.arcsin(
                kernels.coverage_half_chords(rho, el, h2, 1e12, -10.0, 10.0, h1, MEAN_EARTH_RADIUS_M)[2]
            ),
            MEAN_EARTH_RADIUS_M,
            np.ones(n, dtype=np.bool_),
            float(horizon.horizon_central_angle_rad(h1, kf)),
            h2c,
            kf * MEAN_EARTH_RADIUS_M,
        )
        n_close += n_k
        assert np.isfinite(arc[4:]).all()
    assert n_close > 0  # the arc tangent's branch was taken
