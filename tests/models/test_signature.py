"""Signature model: IEEE bands, body-frame aspect, and the dB interpolation of RCS tables."""

from __future__ import annotations

import numpy as np
import pytest

from samsim.geodesy import LocalFrame
from samsim.models.signature import (
    band_of_frequency,
    body_angles_deg,
    body_aspect_deg,
    nearest_band,
    table_rcs_m2,
)

ASPECTS = np.array([0.0, 30.0, 60.0, 90.0, 120.0, 150.0, 180.0])
TABLE = np.array([0.001, 0.01, 0.1, 10.0, 1.0, 0.1, 1.0])


@pytest.mark.parametrize(
    ("freq_ghz", "band"),
    [
        (0.15, "VHF"),
        (0.27, "VHF"),
        (0.5, "UHF"),
        (1.3, "L"),
        (2.0, "S"),
        (3.0, "S"),
        (5.5, "C"),
        (9.4, "X"),
        (10.0, "X"),
        (15.0, "Ku"),
        (35.0, "Ka"),
    ],
)
def test_band_of_frequency_follows_ieee_521(freq_ghz: float, band: str) -> None:
    assert band_of_frequency(freq_ghz) == band


def test_band_outside_the_letter_bands_is_an_error() -> None:
    with pytest.raises(ValueError, match="outside"):
        band_of_frequency(500.0)


def test_nearest_band_in_log_frequency() -> None:
    assert nearest_band(("VHF", "L", "X"), "L") == "L"
    assert nearest_band(("VHF", "L", "X"), "Ku") == "X"
    # UHF (0.3-1 GHz, centre 0.55) is nearer L (centre 1.41) than VHF (centre 0.095) in log-frequency.
    assert nearest_band(("VHF", "L", "X"), "UHF") == "L"
    assert nearest_band(("VHF", "X"), "S") == "X"


def test_table_on_its_nodes_returns_the_table() -> None:
    got = table_rcs_m2(ASPECTS, TABLE, ASPECTS)
    np.testing.assert_allclose(got, TABLE, rtol=1e-12)


def test_table_between_nodes_is_linear_in_db() -> None:
    # Half-way between -30 dBsm and -20 dBsm is -25 dBsm: 10**-2.5 m², not the arithmetic mean.
    got = table_rcs_m2(ASPECTS, TABLE, np.array([15.0, 75.0, 40.0]))
    expected = [10**-2.5, 1.0, 10 ** (-2.0 + 1.0 / 3.0)]  # 75°: half-way from -10 to +10 dBsm
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_table_is_symmetric_left_right() -> None:
    right = table_rcs_m2(ASPECTS, TABLE, np.array([20.0, 90.0, 135.0]))
    left = table_rcs_m2(ASPECTS, TABLE, np.array([340.0, 270.0, 225.0]))
    np.testing.assert_allclose(left, right, rtol=1e-12)
    np.testing.assert_allclose(table_rcs_m2(ASPECTS, TABLE, np.array([-90.0, 450.0])), [10.0, 10.0])


def test_table_with_elevation_is_bilinear_in_db() -> None:
    elev = np.array([-30.0, 0.0])
    grid = np.array([[1.0, 100.0], [0.01, 1.0]])  # rows: elevation; columns: aspect 0, 90
    aspects = np.array([0.0, 90.0])
    on_nodes = table_rcs_m2(aspects, grid, np.array([0.0, 90.0, 0.0]), elev, np.array([-30.0, -30.0, 0.0]))
    np.testing.assert_allclose(on_nodes, [1.0, 100.0, 0.01], rtol=1e-12)
    # Centre of the cell: mean of 0, 20, -20, 0 dB = 0 dB.
    centre = table_rcs_m2(aspects, grid, np.array([45.0]), elev, np.array([-15.0]))
    np.testing.assert_allclose(centre, [1.0], rtol=1e-12)
    # Outside the elevation grid the nearest row holds.
    above = table_rcs_m2(aspects, grid, np.array([90.0]), elev, np.array([40.0]))
    np.testing.assert_allclose(above, [1.0], rtol=1e-12)


def _enu_to_ecef(frame: LocalFrame, enu: list[float]) -> np.ndarray:
    return np.asarray(frame.enu_to_ecef(np.array(enu, dtype=np.float64)))


@pytest.mark.parametrize(
    ("sensor_enu", "aspect", "elevation"),
    [
        ([0.0, 50_000.0, 5000.0], 0.0, 0.0),  # ahead, same height: nose-on
        ([50_000.0, 0.0, 5000.0], 90.0, 0.0),  # to the right of a northbound flight
        ([0.0, -50_000.0, 5000.0], 180.0, 0.0),  # behind
        ([-50_000.0, 0.0, 5000.0], 270.0, 0.0),  # left
        ([0.0, 10_000.0, 0.0], 0.0, -26.565),  # ahead and 5 km below: atan(5/10) under the wings
    ],
)
def test_body_angles_of_a_level_northbound_flight(
    sensor_enu: list[float], aspect: float, elevation: float
) -> None:
    frame = LocalFrame(39.0, 32.0, 0.0)
    target = _enu_to_ecef(frame, [0.0, 0.0, 5000.0])
    velocity = _enu_to_ecef(frame, [0.0, 250.0, 5000.0]) - target  # north, level
    sensor = _enu_to_ecef(frame, sensor_enu)
    a, e = body_angles_deg(velocity, target, sensor)
    # The earth's curvature over 50 km tilts the line of sight by ~0.2° below the horizontal.
    assert float(a) == pytest.approx(aspect, abs=0.05) or float(a) == pytest.approx(aspect + 360.0, abs=0.05)
    assert float(e) == pytest.approx(elevation, abs=0.5)


