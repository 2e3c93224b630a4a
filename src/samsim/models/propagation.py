"""Low-altitude propagation: spherical-earth multipath (two rays) and surface clutter.

Over a reflecting surface a radar's echo reaches the target by two paths, the direct ray and the ray
reflected near the radar's horizon. Their sum is the pattern-propagation factor ``F``: the received
echo power is multiplied by ``F⁴`` (``F²`` each way), so the radar's vertical coverage breaks into
lobes, up to ``F⁴ = 16`` (+12 dB) at a lobe's peak over a perfect reflector and nulls between them,
and a low flier near the horizon is seen well below its free-space SNR.

Model (Blake 1986, ch. 6; the same in Barton 2013, ch. 8 and Skolnik 2001, ch. 8):

* geometry on the effective earth of radius ``k·Re``: the reflection point solves Kerr's cubic
  (Blake 1986 eq. 6.14 ff.), giving the grazing angle ``ψ`` and the path-length difference
  ``Δ = 4 R1 R2 sin²ψ / (R1 + R2 + Rd)``;
* the divergence factor ``D = [1 + 2 d1 d2 / (k·Re · d · tan ψ)]^(-1/2)``: the curved surface spreads
  the reflected beam;
* the Fresnel reflection coefficient ``Γ`` of a smooth surface of complex relative permittivity
  ``ε_c = ε_r - j 60 λ σ`` for horizontal or vertical polarisation;
* the specular scattering factor ``ρ_s`` of a rough surface of rms height ``σ_h`` (Ament 1953; Miller,
  Brown and Vegh 1984), a function of the Rayleigh roughness ``g = 2π σ_h sin ψ / λ``;
* ``F = |1 + ρ_s D Γ exp(-j 2π Δ / λ)|`` (antenna pattern equal on both rays: a low flier and its
  image both lie inside the main beam).

The two-ray sum holds in the interference region, where the path difference is at least λ/6. From the
radar horizon on, the field is diffracted over the smooth sphere (ITU-R P.526, first residue term); in
the intermediate region between the two, Blake (1986, ch. 6) interpolates the dB values linearly in
range, and so does :func:`multipath_f4_db`.

Surface clutter uses the constant-γ model ``σ⁰ = γ sin ψ`` over the pulse-limited cell
``A = R θ_az ΔR sec ψ`` at the target's range, weighted by the two-way (Gaussian) elevation pattern
of the beam pointed at the target, and reduced by the radar's MTI or pulse-Doppler clutter improvement
factor ``I``; the signal-to-clutter ratio composes with the signal-to-noise(-plus-jamming) ratio as
``SINR = 1 / (1/SNR + 1/SCR)`` (Skolnik 2001, ch. 3 and 7; Barton 2013, ch. 9).

References
----------
L. V. Blake, *Radar Range-Performance Analysis*, Artech House, 1986, ch. 6 (two-ray propagation
    over a spherical earth: reflection point, path difference, divergence, Fresnel coefficients,
    roughness).
D. E. Kerr (ed.), *Propagation of Short Radio Waves*, MIT Radiation Laboratory Series vol. 13,
    McGraw-Hill, 1951, ch. 5 (the reflection-point cubic and the divergence factor).
D. K. Barton, *Radar Equations for Modern Radar*, Artech House, 2013, ch. 8 (multipath), ch. 9
    (surface clutter, constant-γ model, improvement factor).
M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed., McGraw-Hill, 2001, ch. 3 (MTI and
    pulse-Doppler improvement factor), ch. 7 (clutter cell, σ⁰), ch. 8 (propagation, lobing).
ITU-R Recommendation P.526, *Propagation by diffraction*, section 3.1.1 (smooth spherical earth, first
    term of the residue series: F(X), G(Y)).
H. R. Ament, "Toward a theory of reflection by a rough surface", Proc. IRE 41(1), 1953, 142-146.
A. R. Miller, R. M. Brown and E. Vegh, "New derivation for the rough-surface reflection coefficient
    and for the distribution of sea-wave elevations", IEE Proc. H 131(2), 1984, 114-116.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.models import _propagation_kernels as _kernels

Polarization = Literal["horizontal", "vertical"]

_P_SCALE = float(2.0 / np.sqrt(3.0))  # of p in Kerr's cubic (reflection_geometry)

_F_FLOOR = 1e-6  # |F| floor: an exact null is -240 dB of F⁴, not -inf (keeps SNR arithmetic finite)


def _f64(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


@dataclass(frozen=True)
class TwoRayGeometry:
    """The reflected ray over a spherical earth (arrays broadcast together).

    Attributes
    ----------
    grazing_rad : grazing angle ψ at the reflection point (0 where there is no reflection point).
    path_difference_m : reflected minus direct path length Δ.
    divergence : divergence factor D of the curved surface (0..1).
    radar_side_m : ground distance d1 from the lower antenna to the reflection point.
    """

    grazing_rad: FloatArray
    path_difference_m: FloatArray
    divergence: FloatArray
    radar_side_m: FloatArray


def reflection_geometry(
    ground_range_m: ArrayLike, h1_m: ArrayLike, h2_m: ArrayLike, earth_radius_m: float
) -> TwoRayGeometry:
    """Reflection point, grazing angle, path difference and divergence over a sphere.

    Blake (1986) ch. 6 (after Kerr 1951): with ``h1 <= h2`` the heights above the surface, ``d`` the
    ground range and ``a`` the effective earth radius,

    ``p = (2/√3) [a (h1 + h2) + d²/4]^½``, ``Φ = arccos(2 a (h2 - h1) d / p³)``,
    ``d1 = d/2 - p cos((Φ + π)/3)``, ``d2 = d - d1``;

    the ray lengths ``R_i = [h_i² + 4 a (a + h_i) sin²(d_i / 2a)]^½``, the grazing angle
    ``sin ψ = (2 a h1 + h1² - R1²) / (2 a R1)``, the direct path ``Rd`` from the triangle at the
    earth's centre, ``Δ = 4 R1 R2 sin²ψ / (R1 + R2 + Rd)`` and the divergence factor
    ``D = [1 + 2 d1 d2 / (a d tan ψ)]^(-1/2)``.

    Parameters
    ----------
    ground_range_m : arc length along the effective earth between the two feet.
    h1_m, h2_m : the two heights above the reflecting surface (either order).
    earth_radius_m : effective earth radius ``k·Re``.

    Returns
    -------
    TwoRayGeometry
        Where the geometry has no reflection point above the horizon (``ψ <= 0``), ``ψ = Δ = D = 0``.
    """
    d, d1, d2, ok, psi, delta = _reflected_ray(ground_range_m, h1_m, h2_m, earth_radius_m)
    a = float(earth_radius_m)
    tan_psi = np.tan(np.where(ok, psi, 1.0))
    shape = d.shape
    if len(shape) == 1:  # the kernels' own 1-D arrays (and a new one): taken as they are
        div = _kernels.divergence(d, d1, d2, tan_psi, ok, a)
    else:
        div = _kernels.divergence(
            _flat(d, shape), _flat(d1, shape), _flat(d2, shape), _flat(tan_psi, shape), _flat(ok, shape), a
        )
    return TwoRayGeometry(
        grazing_rad=np.asarray(psi, np.float64),
        path_difference_m=np.asarray(delta, np.float64),
        divergence=div.reshape(shape),
        radar_side_m=np.asarray(d1, np.float64),
    )


def _flat(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``x`` broadcast to ``shape`` as a 1-D writeable array (a compiled kernel's argument): itself
    when it is one already, else a copy. An array a compiled kernel returned is one: its memory is
    numba's (its base no NumPy array), not a view of another array."""
    if x.shape == shape and x.flags.c_contiguous and (x.flags.owndata or _kernel_owned(x)):
        return x.reshape(-1)  # never a broadcast view
    return np.broadcast_to(x, shape).flatten()


