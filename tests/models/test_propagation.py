"""Two-ray multipath and surface clutter against closed forms (Blake 1986 ch. 6; Skolnik 2001)."""

from __future__ import annotations

import numpy as np
import pytest

from samsim.constants import MEAN_EARTH_RADIUS_M, STANDARD_REFRACTION_K
from samsim.models import propagation as p

FLAT = 1e13  # an earth radius large enough to be flat
KA = STANDARD_REFRACTION_K * MEAN_EARTH_RADIUS_M


def test_flat_earth_limit_is_the_two_ray_closed_form() -> None:
    """F² = 4 sin²(2π h1 h2 / (λ R)) over a flat perfect reflector."""
    lam, h1, rng = 0.1, 12.0, 25_000.0
    h2 = np.linspace(5.0, 300.0, 997)  # h ≪ R, where the closed form holds
    geo = p.reflection_geometry(rng, h1, h2, FLAT)
    np.testing.assert_allclose(geo.divergence, 1.0, atol=1e-6)
    f = p.propagation_factor(geo.path_difference_m, lam, -1.0)
    closed = 4.0 * np.sin(2.0 * np.pi * h1 * h2 / (lam * rng)) ** 2
    np.testing.assert_allclose(f**2, closed, atol=0.02)  # 2h1h2/R drops O((h/R)²)


def test_lobe_peaks_and_nulls_at_blakes_heights() -> None:
    """Peaks at h2 = (2n+1) λR/(4 h1) with F⁴ = 16 (+12 dB), nulls at h2 = n λR/(2 h1)."""
    lam, h1, rng = 0.0545, 25.0, 40_000.0
    peaks = np.array([(2 * n + 1) * lam * rng / (4.0 * h1) for n in range(4)])
    nulls = np.array([n * lam * rng / (2.0 * h1) for n in range(1, 4)])
    for h2, want in ((peaks, 16.0), (nulls, 0.0)):
        geo = p.reflection_geometry(rng, h1, h2, FLAT)
        f4 = p.propagation_factor(geo.path_difference_m, lam, -1.0) ** 4
        np.testing.assert_allclose(f4, want, atol=0.05)
    # and the peaks are maxima: a finer height grid finds nothing higher than 16
    geo = p.reflection_geometry(rng, h1, np.linspace(1.0, 200.0, 4001), FLAT)
    assert (p.propagation_factor(geo.path_difference_m, lam, -1.0) ** 4).max() == pytest.approx(
        16.0, abs=1e-3
    )


def test_spherical_reflection_point_obeys_the_law_of_reflection() -> None:
    """Independent check of Kerr's cubic: at the reflection point the angles to both ends are equal,
    and Δ equals the difference of the straight-line lengths computed in Cartesian coordinates."""
    h1, h2 = np.array([30.0, 10.0, 100.0]), np.array([300.0, 2000.0, 150.0])
    d = np.array([30e3, 60e3, 40e3])
    geo = p.reflection_geometry(d, h1, h2, KA)
    ang1 = geo.radar_side_m / KA
    ang2 = (d - geo.radar_side_m) / KA

    def point(angle: np.ndarray, h: np.ndarray) -> np.ndarray:
        return np.stack([(KA + h) * np.sin(angle), (KA + h) * np.cos(angle)], axis=-1)

    a, b, s = point(-ang1, h1), point(ang2, h2), point(np.zeros_like(d), np.zeros_like(d))
    normal = s / np.linalg.norm(s, axis=-1, keepdims=True)
    u1 = (a - s) / np.linalg.norm(a - s, axis=-1, keepdims=True)
    u2 = (b - s) / np.linalg.norm(b - s, axis=-1, keepdims=True)
    np.testing.assert_allclose(np.sum(u1 * normal, -1), np.sum(u2 * normal, -1), rtol=1e-3)
    np.testing.assert_allclose(np.arcsin(np.sum(u1 * normal, -1)), geo.grazing_rad, rtol=1e-3)
    delta = np.linalg.norm(a - s, axis=-1) + np.linalg.norm(b - s, axis=-1) - np.linalg.norm(b - a, axis=-1)
    np.testing.assert_allclose(geo.path_difference_m, delta, rtol=1e-3)


