"""The command post's compiled scan route (TrackPicture.step) gives the tracks and figures of the NumPy
route it replaces (TrackPicture._step_general: track_pd, measurement_pd, measurement_log_rcs): the same
tracks in view and the same decisions, the figures to the last bits by which the C library's
logarithms, exponentials and powers differ from NumPy's."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from samsim import loads
from samsim.sim import command_post, sensing
from samsim.sim.command_post import BatteryRuntime
from samsim.sim.world import compile_world

from .test_command_post import ALL_RADARS, inbound_f16


def _picture(swerling: int) -> BatteryRuntime:
    rt = BatteryRuntime(compile_world(loads(inbound_f16(ALL_RADARS))), 0)
    rt.geometry[:] = [
        dataclasses.replace(g, spec=dataclasses.replace(g.spec, swerling=swerling)) for g in rt.geometry
    ]
    return rt


def _scans(
    rt: BatteryRuntime, seed: int
) -> list[tuple[int, float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Scans of the battery's radars over 40 s: a few targets 20-200 km out crossing the coverage and
    false alarms, each with a received SNR and range as sensing gives them."""
    rng = np.random.default_rng(seed)
    start = rng.uniform(-200e3, 200e3, (6, 3)) * np.array([1.0, 1.0, 0.0]) + np.array([0.0, 0.0, 8000.0])
    vel = rng.uniform(-300.0, 300.0, (6, 3)) * np.array([1.0, 1.0, 0.0])
    scans = []
    for step in range(40):
        k = step % len(rt.geometry)
        t = 1.0 * step + 0.1 * k
        geom = rt.geometry[k]
        pos = start + vel * t
        pos = pos[rng.random(len(pos)) < (0.8 if step % 7 else 0.0)]  # every 7th scan sees nothing
        alarms = rng.uniform(-150e3, 150e3, (rng.integers(0, 4) if step % 7 else 0, 3)) * np.array(
            [1.0, 1.0, 0.05]
        )
        z = np.concatenate([pos, alarms]) + rng.normal(0.0, 50.0, (len(pos) + len(alarms), 3))
        range_m = np.linalg.norm(z - geom.enu_m, axis=1)
        snr_db = sensing.look_snr_db(geom.spec, range_m, np.full(len(z), 3.0)) + rng.exponential(3.0, len(z))
        cov = np.tile(np.eye(3) * 2500.0, (len(z), 1, 1))
        scans.append((k, t, z, cov, snr_db, range_m))
    return scans


@pytest.mark.parametrize(("swerling", "max_cells"), [(1, None), (3, None), (1, 1)])
def test_the_compiled_route_is_the_numpy_route(swerling: int, max_cells: int | None) -> None:
    # max_cells 1: every association cluster of more than one pair goes to SciPy's solver, so the
    # tracker's compiled step hands the step back (Tracker.kernel_tail) and the rows follow it apart
    fast, general = _picture(swerling), _picture(swerling)
    if max_cells is not None:
        fast.tracker.max_compiled_cells = general.tracker.max_compiled_cells = max_cells
    for k, t, z, cov, snr_db, range_m in _scans(fast, seed=swerling):
        res = fast.step(k, t, z, cov, snr_db, range_m)
        want = general._step_general(k, t, z, cov, snr_db, range_m)
        np.testing.assert_array_equal(res.track_of_measurement, want.track_of_measurement)
        for name in ("confirmed", "started", "dropped", "dropped_confirmed"):
            np.testing.assert_array_equal(getattr(res, name), getattr(want, name))
        a, b = fast.tracker.view(), general.tracker.view()
        for x, y in zip(a, b, strict=True):  # the Pd does not enter the filter: its floats are NumPy's
            np.testing.assert_array_equal(x, y)
        np.testing.assert_allclose(fast.tracker.score, general.tracker.score, rtol=1e-12, atol=1e-12)
        n = fast._aux_ids.size
        np.testing.assert_allclose(fast._aux[:n], general._aux[:n], rtol=1e-12, atol=1e-12)
    assert len(fast.tracker) > 3  # tracks were made, in and out of view


def _in_view(rt: BatteryRuntime, mean: np.ndarray, aux: np.ndarray) -> tuple[bool, np.ndarray]:
    """_scan_figures' undecided flag and mask over these tracks, with no measurement (each with a
    detection in the band: the view of the others is not tested)."""
    c = rt._constants(0)
    assert c is not None
    aux = aux.copy()
    aux[:, 2 * rt._nb] = 1.0
    mask, pd_track, figures = command_post._scan_buffers(mean.shape[0], 0)
    undecided = command_post._scan_figures(
        mean, 0.0, c.geo, aux, 0, rt._nb, 1.0, np.zeros(0), np.zeros(0), c.radio, mask, pd_track, figures
    )
    return undecided, mask