def _contiguous(*arrays: np.ndarray) -> bool:
    return all(x.flags.c_contiguous for x in arrays)


def _kernel_owned(x: np.ndarray) -> bool:
    """Whether ``x`` holds memory of its own that is not a NumPy array's (what a compiled kernel
    returns), writeable: never a view of another array, so never a broadcast one."""
    return not isinstance(x.base, np.ndarray) and x.base is not None and x.flags.writeable


def _broadcast_owned(*arrays: FloatArray) -> list[FloatArray]:
    """``numpy.broadcast_arrays`` as arrays of their own (the compiled kernels then take them without
    a copy): an array already of the common shape as it is, a scalar filled out, anything else copied."""
    shape = arrays[0].shape
    if not all(x.shape == shape or x.ndim == 0 for x in arrays):
        shape = np.broadcast_shapes(*(x.shape for x in arrays))
    return [
        x if x.shape == shape else np.full(shape, x) if x.ndim == 0 else np.broadcast_to(x, shape).copy()
        for x in arrays
    ]


def _reflected_ray(
    ground_range_m: ArrayLike, h1_m: ArrayLike, h2_m: ArrayLike, earth_radius_m: float
) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray, FloatArray, FloatArray]:
    """:func:`reflection_geometry` up to the path difference: ``(d, d1, d2, ok, psi, delta)``
    (``ok`` where there is a reflection point), without the divergence factor
    that the search for the interference edge does not need."""
    g, ha, hb = _f64(ground_range_m), _f64(h1_m), _f64(h2_m)
    shape = g.shape if g.shape == ha.shape == hb.shape else np.broadcast_shapes(g.shape, ha.shape, hb.shape)
    a = float(earth_radius_m)
    # The arithmetic runs compiled in stages (samsim.models._propagation_kernels), the same operations
    # in the same order as the formulas above; the transcendental functions stay NumPy's.
    if g.ndim == 1 and g.shape == ha.shape == hb.shape and _contiguous(g, ha, hb):
        d, h1, h2, p = _kernels.ray_heights(g, ha, hb, a, _P_SCALE)  # read only: taken as they are
    else:
        d, h1, h2, p = _kernels.ray_heights(_flat(g, shape), _flat(ha, shape), _flat(hb, shape), a, _P_SCALE)
    # cos((Φ + π)/3) = sin(arcsin(x)/3) for Φ = arccos(x): the sine form keeps its digits when p ≫ d.
    xi = np.arcsin(_kernels.cubic_argument(d, h1, h2, p**3, a))
    d1, d2, half_angle = _kernels.ray_feet(d, p, np.sin(xi / 3.0), a)
    # The ray lengths from the triangles at the earth's centre, written without differences of large
    # numbers (exact, stable for large a).
    r1, r2, rd, sin_psi, ok = _kernels.ray_lengths(h1, h2, np.sin(half_angle), a)
    psi = np.where(ok, np.arcsin(sin_psi), 0.0)
    delta = _kernels.path_difference(r1, r2, rd, np.sin(psi), ok)
    if len(shape) == 1:  # the kernels' own arrays, which the divergence kernel then takes uncopied
        return d, d1, d2, ok, psi, delta
    return (
        d.reshape(shape),
        d1.reshape(shape),
        d2.reshape(shape),
        ok.reshape(shape),
        psi.reshape(shape),
        delta.reshape(shape),
    )


