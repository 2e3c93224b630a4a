"""PN guidance against Zarchan's closed-form homing-loop results.

A small point-mass engagement (no gravity, no drag, 1 ms steps) closes the loop around the
compiled kernels; the linearised results it is checked against are from Zarchan, *Tactical and
Strategic Missile Guidance*, 6th ed., AIAA 2012, ch. 2 (zero-lag PN) and the method-of-adjoints
chapters (single-time-constant loop).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.typing import NDArray

from samsim.jit import njit
from samsim.models.guidance import (
    closing_velocity_mps,
    first_order_lag,
    first_order_lag_scalar,
    limit_lateral_acceleration,
    limit_lateral_scalar,
    los_rate_radps,
    true_pn_acceleration,
    true_pn_scalar,
)

G = 9.80665
F64 = NDArray[np.float64]


@njit
def _engage(
    pm: F64,
    vm: F64,
    pt: F64,
    vt: F64,
    target_accel_mps2: float,
    target_turns: bool,
    nav_ratio: float,
    max_accel_mps2: float,
    tau_s: float,
    h: float,
    probe_s: F64,
) -> tuple[float, float, F64]:
    """Fly until the range opens; return miss, time of closest approach, lateral (y) accel at probes."""
    pm = pm.copy()
    vm = vm.copy()
    pt = pt.copy()
    vt = vt.copy()
    a = np.zeros(3)
    probes = np.full(probe_s.size, np.nan)
    t = 0.0
    k = 0
    while t < 60.0:
        r = pt - pm
        v = vt - vm
        cx, cy, cz = true_pn_scalar(r[0], r[1], r[2], v[0], v[1], v[2], nav_ratio, -math.inf)
        cx, cy, cz = limit_lateral_scalar(cx, cy, cz, vm[0], vm[1], vm[2], max_accel_mps2)
        a[0] = first_order_lag_scalar(a[0], cx, tau_s, h)
        a[1] = first_order_lag_scalar(a[1], cy, tau_s, h)
        a[2] = first_order_lag_scalar(a[2], cz, tau_s, h)
        while k < probe_s.size and t >= probe_s[k] - 0.5 * h:
            probes[k] = a[1]
            k += 1
        if target_turns:  # constant-g turn in the horizontal plane
            sp = math.hypot(vt[0], vt[1])
            at = np.array([-vt[1] / sp, vt[0] / sp, 0.0]) * target_accel_mps2
        else:  # Zarchan's linear-model manoeuvre: constant acceleration normal to the initial LOS
            at = np.array([0.0, target_accel_mps2, 0.0])
        r0 = pt - pm
        pm += vm * h + 0.5 * a * h * h
        vm += a * h
        pt += vt * h + 0.5 * at * h * h
        vt += at * h
        r1 = pt - pm
        d = r1 - r0
        t += h
        if np.dot(d, r1) >= 0.0:
            s = min(max(-np.dot(r0, d) / np.dot(d, d), 0.0), 1.0)
            m = r0 + s * d
            return math.sqrt(np.dot(m, m)), t - h + s * h, probes
    return np.nan, np.nan, probes


def _head_on(
    t_f: float,
    nav: float,
    target_g: float = 0.0,
    tau_s: float = 0.0,
    heading_error_rad: float = 0.0,
    probes: tuple[float, ...] = (),
) -> tuple[float, float, F64]:
    """Zarchan's reference geometry: 3000 m/s missile, 1000 m/s target, head-on, V_c = 4000 m/s."""
    vm = 3000.0 * np.array([math.cos(heading_error_rad), math.sin(heading_error_rad), 0.0])
    return _engage(
        np.zeros(3),
        vm,
        np.array([4000.0 * t_f, 0.0, 0.0]),
        np.array([-1000.0, 0.0, 0.0]),
        target_g * G,
        False,
        nav,
        1e12,
        tau_s,
        1e-3,
        np.array(probes, dtype=np.float64),
    )