def _visible_numpy(rt: BatteryRuntime, radar: int, mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sensing.visible_range of these tracks (picture-frame states) from this radar, and their range."""
    geom = rt.geometry[radar]
    rel = mean[:, :3] - geom.enu_m
    height = (
        rt.frame.alt_m
        + mean[:, 2]
        + (mean[:, 0] ** 2 + mean[:, 1] ** 2) / (2.0 * 6371e3)
        - rt.horizon_ref_alt_m
    )
    near = np.linalg.norm(rel, axis=1) <= geom.spec.max_range_m * 1.001
    want = np.zeros(mean.shape[0], dtype=bool)
    range_m = np.full(mean.shape[0], np.inf)
    want[near], range_m[near] = sensing.visible_range(geom, rel[near], height[near])
    return want, range_m


def test_the_compiled_figures_are_numpys_to_rounding() -> None:
    # Pd of each look and each measurement's Pd and ln-RCS estimate against the NumPy functions they
    # replace, over tracks and detections across the coverage, both Swerling cases.
    for swerling in (1, 3):
        rt = _picture(swerling)
        rng = np.random.default_rng(swerling)
        for radar in range(len(rt.geometry)):
            geom, c = rt.geometry[radar], rt._constants(radar)
            assert c is not None
            n, k = 400, 300
            mean = np.zeros((n, 6))
            mean[:, :2] = rng.uniform(-0.8, 0.8, (n, 2)) * geom.spec.max_range_m
            mean[:, 2] = rng.uniform(100.0, 20e3, n)
            aux = np.zeros((n, rt._aux.shape[1]))
            b = c.band_col
            aux[:, 2 * rt._nb + b] = rng.integers(0, 4, n)
            aux[:, b] = aux[:, 2 * rt._nb + b] * rng.normal(0.0, 2.0, n)
            aux[:, rt._nb + b] = aux[:, 2 * rt._nb + b] * 1.6
            range_m = rng.uniform(0.0, geom.spec.max_range_m, k)
            snr_db = rng.uniform(10.0, 40.0, k)
            aux = np.ascontiguousarray(aux)
            mask, pd_track, figures = command_post._scan_buffers(n, k)
            assert not command_post._scan_figures(
                mean, 0.0, c.geo, aux, b, rt._nb, 1.0, snr_db, range_m, c.radio, mask, pd_track, figures
            )
            want_mask, range_to = _visible_numpy(rt, radar, mean)
            seen = want_mask & (aux[:, 2 * rt._nb + b] > 0)
            np.testing.assert_array_equal(mask, seen)  # looked at: in view and detected in the band
            assert 0 < seen.sum() < want_mask.sum()
            rt._aux = aux  # the rows _log_rcs_rows reads
            log_rcs = rt._log_rcs_rows(np.flatnonzero(seen), [b])
            snr = sensing.clear_snr_db(geom.spec, np.maximum(range_to[seen], 1.0), np.exp(log_rcs))
            want_pd = np.zeros(n)
            want_pd[seen] = np.minimum(sensing.clear_pd(geom.spec, snr), command_post.TRACK_MAX_PD)
            assert 0 < np.count_nonzero(pd_track) < n
            np.testing.assert_allclose(pd_track, want_pd, rtol=1e-12, atol=0.0)
            np.testing.assert_allclose(figures[0], rt.measurement_pd(radar, snr_db, range_m), rtol=1e-12)
            np.testing.assert_allclose(
                figures[1], rt.measurement_log_rcs(radar, snr_db, range_m)[0], rtol=1e-12, atol=1e-12
            )


def test_the_compiled_view_is_visible_range_or_defers() -> None:
    # Tracks scattered over and beyond the coverage, some on an elevation limit or the horizon: the
    # compiled test agrees with sensing.visible_range wherever it decides, and defers at the limits.
    rt = _picture(1)
    geom = rt.geometry[0]
    spec = geom.spec
    c = rt._constants(0)
    assert c is not None
    rng = np.random.default_rng(5)
    n = 3000
    mean = np.zeros((n, 6))
    mean[:, 0] = rng.uniform(-1.1, 1.1, n) * spec.max_range_m
    mean[:, 1] = rng.uniform(-1.1, 1.1, n) * spec.max_range_m
    mean[:, 2] = rng.uniform(-0.05, 0.2, n) * spec.max_range_m
    aux = np.zeros((n, rt._aux.shape[1]))
    undecided, mask = _in_view(rt, mean, aux)
    want = _visible_numpy(rt, 0, mean)[0]
    assert not undecided and 0 < mask.sum() < n
    np.testing.assert_array_equal(mask, want)
    # a track exactly at the upper elevation limit
    el = np.radians(spec.max_elevation_deg)
    edge = np.zeros((1, 6))
    edge[0, :3] = geom.enu_m + 50e3 * np.array([np.cos(el), 0.0, np.sin(el)])
    assert _in_view(rt, edge, aux[:1])[0]