def fresnel_reflection(
    grazing_rad: ArrayLike,
    relative_permittivity: float,
    conductivity_s_per_m: float,
    wavelength_m: float,
    polarization: Polarization,
) -> np.ndarray:
    """Fresnel reflection coefficient Γ (complex) of a smooth, homogeneous surface.

    Blake (1986) ch. 6; Skolnik (2001) ch. 8: with ``ε_c = ε_r - j 60 λ σ`` and
    ``s = √(ε_c - cos²ψ)``,

    ``Γ_h = (sin ψ - s) / (sin ψ + s)``, ``Γ_v = (ε_c sin ψ - s) / (ε_c sin ψ + s)``.

    Both tend to -1 at grazing incidence; ``Γ_v`` of a lossless surface vanishes at the Brewster
    angle ``tan ψ_B = 1/√ε_r``.
    """
    psi = _f64(grazing_rad)
    return _fresnel_of(
        psi, np.sin(psi), relative_permittivity, conductivity_s_per_m, wavelength_m, polarization
    )


def _fresnel_of(
    psi: FloatArray,
    sin_psi: FloatArray,
    relative_permittivity: float,
    conductivity_s_per_m: float,
    wavelength_m: float,
    polarization: Polarization,
) -> np.ndarray:
    """:func:`fresnel_reflection` given the grazing angles' sines as well (taken once by a caller
    that needs them again)."""
    eps = complex(relative_permittivity, -60.0 * wavelength_m * conductivity_s_per_m)
    s = np.sqrt(eps - np.cos(psi) ** 2 + 0j)
    if polarization == "horizontal":
        return np.asarray((sin_psi - s) / (sin_psi + s), dtype=np.complex128)
    return np.asarray((eps * sin_psi - s) / (eps * sin_psi + s), dtype=np.complex128)