def test_divergence_limits() -> None:
    """D → 1 for a flat earth or near the radar; D → 0 towards the horizon; D decreases with range."""
    h1, h2 = 25.0, 50.0
    assert p.reflection_geometry(20e3, h1, h2, FLAT).divergence == pytest.approx(1.0, abs=1e-6)
    assert p.reflection_geometry(500.0, h1, h2, KA).divergence == pytest.approx(1.0, abs=1e-3)
    horizon = np.sqrt(2 * KA * h1) + np.sqrt(2 * KA * h2)
    d = np.linspace(1e3, 0.999 * horizon, 200)
    div = p.reflection_geometry(d, h1, h2, KA).divergence
    assert np.all(np.diff(div) < 0.0)
    assert div[-1] < 0.1
    assert np.all(p.reflection_geometry(1.01 * horizon, h1, h2, KA).divergence == 0.0)


def test_fresnel_coefficients() -> None:
    """Both polarisations → -1 at grazing incidence; normal incidence (1-√ε)/(1+√ε); Brewster null."""
    eps = 15.0
    g0h = p.fresnel_reflection(1e-6, eps, 0.0, 0.1, "horizontal")
    g0v = p.fresnel_reflection(1e-6, eps, 0.0, 0.1, "vertical")
    assert g0h.real == pytest.approx(-1.0, abs=1e-4) and g0v.real == pytest.approx(-1.0, abs=1e-3)
    n = np.sqrt(eps)
    assert p.fresnel_reflection(np.pi / 2, eps, 0.0, 0.1, "horizontal").real == pytest.approx(
        (1 - n) / (1 + n)
    )
    brewster = np.arctan(1.0 / n)
    assert abs(p.fresnel_reflection(brewster, eps, 0.0, 0.1, "vertical")) < 1e-9
    # sea water is a better reflector than dry ground at every angle, horizontally
    psi = np.radians(np.linspace(0.5, 30.0, 30))
    sea = np.abs(p.fresnel_reflection(psi, 70.0, 4.0, 0.1, "horizontal"))
    land = np.abs(p.fresnel_reflection(psi, 15.0, 0.005, 0.1, "horizontal"))
    assert np.all(sea > land) and np.all(sea <= 1.0)


def test_roughness_limits() -> None:
    """ρ_s = 1 for a smooth surface or grazing incidence; Ament exp(-2g²); MBV >= Ament; MBV's
    asymptote 1/(2 g √π) for a very rough surface."""
    lam = 0.1
    assert p.ament_roughness(0.3, 0.0, lam) == 1.0
    assert p.miller_brown_vegh_roughness(0.0, 3.0, lam) == 1.0
    psi = np.radians(1.0)
    g = 2 * np.pi * 0.5 * np.sin(psi) / lam
    assert p.ament_roughness(psi, 0.5, lam) == pytest.approx(np.exp(-2 * g * g))
    psis = np.radians(np.linspace(0.01, 10.0, 100))
    assert np.all(p.miller_brown_vegh_roughness(psis, 0.5, lam) >= p.ament_roughness(psis, 0.5, lam))
    g_big = p.rayleigh_roughness(np.radians(20.0), 2.0, lam)
    assert p.miller_brown_vegh_roughness(np.radians(20.0), 2.0, lam) == pytest.approx(
        1.0 / (2.0 * g_big * np.sqrt(np.pi)), rel=0.01
    )


def test_smooth_sea_lobes_and_rough_land_is_free_space() -> None:
    """A smooth sea lobes to nearly +12 dB; a very rough surface returns free space (0 dB)."""
    lam, h1, d = 0.1, 20.0, 30e3
    h2 = np.linspace(20.0, 600.0, 2000)
    smooth = p.Surface("sea", 70.0, 4.0, 0.0, -30.0)
    f4 = p.multipath_f4_db(smooth, d, h1, h2, KA, lam, "horizontal")
    assert 10.5 < f4.max() <= 12.05 and f4.min() < -20.0
    rough = p.Surface("land", 15.0, 0.005, 50.0, -15.0)
    np.testing.assert_allclose(
        p.multipath_f4_db(rough, d, h1, h2[h2 > 100.0], KA, lam, "horizontal"), 0.0, atol=0.05
    )