def test_vector_forms_agree_with_scalar_kernels() -> None:
    rng = np.random.default_rng(1)
    r = rng.normal(0.0, 5_000.0, size=(50, 3))
    v = rng.normal(0.0, 500.0, size=(50, 3))
    a = true_pn_acceleration(r, v, 4.0)
    omega = los_rate_radps(r, v)
    vc = closing_velocity_mps(r, v)
    # N Vc (Omega x r_hat), written out independently
    expected = 4.0 * vc[:, None] * np.cross(omega, r / np.linalg.norm(r, axis=1, keepdims=True))
    np.testing.assert_allclose(a, expected, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(np.sum(a * r, axis=1), 0.0, atol=1e-6)  # perpendicular to the LOS
    for i in range(5):
        np.testing.assert_allclose(true_pn_scalar(*r[i], *v[i], 4.0, -math.inf), a[i], rtol=1e-12)
    vm = rng.normal(0.0, 800.0, size=(50, 3))
    lim = limit_lateral_acceleration(a, vm, 30.0)
    np.testing.assert_allclose(np.sum(lim * vm, axis=1), 0.0, atol=1e-8)
    assert np.all(np.linalg.norm(lim, axis=1) <= 30.0 + 1e-9)
    for i in range(5):
        np.testing.assert_allclose(limit_lateral_scalar(*a[i], *vm[i], 30.0), lim[i], rtol=1e-12, atol=1e-12)
    lagged = first_order_lag(np.zeros((2, 3)), np.ones((2, 3)), np.array([0.0, 0.5]), 0.5)
    np.testing.assert_allclose(lagged[:, 0], [1.0, 1.0 - math.exp(-1.0)])
    assert first_order_lag_scalar(0.0, 1.0, 0.5, 0.5) == pytest.approx(1.0 - math.exp(-1.0))


@pytest.mark.parametrize("nav", [3.0, 4.0, 5.0])
def test_zero_lag_target_manoeuvre_acceleration(nav: float) -> None:
    """n_c / n_T = N/(N-2) [1 - (1 - t/t_F)^(N-2)] (Zarchan ch. 2), and zero miss."""
    t_f = 10.0
    probes = (2.0, 5.0, 9.0)
    miss, t_cpa, accel = _head_on(t_f, nav, target_g=3.0, probes=probes)
    expected = [nav / (nav - 2.0) * (1.0 - (1.0 - t / t_f) ** (nav - 2.0)) for t in probes]
    np.testing.assert_allclose(accel / (3.0 * G), expected, rtol=0.01)
    assert miss < 0.01
    assert t_cpa == pytest.approx(t_f, rel=0.01)


@pytest.mark.parametrize("nav", [3.0, 4.0])
def test_zero_lag_heading_error(nav: float) -> None:
    """n_c = -V_M HE N / t_F (1 - t/t_F)^(N-2) (Zarchan ch. 2); ideal PN leaves < 1 m miss."""
    t_f, he = 10.0, math.radians(-5.0)
    probes = (0.0, 5.0)
    miss, _, accel = _head_on(t_f, nav, heading_error_rad=he, probes=probes)
    expected = [-3000.0 * he * nav / t_f * (1.0 - t / t_f) ** (nav - 2.0) for t in probes]
    np.testing.assert_allclose(accel, expected, rtol=0.02)
    assert miss < 1.0


@pytest.mark.parametrize(
    ("nav", "t_f", "tau_s"),
    [(3.0, 5.0, 1.0), (3.0, 5.0, 2.0), (3.0, 3.0, 0.5), (4.0, 5.0, 1.0), (4.0, 3.0, 0.75)],
)
def test_single_lag_step_manoeuvre_matches_adjoint_closed_form(nav: float, t_f: float, tau_s: float) -> None:
    """Adjoint result for a single-lag loop: M(s) = n_T / s^3 * (s / (s + 1/T))^N.

    Inverse Laplace transform: N = 3 -> M = n_T t_F^2 e^(-t_F/T) / 2;
    N = 4 -> M = n_T e^(-t_F/T) (t_F^2 / 2 - t_F^3 / (6 T)).
    """
    n_t = 5.0 * G
    x = t_f / tau_s
    if nav == 3.0:
        expected = n_t * t_f**2 * math.exp(-x) / 2.0
    else:
        expected = n_t * math.exp(-x) * (t_f**2 / 2.0 - t_f**3 / (6.0 * tau_s))
    miss, _, _ = _head_on(t_f, nav, target_g=5.0, tau_s=tau_s)
    assert miss == pytest.approx(abs(expected), rel=0.03, abs=0.02)


def test_miss_grows_with_time_constant() -> None:
    misses = [_head_on(5.0, 3.0, target_g=5.0, tau_s=tau)[0] for tau in (0.0, 0.25, 0.5, 1.0, 2.0)]
    assert misses[0] < 0.01
    assert np.all(np.diff(misses) > 0.0)
    assert misses[-1] > 40.0  # 0.5 n_T t_F^2 e^(-2.5) = 50.3 m


def test_acceleration_limit_lets_hard_manoeuvre_escape() -> None:
    """A 9 g turn at 3 km against a 5 g-limited missile misses by far more than a lethal radius."""
    common = dict(
        pm=np.zeros(3),
        vm=np.array([1200.0, 0.0, 0.0]),
        pt=np.array([3000.0, 0.0, 0.0]),
        vt=np.array([-300.0, 0.0, 0.0]),
        target_accel_mps2=9.0 * G,
        target_turns=True,
        nav_ratio=4.0,
        tau_s=0.2,
        h=1e-3,
        probe_s=np.zeros(0),
    )
    free_miss = _engage(max_accel_mps2=1e12, **common)[0]  # type: ignore[arg-type]
    limited_miss = _engage(max_accel_mps2=5.0 * G, **common)[0]  # type: ignore[arg-type]
    assert free_miss < 1.0
    assert limited_miss > 1.5 * 63.3  # 48N6E3 lethal radius from models.lethality


def test_closing_velocity_floor_keeps_the_command_sense_when_opening() -> None:
    """Tail chase at launch: the target recedes (V_c < 0); the floor replaces V_c by the missile speed."""
    r = np.array([10_000.0, 0.0, 0.0])
    v = np.array([300.0, 50.0, 0.0])  # opening at 300 m/s, LOS turning at 5e-3 rad/s
    plain = true_pn_acceleration(r, v, 4.0)
    floored = true_pn_acceleration(r, v, 4.0, min_closing_mps=800.0)
    assert plain[1] < 0.0  # Zarchan's form steers away when V_c < 0
    assert floored[1] == pytest.approx(4.0 * 800.0 * 50.0 / 10_000.0)
    np.testing.assert_allclose(true_pn_scalar(*r, *v, 4.0, 800.0), floored, rtol=1e-12)
    # closing faster than the floor: unchanged
    v_closing = np.array([-1_500.0, 50.0, 0.0])
    np.testing.assert_allclose(
        true_pn_acceleration(r, v_closing, 4.0, 800.0), true_pn_acceleration(r, v_closing, 4.0), rtol=1e-12
    )