def rayleigh_roughness(grazing_rad: ArrayLike, rms_height_m: float, wavelength_m: float) -> FloatArray:
    """Rayleigh roughness parameter ``g = 2π σ_h sin ψ / λ`` (Blake 1986 ch. 6)."""
    return _roughness_of(np.sin(_f64(grazing_rad)), rms_height_m, wavelength_m)


def _roughness_of(sin_psi: FloatArray, rms_height_m: float, wavelength_m: float) -> FloatArray:
    """:func:`rayleigh_roughness` from the grazing angles' sines."""
    return np.asarray(2.0 * np.pi * rms_height_m * sin_psi / wavelength_m, np.float64)


def ament_roughness(grazing_rad: ArrayLike, rms_height_m: float, wavelength_m: float) -> FloatArray:
    """Specular scattering factor of a rough surface, ``ρ_s = exp(-2 g²)`` (Ament 1953)."""
    return _ament_of(rayleigh_roughness(grazing_rad, rms_height_m, wavelength_m))


def _ament_of(g: FloatArray) -> FloatArray:
    """:func:`ament_roughness` of the Rayleigh roughness ``g``."""
    return np.asarray(np.exp(-2.0 * g * g), np.float64)


def miller_brown_vegh_roughness(
    grazing_rad: ArrayLike, rms_height_m: float, wavelength_m: float
) -> FloatArray:
    """Specular scattering factor with sea-wave statistics, ``ρ_s = exp(-2 g²) I0(2 g²)``.

    Miller, Brown and Vegh (1984): Ament's factor corrected for the non-Gaussian distribution of
    sea-wave heights; larger than Ament's for ``g > 0`` and falling as ``1/(2 g √π)`` for large g.
    Computed with the exponentially scaled Bessel function ``i0e(x) = exp(-x) I0(x)``.
    """
    return _mbv_of(rayleigh_roughness(grazing_rad, rms_height_m, wavelength_m))


def _mbv_of(g: FloatArray) -> FloatArray:
    """:func:`miller_brown_vegh_roughness` of the Rayleigh roughness ``g``."""
    return np.asarray(special.i0e(2.0 * g * g), np.float64)


def propagation_factor(
    path_difference_m: ArrayLike, wavelength_m: float, reflection: ArrayLike
) -> FloatArray:
    """Pattern-propagation factor ``F = |1 + x exp(-j 2π Δ / λ)|`` of the two-ray sum.

    ``x`` is the complex effective reflection coefficient ``ρ_s D Γ`` (Blake 1986 ch. 6, with equal
    antenna gain on both rays). Over a flat perfect reflector (``x = -1``, ``Δ = 2 h1 h2 / R``):
    ``F² = 4 sin²(2π h1 h2 / (λ R))``.
    """
    phase = -2.0 * np.pi * _f64(path_difference_m) / wavelength_m
    f = np.abs(1.0 + np.asarray(reflection, dtype=np.complex128) * np.exp(1j * phase))
    return np.asarray(np.maximum(f, _F_FLOOR), np.float64)


@dataclass(frozen=True)
class Surface:
    """A reflecting and cluttering surface: electrical constants, roughness and clutter γ."""

    kind: Literal["land", "sea"]
    relative_permittivity: float
    conductivity_s_per_m: float
    rms_height_m: float
    gamma_db: float


SURFACE_DEFAULTS: dict[str, Surface] = {
    # Average ground and sea water at S to C band, of the order tabulated by Blake (1986) ch. 6 and
    # ITU-R P.527; 1 m rms over rolling land and 0.3 m over a sea-state-3 sea (significant wave height
    # ~1.2 m, σ_h ≈ H1/3 / 4); γ from the ranges Barton (2013) ch. 9 gives for rolling land
    # (about -20 to -10 dB) and for the sea at low grazing angles. All ASSUMED typical values.
    "land": Surface(
        "land", relative_permittivity=15.0, conductivity_s_per_m=0.005, rms_height_m=1.0, gamma_db=-15.0
    ),
    "sea": Surface(
        "sea", relative_permittivity=70.0, conductivity_s_per_m=4.0, rms_height_m=0.3, gamma_db=-30.0
    ),
}
"""Typical surface constants, used where a scenario does not give its own."""