def test_clutter_and_sinr_hand_computation() -> None:
    """σ_c = γ sin ψ R θ ΔR sec ψ; SINR = 1/(1/SNR + 1/SCR), by hand."""
    rng, psi, theta, dr, gamma_db = 10_000.0, np.radians(0.5), np.radians(1.5), 30.0, -15.0
    sigma_c = p.clutter_rcs_m2(gamma_db, rng, psi, theta, dr)
    hand = 10**-1.5 * np.sin(psi) * rng * theta * dr / np.cos(psi)
    assert sigma_c == pytest.approx(hand)
    assert hand == pytest.approx(0.0316228 * 0.0087265 * 10_000 * 0.0261799 * 30 / 0.9999619, rel=1e-5)
    assert p.sinr_db(10.0, 10.0) == pytest.approx(10.0 - 10 * np.log10(2.0))
    assert p.sinr_db(20.0, np.inf) == pytest.approx(20.0)
    # the surface point's grazing angle: flat earth sin ψ = h/R; none beyond the horizon
    assert p.surface_grazing_rad(1000.0, 10.0, FLAT) == pytest.approx(np.arcsin(0.01), rel=1e-6)
    assert p.surface_grazing_rad(1.01 * np.sqrt(2 * KA * 25.0), 25.0, KA) == 0.0
    assert p.gaussian_two_way_gain(np.radians(0.5), np.radians(1.0)) == pytest.approx(0.25)


def test_diffraction_formula_pieces_join() -> None:
    """ITU-R P.526's piecewise F(X) and G(Y) meet where they switch (X = 1.6, Y = 2), and the
    distance term falls by 17.6 dB per unit of X far beyond the horizon."""
    lam = 0.1
    a = KA
    x_unit = (np.pi / (lam * a * a)) ** (-1.0 / 3.0)  # metres per unit of X
    y_unit = 0.5 * (np.pi**2 / (lam**2 * a)) ** (-1.0 / 3.0)  # metres per unit of Y
    h_big = 1e6 * y_unit  # height gains cancel in differences at fixed heights
    f = [
        float(p.smooth_earth_diffraction_db(x * x_unit, h_big, h_big, a, lam))
        for x in (1.6 - 1e-9, 1.6 + 1e-9)
    ]
    assert f[0] == pytest.approx(f[1], abs=0.02)
    g = [
        float(p.smooth_earth_diffraction_db(10 * x_unit, y * y_unit, h_big, a, lam))
        for y in (2 - 1e-9, 2 + 1e-9)
    ]
    assert g[0] == pytest.approx(g[1], abs=0.02)
    far = p.smooth_earth_diffraction_db(np.array([20.0, 21.0]) * x_unit, h_big, h_big, a, lam)
    assert far[0] - far[1] == pytest.approx(17.6 - 10 * np.log10(21 / 20), abs=1e-9)


def test_intermediate_region_bridges_two_ray_and_diffraction() -> None:
    """Between the λ/6 edge and the horizon F⁴ (dB) runs linearly from the two-ray value to the
    diffraction value; it is continuous at both ends."""
    lam, h1, h2 = 0.0545, 75.0, 50.0
    surface = p.SURFACE_DEFAULTS["land"]
    horizon = np.sqrt(2 * KA * h1) + np.sqrt(2 * KA * h2)
    edge = float(p._interference_edge_m(np.array([h1]), np.array([h2]), KA, lam)[0])
    assert p.reflection_geometry(edge, h1, h2, KA).path_difference_m == pytest.approx(lam / 6, rel=1e-6)
    f4 = p.multipath_f4_db(
        surface, np.array([edge - 1.0, edge + 1.0, horizon]), h1, h2, KA, lam, "horizontal"
    )
    assert f4[0] == pytest.approx(f4[1], abs=0.05)
    assert f4[2] == pytest.approx(2 * p.smooth_earth_diffraction_db(horizon, h1, h2, KA, lam), abs=1e-9)
    d = np.linspace(edge, horizon, 7)
    inside = p.multipath_f4_db(surface, d, h1, h2, KA, lam, "horizontal")
    np.testing.assert_allclose(np.diff(inside, 2), 0.0, atol=1e-6)
    assert inside[-1] < -20.0  # the horizon is a deep shadow for a 50 m target at C band


