"""The command post's compiled scan route (TrackPicture.step) gives exactly the floats of the NumPy
route it replaces (TrackPicture._step_general: track_pd, measurement_pd, measurement_log_rcs)."""

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


@pytest.mark.parametrize("swerling", [1, 3])
def test_the_compiled_route_is_the_numpy_route(swerling: int) -> None:
    fast, general = _picture(swerling), _picture(swerling)
    for k, t, z, cov, snr_db, range_m in _scans(fast, seed=swerling):
        res = fast.step(k, t, z, cov, snr_db, range_m)
        want = general._step_general(k, t, z, cov, snr_db, range_m)
        np.testing.assert_array_equal(res.track_of_measurement, want.track_of_measurement)
        for name in ("confirmed", "started", "dropped", "dropped_confirmed"):
            np.testing.assert_array_equal(getattr(res, name), getattr(want, name))
        a, b = fast.tracker.view(), general.tracker.view()
        for x, y in zip(a, b, strict=True):
            np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(fast.tracker.score, general.tracker.score)
        n = fast._aux_ids.size
        np.testing.assert_array_equal(fast._aux[:n], general._aux[:n])
    assert len(fast.tracker) > 3  # tracks were made, in and out of view


def test_visible_seen_is_visible_range_or_defers() -> None:
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
    buffers = command_post._seen_buffers(n)
    _, undecided = command_post._visible_seen(mean, 0.0, c.geo, aux, 0, rt._nb, 1.0, *buffers)
    mask = buffers[0]
    rel = mean[:, :3] - geom.enu_m
    height = (
        rt.frame.alt_m
        + mean[:, 2]
        + (mean[:, 0] ** 2 + mean[:, 1] ** 2) / (2.0 * 6371e3)
        - rt.horizon_ref_alt_m
    )
    near = np.linalg.norm(rel, axis=1) <= spec.max_range_m * 1.001
    want = np.zeros(n, dtype=bool)
    want[near] = sensing.visible_range(geom, rel[near], height[near])[0]
    assert undecided == 0 and 0 < mask.sum() < n
    np.testing.assert_array_equal(mask, want)
    # a track exactly at the upper elevation limit
    el = np.radians(spec.max_elevation_deg)
    edge = np.zeros((1, 6))
    edge[0, :3] = geom.enu_m + 50e3 * np.array([np.cos(el), 0.0, np.sin(el)])
    assert command_post._visible_seen(edge, 0.0, c.geo, aux[:1], 0, rt._nb, 1.0, *buffers)[1] == 1


def test_log10_arguments_report_every_zero_argument() -> None:
    # The caller enters NumPy's divide-by-zero guard only when this says some argument is zero: an
    # RCS of zero, or a range ratio that comes out zero (a reviewer's case: an infinite reference).
    from samsim.sim.command_post import _log10_arguments, _work

    def flag(rcs_m2: float, track_range_m: float, range_m: float, ref_range_m: float) -> bool:
        work = np.zeros(_work(1, 1).size)
        work[0] = rcs_m2
        return bool(
            _log10_arguments(work, 1, np.array([track_range_m]), np.array([range_m]), 1.0, ref_range_m)
        )

    assert not flag(2.0, 5e3, 5e3, 1e5)
    assert flag(0.0, 5e3, 5e3, 1e5)
    assert flag(2.0, 0.0, 5e3, 1e5)
    assert flag(2.0, 5e3, 5e3, np.inf)
    assert flag(2.0, 1e-320, 5e3, 1e5)  # underflows to zero
