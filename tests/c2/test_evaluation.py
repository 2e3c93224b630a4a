"""Threat evaluation against hand-computed closest approaches."""

from __future__ import annotations

import numpy as np
import pytest

from samsim.c2.evaluation import MISS_SCALE_M, VALUE_FLOOR, closest_approach, evaluate_threats


def test_cpa_closed_form() -> None:
    # A track at (-10 km, 3 km) flying east at 200 m/s passes 3 km north of the origin after 50 s.
    d, t = closest_approach(np.array([[-10e3, 3e3, 5e3]]), np.array([[200.0, 0.0, 0.0]]), np.zeros((1, 3)))
    assert d[0, 0] == pytest.approx(3e3)
    assert t[0, 0] == pytest.approx(50.0)
    # Moving away: closest approach is now.
    d, t = closest_approach(np.array([[10e3, 0.0, 0.0]]), np.array([[200.0, 0.0, 0.0]]), np.zeros((1, 3)))
    assert t[0, 0] == 0.0 and d[0, 0] == pytest.approx(10e3)


def test_values_assets_and_ranking() -> None:
    assets = np.array([[0.0, 0.0, 0.0], [50e3, 0.0, 0.0]])
    radius = np.array([5e3, 3e3])
    value = np.array([10.0, 5.0])
    pos = np.array(
        [
            [-100e3, 0.0, 100.0],  # heads straight at asset 0, far
            [-30e3, 1e3, 100.0],  # heads at asset 0, close: most urgent
            [50e3, -80e3, 100.0],  # heads north at asset 1
            [0.0, 60e3, 100.0],  # flies away north
        ]
    )
    vel = np.array([[250.0, 0, 0], [250.0, 0, 0], [0.0, 250.0, 0], [0.0, 250.0, 0]])
    a = evaluate_threats(pos, vel, assets, radius, value)
    assert a.asset.tolist()[:3] == [0, 0, 1]
    assert a.value[:3].tolist() == pytest.approx([10.0, 10.0, 5.0])
    assert a.time_to_go_s[1] == pytest.approx(120.0)
    assert a.rank.tolist()[:2] == [1, 0]
    assert a.rank.tolist()[2] == 2
    # The outbound track: 60 km from asset 0 (55 km beyond its radius) -> 10 * 2^(-55/20).
    assert a.value[3] == pytest.approx(max(10.0 * 2 ** (-55e3 / MISS_SCALE_M), VALUE_FLOOR * 5.0))


def test_no_assets_gives_floor() -> None:
    a = evaluate_threats(np.zeros((2, 3)), np.ones((2, 3)), np.zeros((0, 3)), np.zeros(0), np.zeros(0))
    assert a.asset.tolist() == [-1, -1] and np.all(a.value == VALUE_FLOOR)