def smooth_earth_diffraction_db(
    ground_range_m: ArrayLike, h1_m: ArrayLike, h2_m: ArrayLike, earth_radius_m: float, wavelength_m: float
) -> FloatArray:
    """One-way field relative to free space, ``20 log10 F``, diffracted over a smooth sphere.

    First term of the residue series as ITU-R P.526 (section 3.1.1) writes it, with β = 1 (horizontal
    polarisation, or vertical above ~300 MHz over the sea and ~20 MHz over land): normalised distance
    ``X = (π / (λ a²))^(1/3) d`` and heights ``Y = 2 (π² / (λ² a))^(1/3) h``,

    ``F(X) = 11 + 10 log X - 17.6 X`` (X >= 1.6; ``-20 log X - 5.6488 X^1.425`` below),
    ``G(Y) = 17.6 (Y - 1.1)^½ - 5 log(Y - 1.1) - 8`` (Y >= 2; ``20 log(Y + 0.1 Y³)`` below),

    ``20 log10 F = F(X) + G(Y1) + G(Y2)``: the diffraction region of Blake (1986, ch. 6), at and beyond
    the radar horizon.
    """
    a = float(earth_radius_m)
    d = np.maximum(_f64(ground_range_m), 1.0)
    x = (np.pi / (wavelength_m * a * a)) ** (1.0 / 3.0) * d
    f_x = np.where(x >= 1.6, 11.0 + 10.0 * np.log10(x) - 17.6 * x, -20.0 * np.log10(x) - 5.6488 * x**1.425)
    return np.asarray(f_x + _height_gain_db(h1_m, a, wavelength_m) + _height_gain_db(h2_m, a, wavelength_m))


def _height_gain_db(h_m: ArrayLike, a: float, wavelength_m: float) -> FloatArray:
    """ITU-R P.526's height gain G(Y) of :func:`smooth_earth_diffraction_db`."""
    y = 2.0 * (np.pi**2 / (wavelength_m**2 * a)) ** (1.0 / 3.0) * np.maximum(_f64(h_m), 1e-3)
    excess = np.maximum(y - 1.1, 1e-9)
    high = 17.6 * np.sqrt(excess) - 5.0 * np.log10(excess) - 8.0
    return np.asarray(np.where(y >= 2.0, high, 20.0 * np.log10(y + 0.1 * y**3)), np.float64)


INTERFERENCE_EDGE = 1.0 / 6.0
"""Path difference, in wavelengths, at the edge of the interference region: at Δ = λ/6 the two-ray sum
over a smooth perfect reflector equals free space (2 sin(π/6) = 1); towards the horizon beyond it the
two-ray formulas no longer hold (Blake 1986, ch. 6: the intermediate region)."""


_EDGE_STEPS = 40  # bisection halvings: the horizon range / 2**40 is well below a micrometre


def _interference_edge_m(h1: FloatArray, h2: FloatArray, ka: float, wavelength_m: float) -> FloatArray:
    """Ground range at which the path difference falls to λ/6 (Δ falls monotonically towards the
    horizon there), by bisection between the radar and the horizon, for 1-D arrays of heights above
    the surface (both positive: the multipath region).

    The looks at a threat flying level share one pair of heights, so each distinct pair is bisected
    once. The bisection runs compiled (:func:`~samsim.models._propagation_kernels.bisect_edge`), then
    every branch it took is checked in one vectorised call of the NumPy arithmetic
    (:func:`_reflected_ray`): the compiled sine and arcsine may differ from NumPy's in the last bit, so
    a pair whose path difference sat that close to λ/6 at some midpoint is bisected again with NumPy
    (:func:`_interference_edge_numpy_m`). The result is the NumPy bisection's, bit for bit."""
    u1, u2, inverse = _distinct_pairs(_f64(h1), _f64(h2))
    return np.asarray(_edge_of_pairs_m(u1, u2, ka, wavelength_m)[inverse], np.float64)


def _edge_of_pairs_m(u1: FloatArray, u2: FloatArray, ka: float, wavelength_m: float) -> FloatArray:
    """:func:`_interference_edge_m` of distinct pairs of heights (1-D, contiguous)."""
    hi = np.sqrt(2.0 * ka * u1) + np.sqrt(2.0 * ka * u2)
    target = INTERFERENCE_EDGE * wavelength_m
    edge, mids, above = _kernels.bisect_edge(u1, u2, hi, ka, target, _EDGE_STEPS)
    n = mids.shape[1]
    checked = _reflected_ray(mids.ravel(), np.repeat(u1, n), np.repeat(u2, n), ka)[-1] > target
    redo = np.flatnonzero(np.any(checked.reshape(mids.shape) != above, axis=1))
    if redo.size:
        edge[redo] = _interference_edge_numpy_m(u1[redo], u2[redo], ka, wavelength_m)
    return np.asarray(edge, np.float64)