def test_interference_edge_is_the_numpy_bisection_bit_for_bit() -> None:
    # The compiled bisection, checked branch by branch against the NumPy arithmetic, gives the NumPy
    # bisection's float exactly, over radar and target heights from metres to tens of km, repeated
    # pairs included (the looks at one level flier share theirs) and either height the lower.
    rng = np.random.default_rng(7)
    h1 = rng.uniform(2.0, 80.0, 400)
    h2 = rng.uniform(5.0, 20000.0, 400)
    h1[200:], h2[200:] = h2[200:].copy(), h1[200:].copy()
    h1 = np.concatenate([h1, h1[:50]])
    h2 = np.concatenate([h2, h2[:50]])
    for lam in (0.03, 0.1, 0.23, 1.5):
        fast = p._interference_edge_m(h1, h2, KA, lam)
        ref = p._interference_edge_numpy_m(h1, h2, KA, lam)
        np.testing.assert_array_equal(fast, ref)
        # at the edge the path difference is λ/6 to the bisection's resolution
        delta = p.reflection_geometry(fast, h1, h2, KA).path_difference_m
        np.testing.assert_allclose(delta, p.INTERFERENCE_EDGE * lam, rtol=1e-6)


def test_interference_edge_falls_back_to_numpy_where_the_compiled_branch_differs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A compiled branch that NumPy's arithmetic does not confirm (here forced: the last branch of the
    # second pair flipped, its result nudged) sends that pair back to the NumPy bisection.
    kernel = p._kernels.bisect_edge

    def wrong(*args: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        edge, mids, above = kernel(*args)  # type: ignore[arg-type]
        above[1, -1] = ~above[1, -1]
        edge[1] += 1.0
        return edge, mids, above

    monkeypatch.setattr(p._kernels, "bisect_edge", wrong)
    h1 = np.array([10.0, 20.0, 30.0])
    h2 = np.array([100.0, 500.0, 3000.0])
    np.testing.assert_array_equal(
        p._interference_edge_m(h1, h2, KA, 0.1), p._interference_edge_numpy_m(h1, h2, KA, 0.1)
    )


def test_distinct_pairs_rebuild_their_arrays() -> None:
    x = np.array([3.0, 1.0, 3.0, 1.0, 2.0, 3.0])
    y = np.array([1.0, 5.0, 1.0, 4.0, 4.0, 2.0])
    ux, uy, inverse = p._distinct_pairs(x, y)
    assert ux.size == 5
    assert len(set(zip(ux.tolist(), uy.tolist(), strict=True))) == 5
    np.testing.assert_array_equal(ux[inverse], x)
    np.testing.assert_array_equal(uy[inverse], y)


def test_distinct_pairs_of_one_height_sort_on_the_other_alone() -> None:
    rng = np.random.default_rng(6)
    y = rng.choice([15.0, 50.0, 300.0, 8000.0, 1e-3], 400)
    x = np.full(y.size, 30.0)
    got = p._distinct_pairs(x, y, one_x=True)
    for a, b in zip(got, p._distinct_pairs(x, y), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(got[1], [1e-3, 15.0, 50.0, 300.0, 8000.0])


def test_multipath_of_many_looks_is_that_of_each_look() -> None:
    # F⁴ of a look depends on that look alone: evaluated over a mix of looks (two-ray region,
    # intermediate region, beyond the horizon, repeated pairs of heights, a target on the surface) it
    # is, bit for bit, what each look gives on its own, over land and sea, in both polarisations.
    rng = np.random.default_rng(11)
    n = 120
    h1 = np.full(n, 30.0)
    h2 = rng.choice([0.0, 15.0, 50.0, 300.0, 8000.0], n)
    d = rng.uniform(1e3, 450e3, n)
    for kind in ("land", "sea"):
        for pol in ("horizontal", "vertical"):
            surface = p.SURFACE_DEFAULTS[kind]
            many = p.multipath_f4_db(surface, d, h1, h2, KA, 0.1, pol)  # type: ignore[arg-type]
            each = [p.multipath_f4_db(surface, d[i : i + 1], h1[i], h2[i], KA, 0.1, pol)[0] for i in range(n)]  # type: ignore[arg-type]
            np.testing.assert_array_equal(many, each)
    assert np.isfinite(many).all()


def _reflection_reference(
    ground_m: np.ndarray, h1_m: np.ndarray, h2_m: np.ndarray, a: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Blake's reflection geometry written in NumPy expressions: (ψ, Δ, D)."""
    d = np.maximum(ground_m, 1e-9)
    h1, h2 = np.minimum(np.maximum(h1_m, 0.0), np.maximum(h2_m, 0.0)), np.maximum(np.maximum(h1_m, 0.0), h2_m)
    pp = (2.0 / np.sqrt(3.0)) * np.sqrt(a * (h1 + h2) + d * d / 4.0)
    xi = np.arcsin(np.clip(2.0 * a * (h2 - h1) * d / pp**3, -1.0, 1.0))
    d1 = np.clip(d / 2.0 - pp * np.sin(xi / 3.0), 0.0, d)
    d2 = d - d1
    s1 = np.sin(d1 / (2.0 * a))
    r1 = np.sqrt(h1 * h1 + 4.0 * a * (a + h1) * s1**2)
    r2 = np.sqrt(h2 * h2 + 4.0 * a * (a + h2) * np.sin(d2 / (2.0 * a)) ** 2)
    rd = np.sqrt((h2 - h1) ** 2 + 4.0 * (a + h1) * (a + h2) * np.sin(d / (2.0 * a)) ** 2)
    sin_psi = (h1 - 2.0 * (a + h1) * s1**2) / r1
    ok = (sin_psi > 0.0) & (h1 > 0.0)
    psi = np.where(ok, np.arcsin(np.clip(sin_psi, 0.0, 1.0)), 0.0)
    delta = np.where(ok, 4.0 * r1 * r2 * np.sin(psi) ** 2 / (r1 + r2 + rd), 0.0)
    div = np.where(ok, 1.0 / np.sqrt(1.0 + 2.0 * d1 * d2 / (a * d * np.tan(np.where(ok, psi, 1.0)))), 0.0)
    return psi, delta, div


def test_reflection_geometry_is_the_numpy_arithmetic_bit_for_bit() -> None:
    # The arithmetic runs compiled between NumPy's transcendental functions: the floats are those of
    # the formulas written in NumPy, over ranges from the radar to past the horizon, heights from the
    # surface up, either height the lower, one radar height or one per look.
    rng = np.random.default_rng(5)
    n = 3000
    ground = rng.uniform(1.0, 400e3, n)
    h2 = rng.choice([0.0, 3.0, 40.0, 900.0, 15000.0], n) + rng.uniform(0.0, 5.0, n)
    for h1 in (np.full(n, 25.0), rng.uniform(1.0, 20000.0, n)):
        geo = p.reflection_geometry(ground, h1, h2, KA)
        psi, delta, div = _reflection_reference(ground, h1, h2, KA)
        assert geo.grazing_rad.shape == (n,)
        np.testing.assert_array_equal(geo.grazing_rad, psi)
        np.testing.assert_array_equal(geo.path_difference_m, delta)
        np.testing.assert_array_equal(geo.divergence, div)
    one = p.reflection_geometry(20e3, 30.0, 500.0, KA)  # scalars in, 0-d arrays out
    assert one.grazing_rad.shape == () and 0.0 < float(one.divergence) < 1.0


def test_multipath_remembers_the_edge_of_a_pair_of_heights_with_the_same_floats() -> None:
    # The edge terms of a pair of heights, worked out once, give the same F⁴ as worked out afresh,
    # whichever looks asked for the pair first.
    rng = np.random.default_rng(3)
    n = 400
    d = rng.uniform(20e3, 400e3, n)
    h2 = rng.choice([20.0, 60.0, 150.0, 2000.0], n)
    surface = p.SURFACE_DEFAULTS["land"]
    p._EDGE_MEMO.clear()
    fresh = p.multipath_f4_db(surface, d, 30.0, h2, KA, 0.1, "horizontal")
    assert any(p._EDGE_MEMO.values())  # some looks lay beyond the interference edge
    again = p.multipath_f4_db(surface, d, 30.0, h2, KA, 0.1, "horizontal")
    p._EDGE_MEMO.clear()
    half = p.multipath_f4_db(surface, d[::2], 30.0, h2[::2], KA, 0.1, "horizontal")
    rest = p.multipath_f4_db(surface, d, 30.0, h2, KA, 0.1, "horizontal")
    np.testing.assert_array_equal(again, fresh)
    np.testing.assert_array_equal(half, fresh[::2])
    np.testing.assert_array_equal(rest, fresh)


def test_residual_clutter_is_the_clutter_functions_composed_bit_for_bit() -> None:
    # The compiled arithmetic between NumPy's arc sines, sine, cosine and exponential gives the floats
    # of the cell, the grazing and depression angles, the beam gain and the improvement factor
    # composed, from the radar to past the surface horizon.
    rng = np.random.default_rng(8)
    n = 4000
    range_m = rng.uniform(0.0, 300e3, n)
    range_m[:3] = 0.0
    elevation = rng.uniform(-0.02, 0.5, n)
    h, gamma_db, az_bw, el_bw, dr, improvement = 28.0, -15.0, np.radians(1.2), np.radians(1.8), 15.0, 45.0
    got = p.residual_clutter_m2(gamma_db, range_m, h, KA, elevation, az_bw, el_bw, dr, improvement)
    psi = p.surface_grazing_rad(range_m, h, KA)
    below = p.surface_depression_rad(range_m, h, KA)
    cell = p.clutter_rcs_m2(gamma_db, range_m, psi, az_bw, dr)
    want = cell * p.gaussian_two_way_gain(elevation + below, el_bw) * 10.0 ** (-improvement / 10.0)
    np.testing.assert_array_equal(got, want)
    assert np.all(got[range_m > np.sqrt(2 * KA * h)] == 0.0)  # beyond the surface horizon: no clutter
    # a coverage grid (ranges against elevations) gives each point's clutter, in the grid's shape
    grid = p.residual_clutter_m2(
        gamma_db, range_m[:40, None], h, KA, elevation[None, :25], az_bw, el_bw, dr, improvement
    )
    each = [
        p.residual_clutter_m2(gamma_db, range_m[:40], h, KA, np.full(40, e), az_bw, el_bw, dr, improvement)
        for e in elevation[:25]
    ]
    np.testing.assert_array_equal(grid, np.stack(each, axis=1))


def test_multipath_broadcasts_its_arguments() -> None:
    # A grid of ranges against heights gives the F⁴ of each (range, height) look on its own.
    d = np.linspace(5e3, 300e3, 7)[:, None]
    h2 = np.array([[0.0, 20.0, 150.0, 3000.0]])
    surface = p.SURFACE_DEFAULTS["sea"]
    grid = p.multipath_f4_db(surface, d, 25.0, h2, KA, 0.1, "vertical")
    flat = p.multipath_f4_db(
        surface,
        np.broadcast_to(d, (7, 4)).ravel(),
        25.0,
        np.broadcast_to(h2, (7, 4)).ravel(),
        KA,
        0.1,
        "vertical",
    )
    assert grid.shape == (7, 4)
    np.testing.assert_array_equal(grid.ravel(), flat)