def test_body_angles_of_a_target_at_rest_is_nose_on() -> None:
    frame = LocalFrame(39.0, 32.0, 0.0)
    target = _enu_to_ecef(frame, [0.0, 0.0, 1000.0])
    sensor = _enu_to_ecef(frame, [20_000.0, 5_000.0, 0.0])
    a, _ = body_angles_deg(np.zeros(3), target, sensor)
    assert float(a) == pytest.approx(0.0, abs=1e-9)


def test_one_sensor_fast_path_is_the_broadcast_form_bit_for_bit() -> None:
    """Rows of targets seen from one sensor run compiled; the angles must be those of the NumPy form
    (the sensor given per row), including targets at rest, climbing straight up, at -0 velocity
    components and at the sensor itself."""
    rng = np.random.default_rng(11)
    n = 20_000
    p = rng.normal(size=(n, 3))
    p *= (6.4e6 + rng.uniform(0.0, 2e5, (n, 1))) / np.linalg.norm(p, axis=1, keepdims=True)
    v = rng.normal(size=(n, 3)) * rng.choice([0.0, 1e-4, 1.0, 300.0, 3000.0], size=(n, 1))
    v[:100] = p[:100] * 1e-3
    v[300:400] = -0.0
    v[400:500, 0] = -0.0
    sensor = p[7] + rng.normal(size=3) * 1e5
    p[200:300] = sensor
    p[350:450] = sensor
    aspect, elevation = body_angles_deg(v, p, sensor)
    ref_aspect, ref_elevation = body_angles_deg(v, p, np.broadcast_to(sensor, (n, 3)))
    assert np.array_equal(aspect.view(np.int64), ref_aspect.view(np.int64))
    assert np.array_equal(elevation.view(np.int64), ref_elevation.view(np.int64))


def test_aspect_alone_is_the_aspect_of_both_angles() -> None:
    # The same floats, for rows of targets seen by one sensor (the compiled case) and for any other
    # shape, targets at rest included.
    rng = np.random.default_rng(4)
    n = 500
    p = rng.normal(size=(n, 3))
    p *= (6.4e6 + rng.uniform(0.0, 2e5, (n, 1))) / np.linalg.norm(p, axis=1, keepdims=True)
    v = rng.normal(size=(n, 3)) * rng.choice([0.0, 1.0, 300.0], size=(n, 1))
    sensor = p[7] + rng.normal(size=3) * 1e5
    for seen_from in (sensor, np.broadcast_to(sensor, (n, 3))):
        aspect = body_aspect_deg(v, p, seen_from)
        assert np.array_equal(aspect.view(np.int64), body_angles_deg(v, p, seen_from)[0].view(np.int64))


def test_table_read_over_rows_is_the_numpy_interpolation_bit_for_bit() -> None:
    """A 1-D array of aspects is read compiled; an array of any other shape by the NumPy
    expressions. Both give the same floats, over aspects of any turn, on and between nodes, and with
    one elevation or one per aspect, over tables of one or several nodes."""
    rng = np.random.default_rng(9)
    n = 6000
    aspect = rng.uniform(-800.0, 800.0, n)
    aspect[:40] = rng.choice([0.0, -0.0, 30.0, 90.0, 180.0, 360.0, -1e-300, 359.99999999999994], 40)
    elevation = rng.uniform(-90.0, 90.0, n)
    grid_a = np.array([0.0, 20.0, 45.0, 90.0, 135.0, 160.0, 180.0])
    grid_e = np.array([-30.0, 0.0, 10.0, 45.0])
    rows = rng.uniform(0.001, 20.0, (grid_e.size, grid_a.size))

    def both(*args: object) -> None:
        got = table_rcs_m2(*args)  # type: ignore[arg-type]
        shaped = [x[None, :] if isinstance(x, np.ndarray) and x.shape == (n,) else x for x in args]
        want = table_rcs_m2(*shaped)[0]  # type: ignore[arg-type]
        assert got.shape == (n,)
        assert np.array_equal(got.view(np.int64), want.view(np.int64))

    both(grid_a, rows[1], aspect)
    both(grid_a[:1], rows[1, :1], aspect)
    both(grid_a, rows, aspect, grid_e, elevation)
    both(grid_a, rows, aspect, grid_e, np.full(n, 7.5))
    both(grid_a, rows[:1], aspect, grid_e[:1], elevation)
    assert table_rcs_m2(grid_a, rows, aspect, grid_e, 7.5).shape == (n,)
