"""The command post's lean look routes (sensing.visible_range, clear_snr_db, clear_pd) give exactly the
floats of the general ones (visible, look_snr_db, look_pd) they stand in for."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from samsim import catalog
from samsim.models import radar
from samsim.sim.sensing import (
    RadarGeometry,
    clear_pd,
    clear_snr_db,
    look_pd,
    look_snr_db,
    visible,
    visible_many,
    visible_range,
)


@pytest.mark.parametrize("key", ["91N6E", "92N6E", "96L6E"])
def test_visible_range_is_visible_without_angles(key: str) -> None:
    spec = catalog.radar(key)
    geom = RadarGeometry(
        enu_m=np.array([100.0, -50.0, 30.0]), spec=spec, antenna_height_m=30.0, refraction_k=4 / 3
    )
    rng = np.random.default_rng(7)
    n = 4000
    rel = np.column_stack(
        [
            rng.uniform(-1.2, 1.2, n) * spec.max_range_m,
            rng.uniform(-1.2, 1.2, n) * spec.max_range_m,
            rng.uniform(-0.1, 0.3, n) * spec.max_range_m,
        ]
    )
    height = rel[:, 2] + rng.normal(0.0, 2000.0, n)
    mask, range_m = visible_range(geom, rel, height)
    want_mask, want_range, _, _ = visible(geom, rel, height)
    assert 0 < mask.sum() < n  # both sides of the coverage and horizon tested
    np.testing.assert_array_equal(mask, want_mask)
    np.testing.assert_array_equal(range_m, want_range)


@pytest.mark.parametrize("keys", [("92N6E", "92N6E", "92N6E"), ("92N6E", "96L6E", "92N6E")])
def test_visible_many_is_visible_range_radar_by_radar(keys: tuple[str, ...]) -> None:
    # three radars (alike, then of two kinds) with their own looks, in one call: the masks of a call
    # per radar, look for look
    rng = np.random.default_rng(11)
    geoms, rel, height, bounds = [], [], [], [0]
    for g, key in enumerate(keys):
        spec = catalog.radar(key)
        geoms.append(
            RadarGeometry(enu_m=np.zeros(3), spec=spec, antenna_height_m=20.0 + g, refraction_k=4 / 3)
        )
        n = 500 + 100 * g
        rel_g = rng.uniform(-1.2, 1.2, (n, 3)) * spec.max_range_m
        rel_g[:, 2] *= 0.2
        rel.append(rel_g)
        height.append(rel_g[:, 2] + rng.normal(0.0, 2000.0, n))
        bounds.append(bounds[-1] + n)
    if keys[0] == keys[-1] == keys[1]:  # alike: the same antenna height, one test of every look
        geoms = [dataclasses.replace(geom, antenna_height_m=20.0) for geom in geoms]
    got = visible_many(geoms, bounds, np.concatenate(rel), np.concatenate(height))
    want = np.concatenate(
        [visible_range(geom, r, h)[0] for geom, r, h in zip(geoms, rel, height, strict=True)]
    )
    assert 0 < want.sum() < want.size
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("swerling", [0, 1, 3])
def test_clear_pd_is_look_pd(swerling: int) -> None:
    spec = dataclasses.replace(catalog.radar("92N6E"), swerling=swerling)
    rng = np.random.default_rng(3)
    range_m = rng.uniform(1.0, 1.5 * spec.ref_range_m, 5000)
    rcs_m2 = np.exp(rng.normal(0.0, 3.0, 5000))
    rcs_m2[:3] = 0.0  # no echo: -inf dB, Pd = Pfa
    snr_db = clear_snr_db(spec, range_m, rcs_m2)
    np.testing.assert_array_equal(snr_db, look_snr_db(spec, range_m, rcs_m2))
    pd = clear_pd(spec, snr_db)
    np.testing.assert_array_equal(pd, look_pd(spec, range_m, rcs_m2, swerling))
    assert pd[:3] == pytest.approx(spec.pfa, rel=1e-12)
    # the calibration point: the reference target at the reference range has the reference Pd
    at_ref = clear_pd(spec, clear_snr_db(spec, np.array([spec.ref_range_m]), np.array([spec.ref_rcs_m2])))
    assert at_ref[0] == pytest.approx(spec.ref_pd, abs=1e-9)


def test_clear_pd_rejects_an_unknown_case() -> None:
    spec = dataclasses.replace(catalog.radar("92N6E"), swerling=2)
    with pytest.raises(ValueError, match="Swerling"):
        clear_pd(spec, np.array([10.0]))
    assert radar.SWERLING_CASES == (0, 1, 3)