def _distinct_pairs(
    x: FloatArray, y: FloatArray, one_x: bool = False
) -> tuple[FloatArray, FloatArray, IntArray]:
    """The distinct pairs ``(x[i], y[i])`` of two 1-D arrays, and the index of each element's pair
    (a lexicographic sort on two float keys: cheaper than ``numpy.unique`` over rows). ``one_x``: the
    caller knows every ``x`` is one value (one radar's height), and the sort is on ``y`` alone (a
    stable sort, as ``lexsort`` is: the same order)."""
    order = np.argsort(y, kind="stable") if one_x else np.lexsort((y, x))
    xs, ys = x[order], y[order]
    first = np.ones(x.size, dtype=np.bool_)
    first[1:] = (ys[1:] != ys[:-1]) if one_x else (xs[1:] != xs[:-1]) | (ys[1:] != ys[:-1])
    inverse = np.empty(x.size, dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return xs[first], ys[first], inverse


def _interference_edge_numpy_m(h1: FloatArray, h2: FloatArray, ka: float, wavelength_m: float) -> FloatArray:
    """:func:`_interference_edge_m` by NumPy alone: the bisection's reference arithmetic."""
    lo = np.zeros_like(h1)
    hi = np.sqrt(2.0 * ka * h1) + np.sqrt(2.0 * ka * h2)
    target = INTERFERENCE_EDGE * wavelength_m
    for _ in range(_EDGE_STEPS):
        mid = 0.5 * (lo + hi)
        above = _reflected_ray(mid, h1, h2, ka)[-1] > target
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    return np.asarray(0.5 * (lo + hi), np.float64)


_EDGE_MEMO: dict[tuple[Surface, float, float, str], dict[tuple[float, float], tuple[float, ...]]] = {}
_EDGE_MEMO_SIZE = 200_000  # pairs per surface, earth and wavelength before the memo starts afresh


def multipath_f4_db(
    surface: Surface,
    ground_range_m: ArrayLike,
    radar_height_m: ArrayLike,
    target_height_m: ArrayLike,
    earth_radius_m: float,
    wavelength_m: float,
    polarization: Polarization,
) -> FloatArray:
    """Two-way propagation factor ``F⁴`` in dB (``40 log10 F``) of a target over ``surface``.

    In the interference region (path difference at least λ/6) :func:`reflection_geometry` →
    :func:`fresnel_reflection` × divergence × roughness (Ament over land, Miller–Brown–Vegh over the
    sea) → :func:`propagation_factor`; from the horizon on, :func:`smooth_earth_diffraction_db`; in the
    intermediate region between them, the dB values interpolated linearly in ground range, as Blake
    (1986, ch. 6) bridges the two.
    """
    d, h1, h2 = _broadcast_owned(
        _f64(ground_range_m), np.maximum(_f64(radar_height_m), 0.0), np.maximum(_f64(target_height_m), 0.0)
    )
    ka = float(earth_radius_m)

    def two_ray_db(grazing_rad: FloatArray, divergence: FloatArray, delta_m: FloatArray) -> FloatArray:
        # fresnel_reflection and the roughness factor, the grazing angles' sines taken once for both
        sin_psi = np.sin(grazing_rad)
        gamma = _fresnel_of(
            grazing_rad,
            sin_psi,
            surface.relative_permittivity,
            surface.conductivity_s_per_m,
            wavelength_m,
            polarization,
        )
        rough = _mbv_of if surface.kind == "sea" else _ament_of
        x = gamma * divergence * rough(_roughness_of(sin_psi, surface.rms_height_m, wavelength_m))
        f = propagation_factor(delta_m, wavelength_m, x)
        return np.asarray(20.0 * np.log10(f), np.float64)

    # Every term is elementwise: the two-ray sum is evaluated where it holds, and what depends on the
    # heights alone (the edge, the two-ray value there, the horizon) once per distinct pair of heights.
    geo = reflection_geometry(d, h1, h2, ka)
    beyond = (geo.path_difference_m < INTERFERENCE_EDGE * wavelength_m) & (h1 > 0.0) & (h2 > 0.0)
    if not beyond.any():  # every look in the interference region (elementwise: the same floats)
        return np.asarray(
            2.0 * two_ray_db(geo.grazing_rad, geo.divergence, geo.path_difference_m), np.float64
        )
    near = ~beyond
    one_way = np.empty(d.shape, dtype=np.float64)
    one_way[near] = two_ray_db(geo.grazing_rad[near], geo.divergence[near], geo.path_difference_m[near])
    b1, b2, bd = h1[beyond], h2[beyond], d[beyond]
    p1, p2, pair = _distinct_pairs(b1, b2, one_x=np.ndim(radar_height_m) == 0)
    # Per pair of heights: the edge, the horizon and the dB values there. The engine asks again
    # and again for the same pairs (a threat flying level, a radar standing still), so each pair
    # is worked out once per surface, earth and wavelength (elementwise: the same floats).
    memo = _EDGE_MEMO.setdefault((surface, ka, wavelength_m, polarization), {})
    if len(memo) > _EDGE_MEMO_SIZE:
        memo.clear()
    keys = list(zip(p1.tolist(), p2.tolist(), strict=True))
    missing = [i for i, key in enumerate(keys) if key not in memo]
    if missing:
        q1, q2 = p1[missing], p2[missing]
        edge_q = _edge_of_pairs_m(q1, q2, ka, wavelength_m)
        horizon_q = np.sqrt(2.0 * ka * q1) + np.sqrt(2.0 * ka * q2)
        at = reflection_geometry(edge_q, q1, q2, ka)
        at_edge_q = two_ray_db(at.grazing_rad, at.divergence, at.path_difference_m)
        at_horizon_q = smooth_earth_diffraction_db(horizon_q, q1, q2, ka, wavelength_m)
        rows = np.stack((edge_q, horizon_q, at_edge_q, at_horizon_q), axis=1).tolist()
        memo.update((keys[i], tuple(row)) for i, row in zip(missing, rows, strict=True))
    terms = np.array([memo[key] for key in keys], dtype=np.float64)
    edge_p, horizon_p, at_edge_p, at_horizon_p = terms.T
    edge, horizon = edge_p[pair], horizon_p[pair]
    at_edge, at_horizon = at_edge_p[pair], at_horizon_p[pair]
    u = np.clip((bd - edge) / np.maximum(horizon - edge, 1e-9), 0.0, None)
    value = at_edge + u * (at_horizon - at_edge)
    # beyond the horizon, the diffraction formula itself (the engine masks those targets anyway)
    far = ~(u <= 1.0)
    if far.any():
        value[far] = smooth_earth_diffraction_db(bd[far], b1[far], b2[far], ka, wavelength_m)
    one_way[beyond] = value
    return np.asarray(2.0 * one_way, np.float64)


def surface_grazing_rad(range_m: ArrayLike, radar_height_m: ArrayLike, earth_radius_m: float) -> FloatArray:
    """Grazing angle at the surface point at slant range R from an antenna at height h.

    Triangle at the earth's centre (Skolnik 2001 ch. 7; Barton 2013 ch. 9):
    ``sin ψ = (2 a h + h² - R²) / (2 a R)``; 0 beyond the surface horizon.
    """
    r = np.maximum(_f64(range_m), 1e-9)
    h = _f64(radar_height_m)
    a = float(earth_radius_m)
    return np.asarray(np.arcsin(np.clip((2.0 * a * h + h * h - r * r) / (2.0 * a * r), 0.0, 1.0)), np.float64)


def surface_depression_rad(
    range_m: ArrayLike, radar_height_m: ArrayLike, earth_radius_m: float
) -> FloatArray:
    """Depression angle below the antenna's horizontal of the surface point at slant range R.

    ``sin θ = (2 a h + h² + R²) / (2 (a + h) R)`` from the same triangle as
    :func:`surface_grazing_rad`.
    """
    r = np.maximum(_f64(range_m), 1e-9)
    h = _f64(radar_height_m)
    a = float(earth_radius_m)
    return np.asarray(
        np.arcsin(np.clip((2.0 * a * h + h * h + r * r) / (2.0 * (a + h) * r), 0.0, 1.0)), np.float64
    )


def clutter_rcs_m2(
    gamma_db: float,
    range_m: ArrayLike,
    grazing_rad: ArrayLike,
    azimuth_beamwidth_rad: float,
    range_resolution_m: float,
) -> FloatArray:
    """Clutter RCS of the pulse-limited cell at range R, constant-γ model.

    ``σ_c = σ⁰ A``, ``σ⁰ = γ sin ψ`` (Barton 2013 ch. 9), ``A = R θ_az ΔR sec ψ`` (Skolnik 2001
    ch. 7, low grazing: the cell is limited by the pulse, not the elevation beam).
    """
    psi = _f64(grazing_rad)
    area_m2 = _f64(range_m) * azimuth_beamwidth_rad * range_resolution_m / np.cos(psi)
    return np.asarray(10.0 ** (gamma_db / 10.0) * np.sin(psi) * area_m2, np.float64)


def gaussian_two_way_gain(offset_rad: ArrayLike, beamwidth_rad: float) -> FloatArray:
    """Two-way gain of a Gaussian beam, relative to its peak: ``exp(-8 ln 2 (θ/θ3)²)``.

    The one-way power pattern ``exp(-4 ln 2 (θ/θ3)²)`` is -3 dB at half the 3-dB beamwidth
    (Barton 2013 ch. 5, Gaussian approximation of the main lobe), squared for transmit and receive.
    """
    t = _f64(offset_rad) / beamwidth_rad
    return np.asarray(np.exp(-8.0 * np.log(2.0) * t * t), np.float64)


def residual_clutter_m2(
    gamma_db: float,
    range_m: FloatArray,
    radar_height_m: float,
    earth_radius_m: float,
    elevation_rad: FloatArray,
    azimuth_beamwidth_rad: float,
    elevation_beamwidth_rad: float,
    range_resolution_m: float,
    improvement_db: float,
) -> FloatArray:
    """Surface clutter left in the target's cell after the radar's clutter improvement factor, for a
    beam pointed at elevation ``elevation_rad`` and range ``range_m`` (arrays of broadcastable
    shapes: a scan's looks or a coverage grid), m².

    ``σ_c = γ sin ψ · R θ_az ΔR sec ψ`` (:func:`clutter_rcs_m2` at the grazing angle of
    :func:`surface_grazing_rad`), weighted by the two-way Gaussian gain of the beam at the surface
    point's offset below it (:func:`gaussian_two_way_gain` at the elevation plus
    :func:`surface_depression_rad`) and divided by the improvement factor ``I``: Barton (2013) ch. 5 and
    9, Skolnik (2001) ch. 3 and 7. The same floats as those functions composed; the arithmetic between
    the NumPy arc sines, sine, cosine and exponential runs compiled.
    """
    r_in, el_in = _f64(range_m), _f64(elevation_rad)
    if r_in.ndim == 1 and r_in.shape == el_in.shape and _contiguous(r_in, el_in):
        shape, r, elevation = r_in.shape, r_in, el_in  # a scan's looks: the kernels take them as they are
    else:
        r_any, el_any = np.broadcast_arrays(r_in, el_in)
        shape = r_any.shape
        # the kernels walk 1-D arrays: a grid's points in a row, the result given the grid's shape
        r, elevation = np.ascontiguousarray(r_any).reshape(-1), np.ascontiguousarray(el_any).reshape(-1)
    a = float(earth_radius_m)
    grazing_sin, depression_sin = _kernels.surface_sines(r, float(radar_height_m), a)
    psi = np.arcsin(grazing_sin)
    cell_m2, exponent = _kernels.clutter_terms(
        r,
        np.sin(psi),
        np.cos(psi),
        elevation,
        np.arcsin(depression_sin),
        10.0 ** (gamma_db / 10.0),
        azimuth_beamwidth_rad,
        range_resolution_m,
        elevation_beamwidth_rad,
        float(-8.0 * np.log(2.0)),
    )
    return np.asarray(cell_m2 * np.exp(exponent) * 10.0 ** (-improvement_db / 10.0), np.float64).reshape(
        shape
    )


def sinr_db(snr_db: ArrayLike, scr_db: ArrayLike) -> FloatArray:
    """Signal to noise-plus-clutter, ``1 / (1/SNR + 1/SCR)`` in dB (Skolnik 2001 ch. 3)."""
    inv = 10.0 ** (-_f64(snr_db) / 10.0) + 10.0 ** (-_f64(scr_db) / 10.0)
    return np.asarray(-10.0 * np.log10(inv), np.float64)
