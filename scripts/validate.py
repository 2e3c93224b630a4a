"""Validation report: calibration (inputs shown as inputs) apart from validation (independent references).

    python scripts/validate.py                  # writes docs/validation.md and docs/img/validation/*.png
    python scripts/validate.py --no-peers       # without the Stone Soup / FilterPy / public-WTA runs
    python scripts/validate.py --out /tmp/v.md --img-dir /tmp/img

Each ``*_checks`` function returns validation :class:`Check` rows (samsim's value through the engine's
own functions, named in ``SECTION_CODE``, against a reference that is not an input of the model, of a
kind in ``VALIDATION_BASES``, and the tolerance the reference allows); ``published_claims`` returns
:class:`Claim` rows of public figures the models did not take as input; ``calibration_claims`` the
inputs with what the engine reads back from them; the ``peer_*`` functions run the peer benchmarks of
``benchmarks/``. ``tests/test_docs.py`` imports the check functions and asserts every
row is within its tolerance. Everything is seeded; only the peer timings vary from run to run.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import NDArray
from scipy import integrate, optimize, special, stats

import samsim
from samsim import catalog
from samsim.c2.intercept import predict_intercept, predict_intercept_by_altitude
from samsim.c2.wta import check_assignment, expected_surviving_value, solve_wta
from samsim.constants import (
    G0_MPS2,
    GM_M3PS2,
    MEAN_EARTH_RADIUS_M,
    SPEED_OF_LIGHT_MPS,
    STANDARD_REFRACTION_K,
    WGS84_B_M,
)
from samsim.geodesy import (
    ecef_to_geodetic,
    geodesic_inverse,
    geodetic_to_ecef,
)
from samsim.models import ballistic, flyout, horizon, jamming, lethality, propagation, radar
from samsim.sim import sensing
from samsim.sim.sensing import RadarGeometry, visible
from samsim.tracking import Tracker, gnn, kalman
from samsim.tracking.models import alpha_beta_gains, dwna_process_noise, ncv_process_noise, ncv_transition

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
DEFAULT_OUT = ROOT / "docs" / "validation.md"
DEFAULT_IMG = ROOT / "docs" / "img" / "validation"
SEED = 20240817
DPI = 100

FloatArray = NDArray[np.float64]


# ---------------------------------------------------------------------------------------------------
# Result rows


@dataclass(frozen=True)
class Check:
    """One comparison of samsim against a reference, with the tolerance the reference allows."""

    model: str
    reference: str
    case: str
    value: float
    expected: float
    unit: str
    tolerance: float
    relative: bool = False
    digits: int = 5
    basis: str | None = None  # what the reference is, when not the section's (SECTION_BASIS)

    @property
    def reference_basis(self) -> str:
        """What kind of reference the row compares with: one of :data:`VALIDATION_BASES`."""
        return self.basis if self.basis is not None else SECTION_BASIS[self.model]

    @property
    def error(self) -> float:
        """samsim minus reference, in ``unit``."""
        return self.value - self.expected

    @property
    def relative_error(self) -> float:
        return self.error / abs(self.expected) if self.expected != 0.0 else math.inf

    @property
    def passed(self) -> bool:
        if not (math.isfinite(self.value) and math.isfinite(self.expected)):
            return False
        if self.relative:
            return abs(self.relative_error) <= self.tolerance
        return abs(self.error) <= self.tolerance

    def error_text(self) -> str:
        if self.relative:
            return f"{100.0 * self.relative_error:+.3g} %"
        return f"{self.error:+.3g} {self.unit}".rstrip()

    def tolerance_text(self) -> str:
        if self.relative:
            return f"± {100.0 * self.tolerance:.3g} %"
        return f"± {self.tolerance:.3g} {self.unit}".rstrip()


@dataclass(frozen=True)
class Claim:
    """A public figure of the catalog and what samsim's models reproduce from it."""

    item: str
    figure: str
    source: str
    published: float
    reproduced: float
    unit: str
    method: str

    @property
    def difference_pct(self) -> float:
        return 100.0 * (self.reproduced - self.published) / self.published


def _fmt(x: float, digits: int = 5) -> str:
    if not math.isfinite(x):
        return str(x)
    if x == 0.0:
        return "0"
    if abs(x) >= 1e6 or abs(x) < 1e-3:
        return f"{x:.{digits - 1}e}"
    return f"{x:.{digits}g}"


# ---------------------------------------------------------------------------------------------------
# Radar horizon


def horizon_curves(
    heights_m: FloatArray, antenna_m: Sequence[float] = (8.0, 25.0, 39.0)
) -> dict[str, FloatArray]:
    """Horizon range (km) against target height for a few antenna heights, k = 4/3 and k = 1."""
    out: dict[str, FloatArray] = {"height_m": heights_m}
    for h1 in antenna_m:
        out[f"{h1:g} m, k = 4/3"] = horizon.horizon_ground_range_m(h1, heights_m) / 1000.0
    out[f"{antenna_m[1]:g} m, k = 1"] = horizon.horizon_ground_range_m(antenna_m[1], heights_m, 1.0) / 1000.0
    return out


def _visibility_cutoff_m(antenna_m: float, target_m: float, k: float) -> float:
    """Ground range at which the engine's visibility test (sensing.visible) switches off."""
    spec = catalog.radar("96L6E")
    geom = RadarGeometry(enu_m=np.zeros(3), spec=spec, antenna_height_m=antenna_m, refraction_k=k)
    radius = MEAN_EARTH_RADIUS_M

    def seen(ground_m: float) -> bool:
        phi = ground_m / radius
        rel = np.array([[0.0, (radius + target_m) * math.sin(phi), 0.0]])
        rel[0, 2] = (radius + target_m) * math.cos(phi) - (radius + antenna_m)
        mask, _, _, _ = visible(geom, rel, np.array([target_m]))
        return bool(mask[0])

    lo, hi = 1_000.0, 200_000.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if seen(mid) else (lo, mid)
    return 0.5 * (lo + hi)


def horizon_checks() -> list[Check]:
    model = "Radar horizon"
    ref = "Skolnik 2001 §8.2, 4/3 earth: d = 4.12 (√h₁ + √h₂) km, h in m"
    rule = 4.12 * (math.sqrt(30.0) + math.sqrt(50.0))
    k43 = 4.0 / 3.0
    a_m = k43 * MEAN_EARTH_RADIUS_M
    exact_tangent = math.sqrt(2 * a_m * 8.0 + 8.0**2) + math.sqrt(2 * a_m * 100.0 + 100.0**2)
    return [
        Check(
            model,
            ref,
            "antenna 30 m, target 50 m, k = 4/3 (`horizon_range_m`)",
            float(horizon.horizon_range_m(30.0, 50.0)) / 1000.0,
            rule,
            "km",
            0.002,
            relative=True,
        ),
        Check(
            model,
            "Blake 1986: exact tangent ray on the k·Rₑ sphere, arc a(θ₁ + θ₂), cos θ = a/(a + h)",
            "antenna 8 m, target 100 m (`horizon_ground_range_m` vs tangent lengths √(2ah + h²))",
            float(horizon.horizon_ground_range_m(8.0, 100.0)) / 1000.0,
            exact_tangent / 1000.0,
            "km",
            1e-4,
            relative=True,
        ),
        Check(
            model,
            "same closed form, through the engine's visibility test",
            "antenna 25 m, target 50 m: range where `sensing.visible` turns off",
            _visibility_cutoff_m(25.0, 50.0, k43) / 1000.0,
            float(horizon.horizon_ground_range_m(25.0, 50.0)) / 1000.0,
            "km",
            0.01,
        ),
        Check(
            model,
            "geometric horizon (k = 1): d = √(2Rₑh₁) + √(2Rₑh₂)",
            "antenna 25 m, target 1000 m, k = 1",
            float(horizon.horizon_range_m(25.0, 1000.0, 1.0)) / 1000.0,
            (math.sqrt(2 * MEAN_EARTH_RADIUS_M * 25.0) + math.sqrt(2 * MEAN_EARTH_RADIUS_M * 1000.0))
            / 1000.0,
            "km",
            1e-9,
            relative=True,
        ),
    ]


# ---------------------------------------------------------------------------------------------------
# Detection


def pd_swerling0_quadrature(snr: float, pfa: float) -> float:
    """Marcum's Q₁ by numerical quadrature of the Rice density of the normalised power (Marcum 1960).

    Independent of scipy's noncentral chi-square: ``Pd = ∫_T^∞ e^{-(x+S)} I₀(2√(S x)) dx``,
    ``T = -ln Pfa``, evaluated as ``i0e(2√(Sx)) e^{-(√x - √S)²}`` to stay finite.
    """
    threshold = -math.log(pfa)

    def density(x: float) -> float:
        return float(
            special.i0e(2.0 * math.sqrt(snr * x)) * math.exp(-((math.sqrt(x) - math.sqrt(snr)) ** 2))
        )

    peak = max(threshold, snr)
    a, _ = integrate.quad(density, threshold, peak, limit=200, epsabs=1e-13)
    b, _ = integrate.quad(density, peak, np.inf, limit=200, epsabs=1e-13)
    return float(a + b)


def pd_fluctuating_quadrature(snr: float, pfa: float, dof: int) -> float:
    """Swerling 1 (dof 2) or 3 (dof 4): the Marcum Pd averaged over the chi-square SNR density.

    ``Pd = ∫ Pd₀(S u) f(u) du`` with u ~ Gamma(dof/2, 2/dof), mean 1 (Swerling 1960).
    """
    threshold = -math.log(pfa)
    shape = dof / 2.0

    def integrand(u: float) -> float:
        pd0 = float(stats.ncx2.sf(2.0 * threshold, 2.0, 2.0 * snr * u))
        return pd0 * float(stats.gamma.pdf(u, shape, scale=1.0 / shape))

    val, _ = integrate.quad(integrand, 0.0, np.inf, limit=400, epsabs=1e-12)
    return float(val)


def required_snr_quadrature_db(pd: float, pfa: float, swerling: int) -> float:
    """SNR (dB) at which the quadrature Pd of the Swerling case equals ``pd`` (Brent's method)."""

    def pd_of(snr_db: float) -> float:
        snr = 10.0 ** (snr_db / 10.0)
        if swerling == 0:
            return pd_swerling0_quadrature(snr, pfa)
        return pd_fluctuating_quadrature(snr, pfa, 2 if swerling == 1 else 4)

    return float(optimize.brentq(lambda s: pd_of(s) - pd, 0.0, 40.0, xtol=1e-9))


def pd_curves(pfa: float = 1e-6) -> dict[str, FloatArray]:
    """Pd against SNR: exact Swerling 0/1/3, and the required SNR of Albersheim and Shnidman."""
    snr_db = np.linspace(-2.0, 32.0, 341)
    pd_grid = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99])
    out: dict[str, FloatArray] = {"snr_db": snr_db, "pd_grid": pd_grid}
    for sw in radar.SWERLING_CASES:
        out[f"exact_{sw}"] = radar.probability_of_detection(snr_db, pfa, sw)
        out[f"shnidman_{sw}"] = radar.shnidman_snr_db(pd_grid, pfa, 1, sw)
    out["albersheim_0"] = radar.albersheim_snr_db(pd_grid, pfa)
    return out


def detection_checks() -> list[Check]:
    model = "Detection (Pd, range equation)"
    pd, pfa = 0.9, 1e-6
    case = "Pd 0.9, Pfa 1e-6, one look"
    exact = {sw: float(radar.required_snr_db(pd, pfa, sw)) for sw in radar.SWERLING_CASES}
    rows = [
        Check(
            model,
            "Marcum 1960, Q₁ by quadrature of the Rice density (published 13.18 dB)",
            f"Swerling 0 required SNR, {case}",
            exact[0],
            required_snr_quadrature_db(pd, pfa, 0),
            "dB",
            0.005,
            basis="numerical reference",
        ),
        Check(
            model,
            "Swerling 1960 case 1: Pd = Pfa^(1/(1+S)), i.e. S = ln Pfa / ln Pd − 1 = 21.14 dB; "
            "here by quadrature over the χ²₂ fluctuation",
            f"Swerling 1 required SNR, {case}",
            exact[1],
            required_snr_quadrature_db(pd, pfa, 1),
            "dB",
            0.005,
            basis="numerical reference",
        ),
        Check(
            model,
            "Swerling 1960 case 3: Marcum Pd averaged over the χ²₄ fluctuation, by quadrature",
            f"Swerling 3 required SNR, {case}",
            exact[3],
            required_snr_quadrature_db(pd, pfa, 3),
            "dB",
            0.005,
            basis="numerical reference",
        ),
        Check(
            model,
            "Albersheim 1981 closed form (stated accuracy 0.2 dB)",
            f"Swerling 0: exact vs Albersheim, {case}",
            exact[0],
            float(radar.albersheim_snr_db(pd, pfa)),
            "dB",
            0.2,
        ),
    ]
    for sw in radar.SWERLING_CASES:
        rows.append(
            Check(
                model,
                "Shnidman 2002 closed form (stated accuracy 0.5 dB)",
                f"Swerling {sw}: exact vs Shnidman, {case}",
                exact[sw],
                float(radar.shnidman_snr_db(pd, pfa, 1, sw)),
                "dB",
                0.5,
            )
        )
    rows += [
        Check(
            model,
            "Skolnik 2001 ch. 2: thermal noise k·T₀ = −174 dBm/Hz",
            "`noise_power_dbw`, F = 0 dB, B = 1 Hz (in dBm)",
            float(radar.noise_power_dbw(0.0, 1.0)) + 30.0,
            10.0 * math.log10(1.380649e-23 * 290.0) + 30.0,
            "dB",
            1e-9,
            basis="published value",
        ),
    ]
    return rows


# ---------------------------------------------------------------------------------------------------
# Jamming

_JAM = {
    "peak_power_w": 1.0e6,
    "antenna_gain_db": 40.0,
    "wavelength_m": 0.03,
    "noise_figure_db": 4.0,
    "bandwidth_hz": 10e6,
    "losses_db": 6.0,
    "rcs_m2": 1.2,
    "erp_dbw": 30.0,
    "jammer_bandwidth_hz": 100e6,
}


def _jam_snr_jnr_db(range_m: float) -> tuple[float, float]:
    p = _JAM
    snr = radar.snr_db_radar_equation(
        range_m,
        p["rcs_m2"],
        p["peak_power_w"],
        p["antenna_gain_db"],
        p["wavelength_m"],
        p["noise_figure_db"],
        p["bandwidth_hz"],
        p["losses_db"],
    )
    jnr = jamming.jammer_to_noise_db(
        range_m,
        p["erp_dbw"],
        p["jammer_bandwidth_hz"],
        p["antenna_gain_db"],
        p["wavelength_m"],
        p["noise_figure_db"],
        p["bandwidth_hz"],
        p["losses_db"],
    )
    return float(snr), float(jnr)


def jamming_checks() -> list[Check]:
    model = "Noise jamming, burn-through"
    p = _JAM
    q_db = float(radar.required_snr_db(0.5, 1e-6, 1))
    q = 10.0 ** (q_db / 10.0)
    r0 = 100e3
    snr0, jnr0 = _jam_snr_jnr_db(r0)
    # textbook self-screening burn-through, J >> N: R² = Pt G σ Bj / (4π ERP Br (S/J)req), equal losses
    g = 10.0 ** (p["antenna_gain_db"] / 10.0)
    erp = 10.0 ** (p["erp_dbw"] / 10.0)
    textbook_m = math.sqrt(
        p["peak_power_w"]
        * g
        * p["rcs_m2"]
        * p["jammer_bandwidth_hz"]
        / (4 * math.pi * erp * p["bandwidth_hz"] * q)
    )
    # J/N by linear evaluation
    k_t0 = 1.380649e-23 * 290.0
    loss = 10.0 ** (p["losses_db"] / 10.0)
    nf = 10.0 ** (p["noise_figure_db"] / 10.0)
    j_w = (
        erp
        * g
        * p["wavelength_m"] ** 2
        / ((4 * math.pi) ** 2 * r0**2 * loss)
        * (p["bandwidth_hz"] / p["jammer_bandwidth_hz"])
    )
    jnr_linear_db = 10.0 * math.log10(j_w / (k_t0 * nf * p["bandwidth_hz"]))

    def margin(r: float) -> float:
        s, j = _jam_snr_jnr_db(r)
        return float(jamming.snr_with_jamming_db(s, j)) - q_db

    root_m = float(optimize.brentq(margin, 100.0, 1e6, xtol=1e-6))
    case = "X-band radar 1 MW, 40 dB, B 10 MHz; σ 1.2 m²; jammer 30 dBW over 100 MHz; Pd 0.5 SW1"
    return [
        Check(
            model,
            "Schleher 1999 / Skolnik 2001 (ECCM): J = ERP G λ² (Br/Bj) / ((4π)² R² L), J/N = J/(kT₀FBr)",
            "J/N at 100 km (`jammer_to_noise_db` vs linear evaluation)",
            jnr0,
            jnr_linear_db,
            "dB",
            1e-9,
        ),
        Check(
            model,
            "Skolnik 2001 / Mahafza 2013: R_bt² = Pt G σ Bj / (4π ERP Br (S/J)req), J ≫ N",
            case + " (`burn_through_range_jammer_dominated_m`)",
            float(jamming.burn_through_range_jammer_dominated_m(q_db, snr0, jnr0, r0)) / 1000.0,
            textbook_m / 1000.0,
            "km",
            1e-9,
            relative=True,
        ),
        Check(
            model,
            "S/(N+J) = q solved numerically (Brent) on SNR ∝ R⁻⁴, J/N ∝ R⁻²",
            case + " (`burn_through_range_m`, thermal noise included)",
            float(jamming.burn_through_range_m(q_db, snr0, jnr0, r0)) / 1000.0,
            root_m / 1000.0,
            "km",
            1e-7,
            relative=True,
            basis="numerical reference",
        ),
    ]


# ---------------------------------------------------------------------------------------------------
# Tracking


def nees_series(seed: int = SEED, n_tracks: int = 300, scans: int = 100) -> FloatArray:
    """Average normalised estimation error squared of samsim's Tracker (NCV, 2-D) on matched truth.

    ``n_tracks`` independent targets far apart follow the tracker's own CWNA model (q = 1 m²/s³,
    1 s scans, σ = 10 m per axis) with initial velocities drawn from its initiation prior
    (300 m/s per axis), so the estimation error is exactly N(0, P) and NEES ~ χ²₄ per track
    (Bar-Shalom, Li & Kirubarajan 2001, §5.4).
    """
    rng = np.random.default_rng(seed)
    dt, q, sigma = 1.0, 1.0, 10.0
    x = np.zeros((n_tracks, 4))
    x[:, 0] = np.arange(n_tracks) * 100e3
    x[:, 2:] = rng.normal(0.0, 300.0, (n_tracks, 2))
    f = ncv_transition(dt, 2)
    chol = np.linalg.cholesky(ncv_process_noise(dt, q, 2))
    tracker = Tracker(
        ndim=2,
        model="ncv",
        q=q,
        gate=50.0,
        confirm_hits=1,
        max_misses=10_000,
        init_velocity_sigma_mps=300.0,
        measurement_sigma_m=sigma,
    )
    out = np.empty(scans)
    for k in range(scans):
        if k:
            x = x @ f.T + rng.standard_normal((n_tracks, 4)) @ chol.T
        z = x[:, :2] + rng.normal(0.0, sigma, (n_tracks, 2))
        res = tracker.step(k * dt, z)
        if not np.array_equal(res.track_of_measurement, np.arange(n_tracks)):
            raise RuntimeError("tracks and targets lost their one-to-one pairing")
        err = x - tracker.mean
        out[k] = float(np.mean(np.einsum("ni,nij,nj->n", err, np.linalg.inv(tracker.cov), err)))
    return out


def steady_state_gains(lam: float) -> tuple[float, float]:
    """Steady-state Kalman gain of samsim's batched kernels on the 1-D DWNA model with index ``lam``."""
    dt, sigma = 1.0, 10.0
    f = ncv_transition(dt, 1)
    q = dwna_process_noise(dt, lam * sigma / dt**2, 1)
    mean = np.zeros((1, 2))
    cov = np.eye(2)[None] * 1e6
    r = np.array([[[sigma**2]]])
    for _ in range(500):
        mean, cov = kalman.predict(mean, cov, f, q)
        gain = cov[0, :, 0] / (cov[0, 0, 0] + sigma**2)
        mean, cov, _ = kalman.update_position(mean, cov, np.zeros((1, 1)), r)
    return float(gain[0]), float(gain[1] * dt)


def _gnn_objective(pairs: dict[int, int], dist: FloatArray, gate: float, n_tracks: int) -> float:
    return sum(float(dist[t, m]) for t, m in pairs.items()) + gate * (n_tracks - len(pairs))


def gnn_max_objective_gap(seed: int = SEED, problems: int = 100) -> float:
    """Largest relative gap between samsim's clustered GNN and one dense linear assignment."""
    rng = np.random.default_rng(seed)
    gate = 3.0
    worst = 0.0
    for _ in range(problems):
        n_t, n_m = int(rng.integers(2, 40)), int(rng.integers(2, 40))
        dist = rng.uniform(0.0, 6.0, (n_t, n_m))
        tr, me = np.nonzero(dist < gate)
        ours = gnn(n_t, n_m, tr.astype(np.int64), me.astype(np.int64), dist[tr, me], gate)
        got = {t: int(m) for t, m in enumerate(ours.tolist()) if m >= 0}
        cost = np.where(dist < gate, dist - gate, 0.0)
        rows, cols = optimize.linear_sum_assignment(cost)
        ref = {int(r): int(c) for r, c in zip(rows, cols, strict=True) if cost[r, c] < 0.0}
        a = _gnn_objective(got, dist, gate, n_t)
        b = _gnn_objective(ref, dist, gate, n_t)
        worst = max(worst, abs(a - b) / b)
    return worst


def tracking_checks(seed: int = SEED) -> list[Check]:
    model = "Tracking filter"
    nees = nees_series(seed)
    n_tracks = 300
    lo, hi = stats.chi2.ppf([0.025, 0.975], 4 * n_tracks) / n_tracks
    inside = float(np.mean((nees >= lo) & (nees <= hi)))
    alpha, beta = steady_state_gains(1.0)
    a_half, b_half = alpha_beta_gains(0.5)
    alpha_half, beta_half = steady_state_gains(0.5)
    return [
        Check(
            model,
            "Bar-Shalom, Li & Kirubarajan 2001 §5.4: E[NEES] = state dimension (4)",
            "`Tracker` NCV 2-D, 300 tracks × 100 scans on matched truth: mean NEES",
            float(np.mean(nees)),
            4.0,
            "",
            0.05,
            relative=True,
        ),
        Check(
            model,
            f"χ² test: average NEES of 300 tracks inside [{lo:.2f}, {hi:.2f}] at 95 %",
            "fraction of the 100 scans inside the two-sided 95 % band",
            inside,
            0.95,
            "",
            0.06,
        ),
        Check(
            model,
            "Kalata 1984: tracking index λ = 1 gives α = 0.75",
            "steady-state Kalman gain of `kalman.predict`/`update_position`, DWNA, σ_a·T²/σ = 1",
            alpha,
            0.75,
            "",
            1e-9,
        ),
        Check(model, "Kalata 1984: λ = 1 gives β = 0.5", "same, velocity gain × T", beta, 0.5, "", 1e-9),
        Check(
            model,
            "Kalata 1984 closed form (`alpha_beta_gains`)",
            "λ = 0.5: α from the Kalman iteration vs the closed form",
            alpha_half,
            a_half,
            "",
            1e-9,
        ),
        Check(model, "Kalata 1984 closed form", "λ = 0.5: β", beta_half, b_half, "", 1e-9),
        Check(
            model,
            "Blackman & Popoli 1999 §6.5: GNN optimum = dense linear assignment (SciPy)",
            "100 random gated problems up to 40 × 40: largest relative objective gap",
            gnn_max_objective_gap(seed),
            0.0,
            "",
            1e-12,
            basis="independent implementation",
        ),
    ]


# ---------------------------------------------------------------------------------------------------
# Intercept geometry


def collision_triangle_tof(q_m: FloatArray, v_mps: FloatArray, speed_mps: float) -> FloatArray:
    """Time to intercept of a constant-speed interceptor by the law of sines (Shneydor 1998, ch. 1).

    With β the angle at the target between its velocity and the line to the launcher and ``R`` the
    range: lead angle ``sin L = (v/s) sin β`` and ``t = R / (s cos L + v cos β)``.
    """
    rng = np.linalg.norm(q_m, axis=1)
    vt = np.linalg.norm(v_mps, axis=1)
    to_launcher = -q_m / rng[:, None]
    cos_b = np.sum(v_mps * to_launcher, axis=1) / vt
    sin_b = np.sqrt(np.maximum(1.0 - cos_b**2, 0.0))
    sin_l = vt / speed_mps * sin_b
    return np.asarray(rng / (speed_mps * np.sqrt(1.0 - sin_l**2) + vt * cos_b), dtype=np.float64)


def intercept_checks(seed: int = SEED) -> list[Check]:
    model = "Intercept geometry"
    rng = np.random.default_rng(seed)
    n = 200
    pos = np.column_stack([rng.uniform(-150e3, 150e3, (n, 2)), rng.uniform(100.0, 20e3, n)])
    vel = np.column_stack([rng.uniform(-300.0, 300.0, (n, 2)), rng.uniform(-20.0, 20.0, n)])
    speed = 1200.0
    t_grid = np.arange(0.0, 400.5, 1.0)
    tof, pip = predict_intercept(pos, vel, np.zeros((1, 3)), t_grid, speed * t_grid)
    ref = collision_triangle_tof(pos, vel, speed)
    ref_pip = pos + vel * ref[:, None]
    spec = catalog.interceptor("48N6E3")
    params = flyout.interceptor_params(**spec.flyout, max_accel_mps2=spec.max_g * G0_MPS2)
    t_r, r_r, _ = flyout.reach_profile(params, target_alt_m=10e3)
    tof2, pip2 = predict_intercept(pos, vel, np.zeros((1, 3)), t_r, r_r)
    ok = np.isfinite(tof2[:, 0])
    resid = np.abs(np.linalg.norm(pip2[ok, 0], axis=1) - np.interp(tof2[ok, 0], t_r, r_r))
    return [
        Check(
            model,
            "Shneydor 1998 ch. 1: collision triangle, sin L = (v/s) sin β",
            "200 random tracks, r(t) = 1200 m/s · t: largest relative error of the time of flight",
            float(np.max(np.abs(tof[:, 0] - ref) / ref)),
            0.0,
            "",
            1e-9,
        ),
        Check(
            model,
            "same: PIP = p + v·t",
            "largest PIP position error",
            float(np.max(np.linalg.norm(pip[:, 0] - ref_pip, axis=1))),
            0.0,
            "m",
            1e-3,
        ),
        Check(
            model,
            "definition: |PIP − L| = r(t) on the guided reach table",
            f"48N6E3 reach table at 10 km, {int(ok.sum())} feasible tracks: largest |‖PIP‖ − r(t)|",
            float(np.max(resid)),
            0.0,
            "m",
            1e-3,
        ),
        Check(
            model,
            "the flyout's own flight against a moving target (the tables are flown at stationary points)",
            "48N6E3, 9M96E2: targets crossing and closing at 250-300 m/s, 35-90 km out, at 12.5, 17 "
            "and 22 km (between the tables' rows): largest |flown − planned time of flight|",
            _planned_against_flown_s(),
            0.0,
            "s",
            1.5,
            digits=3,
            basis="numerical reference",
        ),
    ]


def _planned_against_flown_s() -> float:
    """The largest difference between the time of flight planned with the reach tables by altitude
    (:func:`samsim.c2.intercept.predict_intercept_by_altitude`, the engine's tables) and the one the
    engine's flyout then flies, each launched at its plan against a constant-velocity target."""
    from samsim.sim.weapons import weapon_type

    center = np.array([0.0, 0.0, -MEAN_EARTH_RADIUS_M])
    worst = 0.0
    for name in ("48N6E3", "9M96E2"):
        w = weapon_type(catalog.interceptor(name))
        for alt_m in (12_500.0, 17_000.0, 22_000.0):
            for ground_m, speed in ((35e3, 250.0), (60e3, 300.0), (90e3, 250.0)):
                ang = ground_m / MEAN_EARTH_RADIUS_M
                rad = MEAN_EARTH_RADIUS_M + alt_m
                p = np.array([[0.0, rad * math.sin(ang), rad * math.cos(ang) - MEAN_EARTH_RADIUS_M]])
                v = np.array([[speed, -0.5 * speed, 0.0]])
                tof, _ = predict_intercept_by_altitude(
                    p,
                    v,
                    np.zeros((1, 3)),
                    w.reach.time_s,
                    w.reach.alt_m,
                    w.reach.range_m[None],
                    np.zeros((1, 3)),
                    center,
                    MEAN_EARTH_RADIUS_M,
                )
                plan_s = float(tof[0, 0])
                state = flyout.empty_state(1)
                flyout.launch(
                    state,
                    0,
                    time_s=0.0,
                    position_m=np.zeros(3),
                    params=w.params,
                    target=0,
                    track_pos_m=p[0],
                    track_vel_mps=v[0],
                    track_time_s=0.0,
                    aim_m=p[0] + v[0] * plan_s,
                    intercept_s=plan_s,
                    center_enu_m=center,
                )
                times = np.arange(0.0, 401.0)
                truth = flyout.ThreatTruth(
                    p[:, None, :] + v[:, None, :] * times[None, :, None], np.zeros(1), 1.0, np.full(1, np.inf)
                )
                t = 0.0
                while t < 400.0 and state.status[0] in (flyout.MIDCOURSE, flyout.TERMINAL):
                    flyout.advance(state, truth, t, t + 1.0, 0.1, center, MEAN_EARTH_RADIUS_M)
                    t += 1.0
                if state.status[0] != flyout.INTERCEPT:
                    return math.inf
                worst = max(worst, abs(float(state.end_s[0]) - plan_s))
    return worst


# ---------------------------------------------------------------------------------------------------
# Proportional navigation


PN_ALT_M = 10_000.0


def pn_engagement(
    nav_ratio: FloatArray,
    tau_s: FloatArray,
    max_accel_mps2: FloatArray,
    target_g: float,
    t_f: float,
    *,
    missile_mps: float = 3000.0,
    target_mps: float = 1000.0,
    dt_s: float = 1e-3,
) -> tuple[FloatArray, FloatArray]:
    """Zarchan's head-on reference engagement flown by the engine's compiled flyout kernel, batched.

    Missile at ``missile_mps`` and target at ``target_mps`` head-on (closing 4000 m/s) 10 km up, flight
    time ``t_f``; the target pulls ``target_g`` normal to the initial line of sight from t = 0 (a step
    manoeuvre). Each case is one slot of :func:`samsim.models.flyout.advance` (true PN on the target
    from launch: seeker range beyond the engagement, no guidance delay), made Zarchan's point mass by
    its parameters: no motor, no zero-lift or induced drag (``cd_scale = 0``, ``induced_drag_k = 0``),
    no aerodynamic g limit, no end-game floor; the kernel's gravity compensation starts settled, so
    the weight does not disturb the loop. Returns the kernel's miss distance at closest approach and
    the largest achieved lateral acceleration less the weight's compensation up to 99.5 % of ``t_f``,
    per case.
    """
    nav = np.asarray(nav_ratio, dtype=np.float64)
    k = nav.size
    tau = np.broadcast_to(np.asarray(tau_s, dtype=np.float64), (k,))
    a_max = np.broadcast_to(np.asarray(max_accel_mps2, dtype=np.float64), (k,))
    re = MEAN_EARTH_RADIUS_M
    center = np.array([0.0, 0.0, -re])
    start = np.array([0.0, 0.0, PN_ALT_M])
    # the target's table: straight and level in the frame, plus the step manoeuvre along y
    tbl_dt = 1e-3
    t_tab = np.arange(0.0, 3.0 * t_f + tbl_dt, tbl_dt)
    pt = np.zeros((1, t_tab.size, 3))
    pt[0, :, 0] = (missile_mps + target_mps) * t_f - target_mps * t_tab
    pt[0, :, 1] = 0.5 * target_g * G0_MPS2 * t_tab**2
    pt[0, :, 2] = PN_ALT_M
    truth = flyout.ThreatTruth(pt, np.zeros(1), tbl_dt, np.full(1, np.inf))
    state = flyout.empty_state(k)
    up = start - center
    weight = GM_M3PS2 / float(up @ up) * up / np.linalg.norm(up)
    for i in range(k):
        row = flyout.interceptor_params(
            launch_mass_kg=100.0,
            boost_propellant_kg=0.0,
            boost_time_s=0.0,
            isp_s=250.0,
            diameter_m=0.3,
            max_accel_mps2=float(a_max[i]),
            nav_ratio=float(nav[i]),
            max_flight_s=10.0 * t_f,
            seeker_range_m=1e9,
            cd_scale=0.0,
            induced_drag_k=0.0,
            tau_s=float(tau[i]),
        )
        flyout.launch(
            state,
            i,
            time_s=0.0,
            position_m=start,
            params=row,
            target=0,
            track_pos_m=pt[0, 0],
            track_vel_mps=np.array([-target_mps, 0.0, 0.0]),
            track_time_s=0.0,
            aim_m=pt[0, 0],
            intercept_s=math.nan,
            center_enu_m=center,
            launch_speed_mps=missile_mps,
        )
        state.acc_mps2[i] = weight  # the lag already carries the weight: no start-up transient
    peak = np.zeros(k)
    t, chunk = 0.0, 0.01
    while np.any(np.isin(state.status, (flyout.MIDCOURSE, flyout.TERMINAL))) and t < 3.0 * t_f:
        flyout.advance(state, truth, t, t + chunk, dt_s, center, re)
        t += chunk
        # the peak of the zero-lag command is its limit as the time to go vanishes; the last 0.5 %
        # of the flight is left out, where the kernel's end-game sub-steps meet the singular LOS rate
        # of a (numerically) zero miss
        if t <= 0.995 * t_f:
            peak = np.maximum(peak, np.linalg.norm(state.acc_mps2 - weight, axis=1))
    assert np.all(state.status == flyout.INTERCEPT), state.status
    return np.asarray(state.miss_m, dtype=np.float64), peak


def adjoint_miss_m(nav_ratio: int, tau_s: float, t_f: float, target_mps2: float) -> float:
    """Miss of the single-lag PN loop for a step target manoeuvre, by the method of adjoints.

    Zarchan 2012 (adjoint chapters): ``M(s) = n_T s^(N−3) / (s + 1/T)^N``, whose inverse Laplace
    transform at t_F is ``n_T dᴺ⁻³/dtᴺ⁻³ [tᴺ⁻¹/(N−1)! e^(−t/T)]``; N = 3 gives
    ``n_T t_F² e^(−t_F/T)/2``. Returned as a distance (absolute value).
    """
    n = int(nav_ratio)
    lam = 1.0 / tau_s
    m = n - 3
    total = 0.0
    for j in range(m + 1):
        power = n - 1 - (m - j)
        total += math.comb(m, j) * t_f**power / math.factorial(power) * (-lam) ** j
    return abs(target_mps2 * total * math.exp(-lam * t_f))


PN_TF_S = 5.0
PN_TARGET_G = 5.0


def pn_miss_vs_tau(navs: Sequence[int], taus: FloatArray) -> dict[str, FloatArray]:
    """Simulated and adjoint miss against the flight-control time constant (t_F = 5 s, n_T = 5 g)."""
    nav = np.repeat(np.asarray(navs, dtype=np.float64), taus.size)
    tau = np.tile(taus, len(navs))
    miss, _ = pn_engagement(nav, tau, np.full(nav.size, 1e12), PN_TARGET_G, PN_TF_S)
    out: dict[str, FloatArray] = {"tau_s": taus}
    for i, n in enumerate(navs):
        out[f"sim_{n}"] = miss[i * taus.size : (i + 1) * taus.size]
        out[f"adjoint_{n}"] = np.array(
            [adjoint_miss_m(n, float(t), PN_TF_S, PN_TARGET_G * G0_MPS2) for t in taus]
        )
    return out


def pn_miss_vs_limit(navs: Sequence[int], ratios: FloatArray) -> dict[str, FloatArray]:
    """Zero-lag PN against a 3 g step manoeuvre (t_F = 10 s): miss against a_max / n_T."""
    nt = 3.0
    nav = np.repeat(np.asarray(navs, dtype=np.float64), ratios.size)
    miss, _ = pn_engagement(nav, 0.0, np.tile(ratios, len(navs)) * nt * G0_MPS2, nt, 10.0)
    out: dict[str, FloatArray] = {"ratio": ratios}
    for i, n in enumerate(navs):
        out[f"miss_{n}"] = miss[i * ratios.size : (i + 1) * ratios.size]
    return out


def guidance_checks() -> list[Check]:
    rows: list[Check] = []
    navs = np.array([3.0, 4.0, 5.0])
    need = navs / (navs - 2.0)
    miss, peak = pn_engagement(
        np.concatenate([navs, navs]),
        0.0,
        np.concatenate([1.05 * need, np.full(3, 1e9)]) * 3.0 * G0_MPS2,
        3.0,
        10.0,
    )
    for i, n in enumerate((3, 4, 5)):
        rows.append(
            Check(
                "PN: navigation ratio, acceleration limit",
                "Zarchan 2012 ch. 2: peak n_c / n_T = N/(N−2) for a step manoeuvre, zero lag",
                f"N = {n}, 3 g step, t_F = 10 s, no limit: peak achieved acceleration / n_T",
                float(peak[3 + i]) / (3.0 * G0_MPS2),
                n / (n - 2.0),
                "",
                0.05,
                relative=True,
            )
        )
    for i, n in enumerate((3, 4, 5)):
        rows.append(
            Check(
                "PN: navigation ratio, acceleration limit",
                "Zarchan 2012 ch. 2: zero miss while a_max ≥ N/(N−2) n_T",
                f"N = {n}, 3 g step, t_F = 10 s, a_max = 1.05 N/(N−2) n_T: miss",
                float(miss[i]),
                0.0,
                "m",
                0.01,
            )
        )
    taus = np.array([1.0, 2.0])
    sweep = pn_miss_vs_tau([3, 4, 5], taus)
    for n in (3, 4, 5):
        for i, tau in enumerate(taus):
            rows.append(
                Check(
                    "PN: miss vs time constant",
                    "Zarchan 2012, adjoint of the single-lag loop: M(s) = n_T sᴺ⁻³/(s + 1/T)ᴺ",
                    f"N = {n}, T = {tau:g} s, 5 g step, t_F = {PN_TF_S:g} s, Vc 4 km/s: miss",
                    float(sweep[f"sim_{n}"][i]),
                    float(sweep[f"adjoint_{n}"][i]),
                    "m",
                    0.03,
                    relative=True,
                )
            )
    return rows


# ---------------------------------------------------------------------------------------------------
# Weapon-target assignment


def _distributions(units: int, n: int) -> NDArray[np.int64]:
    return np.array([c for c in itertools.product(range(units + 1), repeat=n) if sum(c) <= units], np.int64)


def brute_force_wta(
    value: FloatArray,
    pk: FloatArray,
    stock: NDArray[np.int64],
    max_per_target: NDArray[np.int64] | None = None,
    shot_cap: int | None = None,
    target_cap: int | None = None,
) -> float:
    """Smallest expected surviving value by enumerating every assignment (one fire unit)."""
    m, n = pk.shape
    options = [_distributions(int(s), n) for s in stock]
    idx = np.array(list(itertools.product(*[range(len(o)) for o in options])), np.int64)
    x = np.stack([options[i][idx[:, i]] for i in range(m)], axis=1)  # (combos, m, n)
    ok = np.ones(len(x), dtype=bool)
    per_target = x.sum(axis=1)
    if max_per_target is not None:
        ok &= np.all(per_target <= max_per_target[None, :], axis=1)
    if shot_cap is not None:
        ok &= x.sum(axis=(1, 2)) <= shot_cap
    if target_cap is not None:
        ok &= np.count_nonzero(per_target, axis=1) <= target_cap
    logq = np.log1p(-pk)
    surv = (value[None, :] * np.exp(np.einsum("cmn,mn->cn", x, logq))).sum(axis=1)
    return float(surv[ok].min())


def wta_instances(seed: int = SEED) -> list[dict[str, Any]]:
    """Small random instances (Ahuja et al. 2007 generator), half of them with fire-unit limits."""
    rng = np.random.default_rng(seed)
    out: list[dict[str, Any]] = []
    for i in range(6):
        value = rng.uniform(25.0, 100.0, 5)
        pk = rng.uniform(0.6, 0.9, (3, 5))
        stock = np.array([2, 2, 1], np.int64)
        inst: dict[str, Any] = {"value": value, "pk": pk, "stock": stock}
        if i % 2:
            inst |= {"max_per_target": np.full(5, 2, np.int64), "shot_cap": 4, "target_cap": 3}
        out.append(inst)
    return out


def _solve(inst: dict[str, Any], method: str) -> float:
    kw: dict[str, Any] = {}
    if "max_per_target" in inst:
        kw = {
            "max_per_target": inst["max_per_target"],
            "group": np.zeros(len(inst["stock"]), np.int64),
            "group_shot_cap": np.array([inst["shot_cap"]]),
            "group_target_cap": np.array([inst["target_cap"]]),
        }
    x = solve_wta(inst["value"], inst["pk"], inst["stock"], method=method, **kw)  # type: ignore[arg-type]
    assert not check_assignment(x, inst["pk"], inst["stock"], **kw)
    return expected_surviving_value(inst["value"], inst["pk"], x)


def wta_checks(seed: int = SEED) -> list[Check]:
    model = "Weapon–target assignment"
    insts = wta_instances(seed)
    brute = [
        brute_force_wta(
            i["value"], i["pk"], i["stock"], i.get("max_per_target"), i.get("shot_cap"), i.get("target_cap")
        )
        for i in insts
    ]
    exact_gap = max(abs(_solve(i, "exact") - b) / b for i, b in zip(insts, brute, strict=True))
    heur_gap = max((_solve(i, "heuristic") - b) / b for i, b in zip(insts, brute, strict=True))
    rng = np.random.default_rng(seed + 1)
    gaps = []
    for _ in range(3):
        value = rng.uniform(25.0, 100.0, 20)
        pk = rng.uniform(0.6, 0.9, (20, 20))
        stock = np.ones(20, np.int64)
        ex = expected_surviving_value(value, pk, solve_wta(value, pk, stock, method="exact"))
        he = expected_surviving_value(value, pk, solve_wta(value, pk, stock, method="heuristic"))
        gaps.append((he - ex) / ex)
    return [
        Check(
            model,
            "enumeration of every assignment (Manne 1958 objective)",
            "6 instances 3 types × 5 targets, stocks 2/2/1, 3 with salvo and fire-unit caps: "
            "exact solver, largest relative gap",
            exact_gap,
            0.0,
            "",
            1e-6,
        ),
        Check(
            model,
            "same enumeration",
            'heuristic (`method="heuristic"`), largest relative gap',
            heur_gap,
            0.0,
            "",
            0.01,
        ),
        Check(
            model,
            "exact solver (HiGHS outer approximation), Ahuja et al. 2007 instances",
            "3 instances 20 × 20, one unit each: heuristic, largest relative gap",
            max(gaps),
            0.0,
            "",
            0.01,
        ),
    ]


# ---------------------------------------------------------------------------------------------------
# Lethality


def lethality_checks(seed: int = SEED) -> list[Check]:
    model = "Lethality (Carleton)"
    r_l = float(lethality.lethal_radius_m(180.0))
    pk_max = 0.95
    area, _ = integrate.quad(
        lambda r: float(lethality.kill_probability(r, r_l, pk_max)) * 2 * math.pi * r, 0.0, np.inf
    )
    sigma, mu = 8.0, 10.0
    rice = stats.rice(mu / sigma, scale=sigma)
    quad_pk, _ = integrate.quad(
        lambda r: float(lethality.kill_probability(r, r_l, pk_max)) * float(rice.pdf(r)), 0.0, np.inf
    )
    closed = float(lethality.expected_kill_probability(sigma, r_l, pk_max, mu))
    rng = np.random.default_rng(seed)
    n = 400_000
    misses = lethality.terminal_miss_m(np.full(n, mu), sigma, rng)
    pks = lethality.kill_probability(misses, r_l, pk_max)
    r_9m96 = float(lethality.lethal_radius_m(24.0))
    closed_small = float(lethality.expected_kill_probability(20.0, r_9m96, pk_max, 30.0))
    rice_small = stats.rice(30.0 / 20.0, scale=20.0)
    quad_small, _ = integrate.quad(
        lambda r: float(lethality.kill_probability(r, r_9m96, pk_max)) * float(rice_small.pdf(r)), 0.0, np.inf
    )
    return [
        Check(
            model,
            "Driels 2013: Carleton lethal area ∫Pk dA = Pk,max·π·R_L²",
            f"R_L = {r_l:.1f} m (48N6E3), Pk,max 0.95: lethal area by quadrature (m²)",
            area,
            pk_max * math.pi * r_l**2,
            "m²",
            1e-8,
            relative=True,
            basis="numerical reference",
        ),
        Check(
            model,
            "quadrature of Pk over the Rice miss density",
            "σ 8 m per axis, bias 10 m, R_L 63.3 m: `expected_kill_probability` (closed form)",
            closed,
            quad_pk,
            "",
            1e-7,
            basis="numerical reference",
        ),
        Check(
            model,
            "quadrature of Pk over the Rice miss density",
            f"σ 20 m, bias 30 m, R_L {r_9m96:.1f} m (9M96 24 kg): closed form",
            closed_small,
            quad_small,
            "",
            1e-7,
            basis="numerical reference",
        ),
        Check(
            model,
            "closed form E[Pk] = Pk,max R²/(R² + 2σ²) e^(−μ²/(R² + 2σ²))",
            f"`terminal_miss_m` Monte Carlo, {n} draws (σ 8 m, bias 10 m): mean Pk",
            float(np.mean(pks)),
            closed,
            "",
            4.0 * float(np.std(pks)) / math.sqrt(n),
        ),
    ]


# ---------------------------------------------------------------------------------------------------
# Ballistic arc


def ballistic_checks() -> list[Check]:
    model = "Ballistic arc"
    g = GM_M3PS2 / MEAN_EARTH_RADIUS_M**2
    rows: list[Check] = []
    for range_m, tol in ((10e3, 0.002), (50e3, 0.01)):
        apogee = range_m / 4.0  # the 45° shot of the flat-earth parabola
        _, _, flight = ballistic.kepler_arc(range_m, apogee)
        t = np.linspace(0.0, flight, 2001)
        ground, height = ballistic.ballistic_profile(range_m, apogee, t)
        case = f"range {range_m / 1e3:g} km, apogee {apogee / 1e3:g} km (45° shot)"
        ref = "flat earth, uniform g = GM/R²: T = 2√(2H/g)"
        rows += [
            Check(
                model, ref, case + ": flight time", flight, 2.0 * math.sqrt(2.0 * apogee / g), "s", tol, True
            ),
            Check(
                model, "flat earth: apogee H at mid-flight", case + ": highest sample", float(height.max()),
                apogee, "m", 1e-3, True,
            ),
            Check(
                model, "flat earth: D/2 at T/2 (symmetric arc)", case + ": ground range at T/2",
                float(ground[1000]), range_m / 2.0, "m", 1e-6, True,
            ),
        ]  # fmt: skip
    return rows


# ---------------------------------------------------------------------------------------------------
# Multipath and clutter

PERFECT_REFLECTOR = propagation.Surface("land", 1.0, 1e9, 0.0, -60.0)
"""A smooth perfect conductor (Γ = -1 at every grazing angle) with negligible clutter."""
FLAT_K = 1e6
"""A refraction factor that makes the effective earth flat over tens of kilometres."""


def _engine_f4_db(
    spec: catalog.RadarSpec,
    surface: propagation.Surface,
    k: float,
    h1: float,
    rng_m: FloatArray,
    h2: FloatArray,
) -> FloatArray:
    """F⁴ of the engine's looks (:func:`samsim.sim.sensing.path_terms`) at slant range and height."""
    path = sensing.path_terms(surface, spec, h1, k, rng_m, h2, np.zeros_like(rng_m))
    assert path is not None
    return path.f4_db


def _cartesian_two_ray(d_m: float, h1: float, h2: float, ka: float) -> tuple[float, float]:
    """Grazing angle and path difference of the reflected ray, found independently of Kerr's cubic:
    the reflection point on the circle of radius ``ka`` where the angles of incidence and reflection
    are equal (Brent's root on the arc), lengths as Cartesian chords."""

    def point(angle: float, h: float) -> FloatArray:
        return np.array([(ka + h) * math.sin(angle), (ka + h) * math.cos(angle)])

    a, b = point(0.0, h1), point(d_m / ka, h2)

    def unequal(angle: float) -> float:
        s = point(angle, 0.0)
        n = s / np.linalg.norm(s)
        return float((a - s) @ n / np.linalg.norm(a - s) - (b - s) @ n / np.linalg.norm(b - s))

    angle = optimize.brentq(unequal, 1e-12, d_m / ka * (1.0 - 1e-12), xtol=1e-15)
    s = point(angle, 0.0)
    n = s / np.linalg.norm(s)
    psi = math.asin(float((a - s) @ n / np.linalg.norm(a - s)))
    delta = float(np.linalg.norm(a - s) + np.linalg.norm(b - s) - np.linalg.norm(b - a))
    return psi, delta


def propagation_checks() -> list[Check]:
    model = "Multipath and clutter (two-ray)"
    spec = catalog.radar("96L6E")
    lam = float(radar.wavelength_m(spec.frequency_ghz * 1e9))
    h1, rng_m = 25.0, 40_000.0
    rows: list[Check] = []
    # flat earth, perfect reflector: F² = 4 sin²(2π h1 h2 / (λ R)), lobes at the heights it gives
    # heights where the path difference is at least λ/6: the interference region the closed form covers
    h2 = np.linspace(lam * rng_m / (12.0 * h1), 150.0, 30_001)
    f4 = _engine_f4_db(spec, PERFECT_REFLECTOR, FLAT_K, h1, np.full(h2.size, rng_m), h2)
    closed = 4.0 * np.sin(2.0 * np.pi * h1 * h2 / (lam * rng_m)) ** 2
    first_peak, first_null = lam * rng_m / (4.0 * h1), lam * rng_m / (2.0 * h1)
    near_peak = np.abs(h2 - first_peak) < 0.5 * first_peak
    near_null = np.abs(h2 - first_null) < 0.5 * first_peak
    case = f"96L6E λ = {lam * 100:.2f} cm, antenna {h1:g} m, R = {rng_m / 1e3:g} km, flat perfect reflector"
    ref = "Blake 1986 ch. 6 (flat earth, Γ = −1): F² = 4 sin²(2π h₁h₂/(λR))"
    rows += [
        Check(
            model,
            ref,
            case + ": largest |F² − closed form| for λR/(12h₁) ≤ h₂ ≤ 150 m",
            float(np.max(np.abs(10 ** (f4 / 20.0) - closed))),
            0.0,
            "",
            0.01,
        ),
        Check(
            model,
            "Blake 1986 ch. 6: lobe peak F⁴ = 16 (+12.04 dB) for a perfect reflector",
            case + ": highest F⁴",
            float(f4.max()),
            20.0 * math.log10(4.0),
            "dB",
            0.01,
        ),
        Check(
            model,
            "Blake 1986 ch. 6: first lobe peak at h₂ = λR/(4h₁)",
            case + ": height of the first peak",
            float(h2[near_peak][np.argmax(f4[near_peak])]),
            first_peak,
            "m",
            0.005,
            True,
        ),
        Check(
            model,
            "Blake 1986 ch. 6: first null at h₂ = λR/(2h₁)",
            case + ": height of the first null",
            float(h2[near_null][np.argmin(f4[near_null])]),
            first_null,
            "m",
            0.005,
            True,
        ),
    ]
    # spherical earth: Kerr's cubic against an independent reflection-point search
    ka = STANDARD_REFRACTION_K * MEAN_EARTH_RADIUS_M
    for d_m, ha, hb in ((30e3, 30.0, 300.0), (55e3, 75.0, 50.0)):
        geo = propagation.reflection_geometry(d_m, ha, hb, ka)
        psi, delta = _cartesian_two_ray(d_m, ha, hb, ka)
        case = f"4/3 earth, antennas {ha:g} m and {hb:g} m, {d_m / 1e3:g} km apart"
        rows += [
            Check(
                model,
                "law of reflection on the sphere, solved by root finding on Cartesian chords",
                case + ": grazing angle (`reflection_geometry`, Kerr's cubic)",
                float(np.degrees(geo.grazing_rad)),
                math.degrees(psi),
                "°",
                0.002,
                True,
                basis="independent implementation",
            ),
            Check(
                model,
                "same: reflected minus direct chord length",
                case + ": path difference Δ",
                float(geo.path_difference_m),
                delta,
                "m",
                0.002,
                True,
                basis="independent implementation",
            ),
        ]
    # Fresnel coefficients and roughness
    eps = 15.0
    brewster = math.atan(1.0 / math.sqrt(eps))
    n = math.sqrt(eps)
    g_big = float(propagation.rayleigh_roughness(math.radians(20.0), 2.0, 0.1))
    rows += [
        Check(
            model,
            "Fresnel: Γ_v = 0 at the Brewster grazing angle tan ψ = 1/√ε_r (lossless)",
            f"ε_r = {eps:g}, ψ = {math.degrees(brewster):.2f}°: |Γ_v|",
            float(abs(propagation.fresnel_reflection(brewster, eps, 0.0, 0.1, "vertical"))),
            0.0,
            "",
            1e-9,
        ),
        Check(
            model,
            "Fresnel at normal incidence: Γ_h = (1 − √ε_r)/(1 + √ε_r)",
            f"ε_r = {eps:g}: Γ_h",
            float(propagation.fresnel_reflection(math.pi / 2, eps, 0.0, 0.1, "horizontal").real),
            (1 - n) / (1 + n),
            "",
            1e-9,
        ),
        Check(
            model,
            "Miller, Brown & Vegh 1984: ρ_s → 1/(2g√π) for a very rough sea",
            f"g = {g_big:.1f} (σ_h 2 m, λ 10 cm, ψ 20°): `miller_brown_vegh_roughness`",
            float(propagation.miller_brown_vegh_roughness(math.radians(20.0), 2.0, 0.1)),
            1.0 / (2.0 * g_big * math.sqrt(math.pi)),
            "",
            0.01,
            True,
        ),
    ]
    # clutter: the engine's SINR against a hand computation, the radar without its MTI (I = 0 dB) so that
    # clutter dominates the noise
    land = propagation.SURFACE_DEFAULTS["land"]
    spec = dataclasses.replace(spec, clutter_improvement_db=0.0)
    r_c, h1_c, h2_c, sigma = 6_000.0, 25.0, 30.0, 0.05
    el = math.atan2(h2_c - h1_c, r_c)
    path = sensing.path_terms(
        land, spec, h1_c, STANDARD_REFRACTION_K, np.array([r_c]), np.array([h2_c]), np.array([el])
    )
    assert path is not None
    sin_psi = h1_c / r_c - r_c / (2.0 * ka)  # Barton 2013 ch. 9, h ≪ R
    depression = h1_c / r_c + r_c / (2.0 * ka)
    cell = r_c * math.radians(spec.beamwidth_az_deg) * SPEED_OF_LIGHT_MPS / (2e6 * spec.bandwidth_mhz)
    beam = math.exp(-8.0 * math.log(2.0) * ((el + depression) / math.radians(spec.beamwidth_el_deg)) ** 2)
    clutter_hand = (
        10 ** (land.gamma_db / 10) * sin_psi * cell * beam / 10 ** (spec.clutter_improvement_db / 10)
    )
    snr_free = float(sensing.look_snr_db(spec, np.array([r_c]), np.array([sigma]))[0])
    scr_hand = sigma * 10 ** (float(path.f4_db[0]) / 10) / clutter_hand
    sinr_hand = -10 * math.log10(10 ** (-(snr_free + float(path.f4_db[0])) / 10) + 1 / scr_hand)
    sinr = float(sensing.look_snr_db(spec, np.array([r_c]), np.array([sigma]), path=path)[0])
    case = (
        f"96L6E over land (γ {land.gamma_db:g} dB, I {spec.clutter_improvement_db:g} dB), "
        f"{sigma:g} m² at {h2_c:g} m, {r_c / 1e3:g} km"
    )
    rows += [
        Check(
            model,
            "constant-γ clutter by hand: γ sin ψ · R θ_az ΔR · G²(beam) / I (Barton 2013 ch. 9)",
            case + ": residual clutter RCS",
            float(path.clutter_m2[0]),
            clutter_hand,
            "m²",
            0.01,
            True,
        ),
        Check(
            model,
            "SINR by hand: 1/(1/(SNR F⁴) + σ_c/(σ F⁴))",
            case + ": `look_snr_db` with the surface",
            sinr,
            sinr_hand,
            "dB",
            0.05,
        ),
    ]
    # raid-48's 96L6E (75 m above the ground) against a 50 m Tomahawk at 90 % of its horizon
    spec = catalog.radar("96L6E")
    raid_h1, raid_h2 = 75.0, 50.0
    r_t = 0.8 * float(horizon.horizon_range_m(raid_h1, raid_h2))
    d_t = float(horizon.arc_from_slant_m(r_t, raid_h1, raid_h2))
    psi, delta = _cartesian_two_ray(d_t, raid_h1, raid_h2, ka)
    geo = propagation.reflection_geometry(d_t, raid_h1, raid_h2, ka)
    eps_c = complex(land.relative_permittivity, -60.0 * lam * land.conductivity_s_per_m)
    root = np.sqrt(eps_c - math.cos(psi) ** 2)
    gamma_h = (math.sin(psi) - root) / (math.sin(psi) + root)
    rho = math.exp(-2.0 * (2.0 * math.pi * land.rms_height_m * math.sin(psi) / lam) ** 2)
    f = abs(1.0 + gamma_h * float(geo.divergence) * rho * np.exp(-2j * math.pi * delta / lam))
    snr = 10 ** (float(sensing.look_snr_db(spec, np.array([r_t]), np.array([sigma]))[0]) / 10)
    pd_hand = spec.pfa ** (1.0 / (1.0 + snr * f**4))
    path = sensing.path_terms(
        land, spec, raid_h1, STANDARD_REFRACTION_K, np.array([r_t]), np.array([raid_h2]), np.array([0.0])
    )
    pd = float(sensing.look_pd(spec, np.array([r_t]), np.array([sigma]), 1, path=path)[0])
    rows.append(
        Check(
            model,
            "Swerling 1 Pd = Pfa^(1/(1 + SNR F⁴)) with F from the Cartesian two-ray sum above",
            f"examples/raid-48: 96L6E 75 m up, 0.05 m² Tomahawk 50 m up at {r_t / 1e3:.1f} km (80 % of the "
            f"horizon; free space Pd {spec.pfa ** (1 / (1 + snr)):.2f}): Pd per look over land",
            pd,
            pd_hand,
            "",
            0.005,
            basis="independent implementation",
        )
    )
    # at the horizon: the smooth-earth diffraction field (ITU-R P.526) worked by hand
    d_h = math.sqrt(2.0 * ka * raid_h1) + math.sqrt(2.0 * ka * raid_h2)
    x = (math.pi / (lam * ka * ka)) ** (1.0 / 3.0) * d_h
    y_unit = 2.0 * (math.pi**2 / (lam**2 * ka)) ** (1.0 / 3.0)

    def g_hand(h: float) -> float:
        y = y_unit * h
        return 17.6 * math.sqrt(y - 1.1) - 5.0 * math.log10(y - 1.1) - 8.0

    field_db = 11.0 + 10.0 * math.log10(x) - 17.6 * x + g_hand(raid_h1) + g_hand(raid_h2)
    f4_h = propagation.multipath_f4_db(land, d_h, raid_h1, raid_h2, ka, lam, "horizontal")
    rows.append(
        Check(
            model,
            "ITU-R P.526 smooth-earth diffraction, first residue term, by hand: 2 (F(X) + G(Y₁) + G(Y₂))",
            f"same radar and target at the radar horizon ({d_h / 1e3:.1f} km, X = {x:.2f}): F⁴",
            float(f4_h),
            2.0 * field_db,
            "dB",
            0.01,
        )
    )
    return rows


# ---------------------------------------------------------------------------------------------------
# Geodesy


def _dms(d: float, m: float, s: float) -> float:
    return d + m / 60.0 + s / 3600.0


def geodesy_checks(seed: int = SEED) -> list[Check]:
    model = "Geodesy"
    ref = "Vincenty 1975, Flinders Peak → Buninyong (GRS80 ≡ WGS-84 here)"
    fwd, back, dist = geodesic_inverse(
        -_dms(37, 57, 3.72030), _dms(144, 25, 29.52440), -_dms(37, 39, 10.15610), _dms(143, 55, 35.38390)
    )
    rng = np.random.default_rng(seed)
    n = 100_000
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    lon = rng.uniform(-180.0, 180.0, n)
    alt = rng.uniform(-1e3, 1e6, n)
    lat2, lon2, alt2 = ecef_to_geodetic(geodetic_to_ecef(lat, lon, alt))
    pole = geodetic_to_ecef(90.0, 0.0, 0.0)
    return [
        Check(
            model,
            ref,
            "geodesic distance (`geodesic_inverse`)",
            float(dist),
            54972.271,
            "m",
            0.001,
            digits=9,
            basis="published value",
        ),
        Check(
            model,
            ref,
            "forward azimuth 306°52′05.37″",
            float(fwd) % 360.0,
            _dms(306, 52, 5.37),
            "°",
            0.01 / 3600.0,
            digits=10,
            basis="published value",
        ),
        Check(
            model,
            ref,
            "reverse azimuth 127°10′25.07″",
            float(back),
            _dms(127, 10, 25.07),
            "°",
            0.01 / 3600.0,
            digits=10,
            basis="published value",
        ),
        Check(
            model,
            "NIMA TR8350.2: semi-minor axis b = 6 356 752.3142 m",
            "`geodetic_to_ecef` at the north pole: z",
            float(pole[2]),
            WGS84_B_M,
            "m",
            1e-6,
            digits=11,
            basis="published value",
        ),
        Check(
            model,
            "identity: geodetic → ECEF → geodetic (Heikkinen's inversion, Zhu 1994)",
            f"{n} random points, −1 to 1000 km altitude: largest height error",
            float(np.max(np.abs(alt2 - alt))),
            0.0,
            "m",
            1e-6,
        ),
        Check(
            model,
            "same identity",
            "largest latitude error (as metres on the ground)",
            float(np.max(np.abs(lat2 - lat))) * math.pi / 180.0 * 6.4e6,
            0.0,
            "m",
            1e-6,
        ),
        Check(
            model,
            "same identity",
            "largest longitude error (as metres on the ground at the equator)",
            float(np.max(np.abs(((lon2 - lon + 180.0) % 360.0) - 180.0))) * math.pi / 180.0 * 6.4e6,
            0.0,
            "m",
            1e-6,
        ),
    ]


CHECKS: dict[str, Callable[[], list[Check]]] = {
    "horizon": horizon_checks,
    "detection": detection_checks,
    "jamming": jamming_checks,
    "tracking": tracking_checks,
    "intercept": intercept_checks,
    "guidance": guidance_checks,
    "wta": wta_checks,
    "lethality": lethality_checks,
    "ballistic": ballistic_checks,
    "propagation": propagation_checks,
    "geodesy": geodesy_checks,
}
"""Every group of checks, in report order."""


# ---------------------------------------------------------------------------------------------------
# Published claims

CLAIMS_SCENARIO = """
samsim: 1
name: published-claims
description: one S-400 and one S-300PMU-2 battalion at sea level, template radars, for the radar claims
duration_s: 60
environment: {surface: none}
batteries:
  - {id: s400, system: S-400, position: {lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}, doctrine: {weapons: hold}}
  - id: s300
    system: S-300PMU-2
    position: {lat_deg: 41.0, lon_deg: 33.0, alt_m: 0}
    doctrine: {weapons: hold}
"""


def radar_claims() -> list[Claim]:
    """Detection range of a 4 m² target at 10 km altitude, read off samsim.coverage's profiles."""
    cov = samsim.coverage(
        samsim.loads(CLAIMS_SCENARIO),
        alt_m=(10_000.0,),
        rcs_m2=4.0,
        pd_threshold=0.5,
        agl=False,
        az_step_deg=10.0,
    )
    out: list[Claim] = []
    for prof in cov.profiles:
        spec = catalog.radar(prof.radar_type)
        figures = catalog.get(prof.radar_type).figures
        out.append(
            Claim(
                prof.radar_type,
                f"4 m² at Pd 0.5: 0.65 × the published maximum {spec.max_range_m / 1e3:g} km",
                f"{figures['max_range_m'].source}; rule {figures['ref_range_m'].source}",
                spec.ref_range_m / 1000.0,
                prof.contour_ground_range_m(10_000.0) / 1000.0,
                "km",
                "ground range where Pd = 0.5 per look on the range–altitude profile (`samsim.coverage`), "
                "4 m² target 10 km up, antenna 8 m: range equation, Swerling 1, horizon and elevation limits",
            )
        )
    return out


def _guided_peak_speed_mps(params: FloatArray, ground_m: float, alt_m: float) -> tuple[float, float]:
    """Peak speed and miss of one guided flyout at a stationary point (``flyout.launch``/``advance``)."""
    re = MEAN_EARTH_RADIUS_M
    center = np.array([0.0, 0.0, -re])
    ang = ground_m / re
    point = np.array([0.0, (re + alt_m) * math.sin(ang), (re + alt_m) * math.cos(ang) - re])
    state = flyout.empty_state(1)
    flyout.launch(
        state,
        0,
        time_s=0.0,
        position_m=np.zeros(3),
        params=params,
        target=0,
        track_pos_m=point,
        track_vel_mps=np.zeros(3),
        track_time_s=0.0,
        aim_m=point,
        intercept_s=math.nan,
        center_enu_m=center,
    )
    truth = flyout.ThreatTruth(np.tile(point, (1, 2, 1)), np.zeros(1), 1e9, np.full(1, np.inf))
    t, peak = 0.0, 0.0
    while state.status[0] in (flyout.MIDCOURSE, flyout.TERMINAL):
        flyout.advance(state, truth, t, t + 0.5, 0.1, center, re)
        t += 0.5
        peak = max(peak, float(np.linalg.norm(state.vel_mps[0])))
    return peak, float(state.miss_m[0])


CEILING_G = 5.0


def manoeuvre_ceiling_m(params: FloatArray, speed_mps: float, g_needed: float = CEILING_G) -> float:
    """Highest altitude at which the flyout's lift limit (:func:`samsim.models.flyout.available_accel_mps2`,
    the function the kernel's end game uses) still allows ``g_needed`` at ``speed_mps``, motor burnt out."""

    def margin(alt_m: float) -> float:
        return float(flyout.available_accel_mps2(params, alt_m, speed_mps)) - g_needed * G0_MPS2

    return float(optimize.brentq(margin, 0.0, 80_000.0, xtol=1.0))


def _interceptor_params(key: str) -> tuple[catalog.InterceptorSpec, FloatArray]:
    spec = catalog.interceptor(key)
    return spec, flyout.interceptor_params(**spec.flyout, max_accel_mps2=spec.max_g * G0_MPS2)


def interceptor_claims() -> list[Claim]:
    """Guided reach and peak speed of every catalog interceptor from its flyout parameters: calibration
    rows (the motors are sized on the published speed, one drag factor is shared by all)."""
    out: list[Claim] = []
    for key in catalog.names("interceptor"):
        spec, params = _interceptor_params(key)
        entry = catalog.get(key)
        alt = 5_000.0 if spec.max_range_m < 60e3 else 10_000.0
        t_r, r_r, _ = flyout.reach_profile(params, target_alt_m=alt)
        peak, _ = _guided_peak_speed_mps(params, 0.95 * spec.max_range_m, alt)
        speed_fig = entry.figures["speed_mps"]
        out += [
            Claim(
                key,
                "maximum range",
                entry.figures["max_range_m"].source,
                spec.max_range_m / 1000.0,
                float(r_r[-1]) / 1000.0,
                "km",
                f"farthest slant range of a guided flyout (`reach_profile`) at a stationary point "
                f"{alt / 1e3:g} km up, within {t_r[-1]:.0f} s of flight; no timer, but the drag factor "
                "(`cd_scale`, one round value for every interceptor) was chosen with these ranges",
            ),
            Claim(
                key,
                "speed" + (" (ASSUMED)" if speed_fig.assumed else ""),
                speed_fig.source,
                spec.speed_mps,
                peak,
                "m/s",
                f"peak speed of the guided flyout to 95 % of the maximum range, {alt / 1e3:g} km up; "
                "the motor (propellant, burn time) is sized on this speed",
            ),
        ]
    return out


def ceiling_claims() -> list[Claim]:
    """Each interceptor's published ceiling against where the flyout's lift limit leaves 5 g: the
    ceiling is not an input of the flyout (the envelope check enforces it separately)."""
    out: list[Claim] = []
    for key in catalog.names("interceptor"):
        spec, params = _interceptor_params(key)
        out.append(
            Claim(
                key,
                "maximum engagement altitude",
                catalog.get(key).figures["max_altitude_m"].source,
                spec.max_altitude_m / 1000.0,
                manoeuvre_ceiling_m(params, spec.speed_mps) / 1000.0,
                "km",
                f"altitude where `flyout.available_accel_mps2` (½ρV²·S·CN_max / m, structure-capped) still "
                f"gives {CEILING_G:g} g, the end game's floor, at the published speed, motor burnt out",
            )
        )
    return out


def tracker_initiation_limit_mps(revisit_s: float = 2.0, pd: float = 0.9) -> float:
    """Fastest constant-velocity target the engine's battery tracker confirms (noise-free detections).

    The engine's tracker (:func:`samsim.sim.command_post.battery_tracker`, track-score logic) with
    92N6E measurement errors, detections every ``revisit_s`` each weighed at Pd ``pd``; bisection on
    the speed (crossing target at 60 km, 10 km up).
    """
    from samsim.models import frames
    from samsim.sim import command_post

    spec = catalog.radar("92N6E")

    def confirmed(speed: float) -> bool:
        tr = command_post.battery_tracker()
        for k in range(8):
            p = np.array([[60e3, speed * revisit_s * k, 10e3]])
            r, a, e = frames.enu_to_spherical(p)
            cov = frames.converted_measurement_covariance(
                r,
                a,
                e,
                spec.sigma_range_m,
                math.radians(spec.sigma_azimuth_deg),
                math.radians(spec.sigma_elevation_deg),
            )
            n = tr.ids.size
            res = tr.step(k * revisit_s, p, cov, pd_track=np.full(n, pd), pd_meas=np.full(1, pd))
            if res.confirmed.size:
                return True
        return False

    lo, hi = 100.0, 20_000.0
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if confirmed(mid) else (lo, mid)
    return lo


def raid_channels(seed: int = 1) -> dict[str, float]:
    """From one replication of examples/raid-48.yaml: the most interceptors in flight at once, the most
    targets they were flying at at once, and the shortest firm-track-to-launch time."""
    sc = samsim.load(ROOT / "examples" / "raid-48.yaml")
    res = samsim.simulate(sc, seed=seed, trajectories=False)
    events: list[tuple[float, int, str]] = []
    for i in res.interceptors:
        events += [(i.launch_s, 1, i.target), (i.end_s, -1, i.target)]
    events.sort(key=lambda e: (e[0], e[1]))
    flying: dict[str, int] = {}
    most, most_targets = 0, 0
    for _, step, target in events:
        flying[target] = flying.get(target, 0) + step
        if flying[target] == 0:
            del flying[target]
        most = max(most, sum(flying.values()))
        most_targets = max(most_targets, len(flying))
    rows = res.events.to_pylist()
    confirm: dict[str, float] = {}
    reaction = math.inf
    for row in rows:
        if row["kind"] == "track_confirm":
            confirm.setdefault(row["track"], row["time_s"])
        elif row["kind"] == "launch" and row["track"] in confirm:
            reaction = min(reaction, row["time_s"] - confirm[row["track"]])
    return {
        "in_flight": float(most),
        "targets": float(most_targets),
        "reaction_s": reaction,
        "fired": float(len(res.interceptors)),
    }


def system_claims() -> list[Claim]:
    s400 = catalog.get("S-400")
    r92 = catalog.get("92N6E")
    from samsim.sim import command_post as engine

    ch = raid_channels()
    init_sigma = engine.TRACK_INIT_VELOCITY_SIGMA_MPS
    return [
        Claim(
            "92N6E",
            "missiles guided at once (per battalion)",
            r92.figures["guided_missiles"].source,
            float(r92.value("guided_missiles")),
            ch["in_flight"],
            "",
            "an input cap of the WTA; most interceptors in flight at once in examples/raid-48.yaml "
            f"(seed 1, {ch['fired']:.0f} fired): the cap holds",
        ),
        Claim(
            "92N6E",
            "targets engaged at once (per battalion)",
            r92.figures["engaged_targets"].source,
            float(r92.value("engaged_targets")),
            ch["targets"],
            "",
            "an input cap of the WTA; most distinct targets with interceptors flying at them at once, same "
            "run: the cap holds",
        ),
        Claim(
            "S-400",
            "reaction time, firm track to first launch",
            s400.figures["reaction_time_s"].source,
            float(s400.value("reaction_time_s")),
            ch["reaction_s"],
            "s",
            "an input delay of the kill chain; shortest time from a track's confirmation to its first "
            "launch, same run",
        ),
        Claim(
            "S-400",
            "maximum target speed",
            s400.figures["max_target_speed_mps"].source,
            float(s400.value("max_target_speed_mps")),
            tracker_initiation_limit_mps(),
            "m/s",
            "fastest constant-velocity target the engine's battery tracker (`battery_tracker`, track "
            "score) confirms from noise-free 92N6E detections every 2 s at Pd 0.9: set by two inputs, "
            f"the new track's velocity σ {init_sigma:g} m/s × the gate {engine.TRACK_GATE:g} per 2 s; "
            "the published figure itself is the envelope check's cap (`launch_feasible`)",
        ),
    ]


def formula_claims() -> list[Claim]:
    """Inputs that are formulas rather than figures: shown with what the engine's code gives back."""
    spec = catalog.radar("91N6E")
    ref_snr = float(radar.required_snr_db(spec.ref_pd, spec.pfa, spec.swerling))
    r_1m2 = float(
        radar.range_at_pd_m(0.5, spec.pfa, spec.swerling, 1.0, spec.ref_range_m, spec.ref_rcs_m2, ref_snr)
    )
    return [
        Claim(
            "91N6E",
            "range for 1 m² at Pd 0.5 by R ∝ σ^(1/4) from 390 km for 4 m² (Skolnik 2001 ch. 2)",
            catalog.get("91N6E").figures["ref_range_m"].source,
            spec.ref_range_m * 0.25**0.25 / 1000.0,
            r_1m2 / 1000.0,
            "km",
            "`radar.range_at_pd_m`: the calibrated range equation is the model's form, so this restates it",
        ),
        Claim(
            "48N6E3",
            "lethal radius by cube-root scaling of the S-75's 65 m for 195 kg (Kinney & Graham 1985)",
            catalog.get("48N6E3").figures["warhead_kg"].source,
            65.0 * (180.0 / 195.0) ** (1.0 / 3.0),
            float(lethality.lethal_radius_m(180.0)),
            "m",
            "`lethality.lethal_radius_m` of the 180 kg warhead: the scaling law is the model, so this "
            "restates it",
        ),
    ]


def calibration_claims() -> list[Claim]:
    """Every input shown as an input: the figure and what the engine's code gives back from it."""
    return radar_claims() + formula_claims() + interceptor_claims() + system_claims()


def published_claims() -> list[Claim]:
    """Published figures the models did not take as input, against what the models give."""
    return ceiling_claims()


# ---------------------------------------------------------------------------------------------------
# Peer comparisons


def _benchmark_module(name: str) -> Any:
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    return __import__(name)


def peer_tracking(cases: Sequence[tuple[int, int]] = ((10, 100), (50, 100))) -> list[dict[str, Any]]:
    """samsim vs Stone Soup vs FilterPy on identical detections (benchmarks/tracking_vs_stonesoup.py)."""
    bench = _benchmark_module("tracking_vs_stonesoup")
    bench.warm_up()
    records = []
    for targets, scans in cases:
        params = {"targets": targets, "scans": scans, "seed": 1, "dt": 1.0, "clutter": 10.0}
        params |= {"pd": 0.95, "sigma": 10.0, "q": 1.0}
        data = bench.generate(targets, scans, 1)
        records.append(bench.run_case(data, params, "all", 3))
    return list(records)


def peer_wta() -> tuple[Path, list[dict[str, Any]]]:
    """solve_wta (default settings) on the public instances of Andersen, Pavlikov & Toffolo (2022)."""
    bench = _benchmark_module("wta")
    folder = Path(bench.PEERS)
    if not folder.is_dir():
        return folder, []
    best = bench.load_best_known(folder)
    out = []
    for path in sorted(folder.glob("wta_*.txt")):
        value, pk, stock = bench.read_instance(path)
        t0 = time.perf_counter()
        x = solve_wta(value, pk, stock)
        secs = time.perf_counter() - t0
        obj = expected_surviving_value(value, pk, x)
        bk = best.get(path.stem)
        out.append(
            {
                "instance": path.stem,
                "size": f"{pk.shape[0]} × {pk.shape[1]} × {int(stock[0])}",
                "objective": obj,
                "best_known": bk,
                "gap_pct": None if bk is None else 100.0 * (obj - bk) / bk,
                "seconds": secs,
            }
        )
    return folder, out


# ---------------------------------------------------------------------------------------------------
# Plots


def _save(fig: Figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, metadata={"Software": None}, pil_kwargs={"optimize": True})


def plot_pd(path: Path) -> None:
    c = pd_curves()
    fig = Figure(figsize=(6.4, 4.2))
    ax = fig.add_subplot()
    colors = {0: "#1f5fa8", 1: "#c0392b", 3: "#2e8b57"}
    for sw in radar.SWERLING_CASES:
        ax.plot(c["snr_db"], c[f"exact_{sw}"], color=colors[sw], lw=1.6, label=f"Swerling {sw}, exact")
        ax.plot(
            c[f"shnidman_{sw}"],
            c["pd_grid"],
            "o",
            mfc="none",
            color=colors[sw],
            ms=5,
            label=f"Shnidman, case {sw}",
        )
    ax.plot(c["albersheim_0"], c["pd_grid"], "x", color="black", ms=5, label="Albersheim (case 0)")
    ax.set_xlabel("single-look SNR (dB)")
    ax.set_ylabel("probability of detection")
    ax.set_title("Pd vs SNR, Pfa = 1e-6, one look, square-law detector", fontsize=10)
    ax.set_xlim(0, 32)
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower right", ncol=2)
    fig.tight_layout()
    _save(fig, path)


def plot_pn_miss(path: Path) -> None:
    taus = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 0.9, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0])
    data = pn_miss_vs_tau([3, 4, 5], taus)
    fine = np.linspace(0.05, 2.0, 200)
    fig = Figure(figsize=(6.4, 4.2))
    ax = fig.add_subplot()
    colors = {3: "#1f5fa8", 4: "#c0392b", 5: "#2e8b57"}
    for n in (3, 4, 5):
        ref = [adjoint_miss_m(n, float(t), PN_TF_S, PN_TARGET_G * G0_MPS2) for t in fine]
        ax.plot(fine, ref, color=colors[n], lw=1.4, label=f"N = {n}, adjoint closed form")
        ax.plot(taus, data[f"sim_{n}"], "o", mfc="none", color=colors[n], ms=5, label=f"N = {n}, samsim PN")
    ax.set_yscale("log")
    ax.set_ylim(1e-2, 100)
    ax.set_xlabel("flight-control time constant T (s)")
    ax.set_ylabel("miss distance (m)")
    ax.set_title(f"PN miss vs time constant: 5 g step manoeuvre, t_F = {PN_TF_S:g} s", fontsize=10)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, loc="lower right", ncol=2)
    fig.tight_layout()
    _save(fig, path)


def plot_pn_limit(path: Path) -> None:
    ratios = np.array([0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.7, 1.8, 1.9, 2.0, 2.2, 2.5, 2.8, 3.0, 3.2, 3.6])
    data = pn_miss_vs_limit([3, 4, 5], ratios)
    fig = Figure(figsize=(6.4, 4.0))
    ax = fig.add_subplot()
    colors = {3: "#1f5fa8", 4: "#c0392b", 5: "#2e8b57"}
    for n in (3, 4, 5):
        ax.plot(
            ratios, np.maximum(data[f"miss_{n}"], 1e-3), "o-", color=colors[n], ms=4, lw=1.2, label=f"N = {n}"
        )
        ax.axvline(n / (n - 2.0), color=colors[n], ls="--", lw=1.0)
    ax.set_yscale("log")
    ax.set_ylim(1e-3, 1e3)
    ax.set_xlabel("acceleration limit a_max / n_T")
    ax.set_ylabel("miss distance (m; 1 mm floor)")
    ax.set_title("Zero-lag PN, 3 g step, t_F = 10 s; dashed: N/(N−2)", fontsize=10)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    fig.tight_layout()
    _save(fig, path)


def plot_horizon(path: Path) -> None:
    heights = np.linspace(0.0, 12_000.0, 400)
    data = horizon_curves(heights)
    fig = Figure(figsize=(6.4, 4.0))
    ax = fig.add_subplot()
    for name, values in data.items():
        if name == "height_m":
            continue
        ax.plot(
            values, heights / 1000.0, ls="--" if "k = 1" in name else "-", lw=1.4, label=f"antenna {name}"
        )
    ax.set_xlabel("radar horizon range (km)")
    ax.set_ylabel("target height above the surface (km)")
    ax.set_title("Radar horizon over a smooth earth (k = 4/3 and k = 1)", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    _save(fig, path)


def profile_91n6e() -> Any:
    """The 91N6E range–altitude profile for a 1 m² target (Pd 0.5) from samsim.coverage."""
    cov = samsim.coverage(
        samsim.loads(CLAIMS_SCENARIO),
        alt_m=(10_000.0,),
        rcs_m2=1.0,
        pd_threshold=0.5,
        agl=False,
        az_step_deg=10.0,
    )
    return next(p for p in cov.profiles if p.radar_type == "91N6E")


def plot_profile(path: Path) -> None:
    prof = profile_91n6e()
    x = prof.ground_range_m / 1000.0
    y = prof.height_m / 1000.0
    fig = Figure(figsize=(7.2, 3.8))
    ax = fig.add_subplot()
    ax.contourf(x, y, prof.detect.astype(np.float64), levels=[0.5, 1.5], colors=["#1f5fa8"], alpha=0.25)
    for i, line in enumerate(prof.contours_m):
        ax.plot(
            line[:, 0] / 1e3,
            line[:, 1] / 1e3,
            color="#1f5fa8",
            lw=1.6,
            label="Pd = 0.5, 1 m² (free space)" if i == 0 else None,
        )
    ax.plot(
        prof.horizon_m[:, 0] / 1e3, prof.horizon_m[:, 1] / 1e3, "k--", lw=1.2, label="radar horizon, k = 4/3"
    )
    ax.plot(
        prof.geometric_horizon_m[:, 0] / 1e3,
        prof.geometric_horizon_m[:, 1] / 1e3,
        ":",
        color="0.4",
        lw=1.2,
        label="geometric horizon, k = 1",
    )
    ax.set_xlim(0, x[-1])
    ax.set_ylim(0, y[-1])
    ax.set_xlabel("ground range (km)")
    ax.set_ylabel("height above sea level (km)")
    ax.set_title(
        f"91N6E, antenna {prof.antenna_height_m:g} m, 1 m² target: shaded = detected (Pd ≥ 0.5 per look)",
        fontsize=9,
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    _save(fig, path)  # fmt: skip


def plot_multipath(path: Path) -> None:
    spec = catalog.radar("96L6E")
    lam = float(radar.wavelength_m(spec.frequency_ghz * 1e9))
    h1, rng_m = 25.0, 40_000.0
    h2 = np.linspace(1.0, 400.0, 4000)
    rng = np.full(h2.size, rng_m)
    flat = _engine_f4_db(spec, PERFECT_REFLECTOR, FLAT_K, h1, rng, h2)
    land = _engine_f4_db(spec, propagation.SURFACE_DEFAULTS["land"], STANDARD_REFRACTION_K, h1, rng, h2)
    closed = 40.0 * np.log10(np.maximum(2.0 * np.abs(np.sin(2.0 * np.pi * h1 * h2 / (lam * rng_m))), 1e-6))
    fig = Figure(figsize=(6.4, 4.2))
    ax = fig.add_subplot()
    ax.plot(flat, h2, color="#1f5fa8", lw=1.6, label="engine (sensing.path_terms), flat perfect reflector")
    ax.plot(closed[::40], h2[::40], "o", ms=3, color="black", label="closed form 4 sin²(2π h₁h₂/λR), squared")
    ax.plot(land, h2, color="#d9822b", lw=1.2, label="engine, 4/3 earth, land (ε 15, 1 m rms)")
    ax.axvline(0.0, color="0.5", lw=0.8)
    ax.set_xlim(-30, 14)
    ax.set_xlabel("F⁴ (dB)")
    ax.set_ylabel("target height (m)")
    ax.set_title(
        f"96L6E (λ {lam * 100:.2f} cm), antenna {h1:g} m, {rng_m / 1e3:g} km: two-ray lobes", fontsize=9
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7.5, loc="upper left")
    fig.tight_layout()
    _save(fig, path)


PLOTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "pd_vs_snr.png": (plot_pd, "Pd vs SNR: exact Swerling 0/1/3 against Albersheim and Shnidman"),
    "pn_miss_vs_tau.png": (plot_pn_miss, "PN miss distance vs flight-control time constant"),
    "pn_miss_vs_limit.png": (plot_pn_limit, "PN miss distance vs acceleration limit"),
    "horizon.png": (plot_horizon, "Radar horizon range vs target height"),
    "profile_91n6e.png": (plot_profile, "Range–altitude diagram of the 91N6E for 1 m²"),
    "multipath_lobes.png": (plot_multipath, "Two-ray F⁴ against target height: engine vs closed form"),
}


# ---------------------------------------------------------------------------------------------------
# Report


SECTION_NOTES = {
    "Radar horizon": "Straight rays over an earth of radius k·Rₑ (`samsim.models.horizon`); the engine's "
    "visibility test (`samsim.sim.sensing.visible`) reproduces the closed form to metres.",
    "Detection (Pd, range equation)": "Single-look Pd of `samsim.models.radar` is exact for each Swerling "
    "case; the references here are computed independently by numerical quadrature. Albersheim's and "
    "Shnidman's equations are shown for comparison within their published accuracy.",
    "Noise jamming, burn-through": "`samsim.models.jamming` against the textbook self-screening formula "
    "and a numerical root of S/(N + J) = q.",
    "Tracking filter": "Consistency of samsim's `Tracker` (the same code the engine runs) and of its Kalman "
    "kernels. The NEES test runs 300 independent targets on the filter's own model, so the estimation "
    "error must be N(0, P).",
    "Intercept geometry": "`samsim.c2.intercept.predict_intercept` against the constant-speed collision "
    "triangle, and against its own definition on a guided reach table; the plan with the engine's reach "
    "tables by target altitude against the flight the engine's flyout then flies.",
    "PN: navigation ratio, acceleration limit": "Zarchan's head-on reference engagement (missile 3000 m/s, "
    "target 1000 m/s, closing 4000 m/s, 10 km up) flown by the engine's compiled flyout kernel "
    "(`flyout.launch`, `flyout.advance`: true PN on the target, lateral limit, first-order lag; 1 ms "
    "steps), its parameters set to Zarchan's point mass: no motor, no drag, no lift limit, the weight "
    "compensated from the start.",
    "PN: miss vs time constant": "The same engagement with a single-lag flight-control system against the "
    "method-of-adjoints closed form (linearised loop).",
    "Weapon–target assignment": "`samsim.c2.wta.solve_wta` against complete enumeration on small instances "
    "and exact against heuristic on 20 × 20; the public instances are in the peer comparisons below.",
    "Lethality (Carleton)": "`samsim.models.lethality`: Carleton damage function, its closed-form average "
    "over a circular-normal miss, and the Rice-distributed terminal miss the engine draws.",
    "Ballistic arc": "`samsim.models.ballistic`'s Keplerian arc tends to the flat-earth parabola for short "
    "shots; the tolerance allows for curvature and the fall of g with height.",
    "Multipath and clutter (two-ray)": "The engine's look terms over a surface (`sensing.path_terms`, "
    "`look_snr_db`, `look_pd`; `samsim.models.propagation`) against Blake's flat-earth two-ray closed "
    "form, an independent reflection-point search on the sphere (root finding on Cartesian chords, not "
    "Kerr's cubic), the Fresnel and rough-surface limits, clutter and SINR worked by hand, and the "
    "smooth-earth diffraction at the horizon (between the λ/6 edge of the interference region and the "
    "horizon the engine interpolates in dB, as Blake does). The last rows are the low-flier case of "
    "examples/raid-48.yaml.",
    "Geodesy": "`samsim.geodesy` (WGS-84 closed forms, Heikkinen's inversion, Karney geodesics via pyproj).",
}

VALIDATION_BASES = (
    "closed form",
    "numerical reference",
    "published value",
    "independent implementation",
    "peer",
)
"""What a validation row may compare with: never an input of the model."""

SECTION_BASIS = {
    "Radar horizon": "closed form",
    "Detection (Pd, range equation)": "closed form",
    "Noise jamming, burn-through": "closed form",
    "Tracking filter": "closed form",
    "Intercept geometry": "closed form",
    "PN: navigation ratio, acceleration limit": "closed form",
    "PN: miss vs time constant": "closed form",
    "Weapon–target assignment": "independent implementation",
    "Lethality (Carleton)": "closed form",
    "Ballistic arc": "closed form",
    "Multipath and clutter (two-ray)": "closed form",
    "Geodesy": "closed form",
}
"""The basis of a section's rows unless a row names its own (``Check.basis``)."""

SECTION_CODE = {
    "Radar horizon": (
        "samsim.models.horizon.horizon_range_m",
        "samsim.models.horizon.horizon_ground_range_m",
        "samsim.sim.sensing.visible",
    ),
    "Detection (Pd, range equation)": (
        "samsim.models.radar.required_snr_db",
        "samsim.models.radar.probability_of_detection",
        "samsim.models.radar.noise_power_dbw",
    ),
    "Noise jamming, burn-through": (
        "samsim.models.jamming.jammer_to_noise_db",
        "samsim.models.jamming.snr_with_jamming_db",
        "samsim.models.jamming.burn_through_range_m",
    ),
    "Tracking filter": ("samsim.tracking.Tracker", "samsim.tracking.kalman.predict", "samsim.tracking.gnn"),
    "Intercept geometry": (
        "samsim.c2.intercept.predict_intercept",
        "samsim.c2.intercept.predict_intercept_by_altitude",
        "samsim.sim.weapons.weapon_type",
        "samsim.models.flyout.advance",
    ),
    "PN: navigation ratio, acceleration limit": (
        "samsim.models.flyout.launch",
        "samsim.models.flyout.advance",
    ),
    "PN: miss vs time constant": ("samsim.models.flyout.launch", "samsim.models.flyout.advance"),
    "Weapon–target assignment": ("samsim.c2.wta.solve_wta",),
    "Lethality (Carleton)": (
        "samsim.models.lethality.kill_probability",
        "samsim.models.lethality.expected_kill_probability",
        "samsim.models.lethality.terminal_miss_m",
    ),
    "Ballistic arc": ("samsim.models.ballistic.kepler_arc", "samsim.models.ballistic.ballistic_profile"),
    "Multipath and clutter (two-ray)": (
        "samsim.sim.sensing.path_terms",
        "samsim.sim.sensing.look_snr_db",
        "samsim.sim.sensing.look_pd",
        "samsim.models.propagation.reflection_geometry",
        "samsim.models.propagation.fresnel_reflection",
        "samsim.models.propagation.miller_brown_vegh_roughness",
    ),
    "Geodesy": (
        "samsim.geodesy.geodesic_inverse",
        "samsim.geodesy.geodetic_to_ecef",
        "samsim.geodesy.ecef_to_geodetic",
    ),
}
"""The engine's own functions each section runs (the report names them; tests import them)."""

SECTION_PLOTS = {
    "Radar horizon": ["horizon.png"],
    "Multipath and clutter (two-ray)": ["multipath_lobes.png"],
    "Detection (Pd, range equation)": ["pd_vs_snr.png"],
    "PN: navigation ratio, acceleration limit": ["pn_miss_vs_limit.png"],
    "PN: miss vs time constant": ["pn_miss_vs_tau.png"],
}


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def render_checks(checks: Sequence[Check], img_rel: str) -> list[str]:
    lines: list[str] = []
    models = list(dict.fromkeys(c.model for c in checks))
    for model in models:
        rows = [c for c in checks if c.model == model]
        lines += [f"### {model}", ""]
        if model in SECTION_NOTES:
            lines += [SECTION_NOTES[model], ""]
        lines += ["Engine code run: " + ", ".join(f"`{name}`" for name in SECTION_CODE[model]) + ".", ""]
        lines.append(
            _md_row(
                ["reference", "basis", "test case", "samsim", "reference value", "error", "tolerance", ""]
            )
        )
        lines.append("|---|---|---|---|---|---|---|---|")
        for c in rows:
            unit = f" {c.unit}" if c.unit else ""
            lines.append(
                _md_row(
                    [
                        c.reference,
                        c.reference_basis,
                        c.case,
                        _fmt(c.value, c.digits) + unit,
                        _fmt(c.expected, c.digits) + unit,
                        c.error_text(),
                        c.tolerance_text(),
                        "✓" if c.passed else "✗",
                    ]
                )
            )
        lines.append("")
        for name in SECTION_PLOTS.get(model, []):
            lines += [f"![{PLOTS[name][1]}]({img_rel}/{name})", ""]
    return lines


def render_claims(claims: Sequence[Claim], *, calibration: bool = False) -> list[str]:
    head = (
        ["item", "input", "source", "input value", "engine reads back", "difference", "how"]
        if calibration
        else ["item", "published figure", "source", "published", "samsim gives", "difference", "how"]
    )
    lines = [
        _md_row(head),
        "|---|---|---|---|---|---|---|",
    ]
    for c in claims:
        unit = f" {c.unit}" if c.unit else ""
        lines.append(
            _md_row(
                [
                    c.item,
                    c.figure,
                    c.source,
                    _fmt(c.published, 4) + unit,
                    _fmt(c.reproduced, 4) + unit,
                    f"{c.difference_pct:+.1f} %",
                    c.method,
                ]
            )
        )
    return lines


def render(
    checks: Sequence[Check],
    calibration: Sequence[Claim],
    claims: Sequence[Claim],
    tracking: Sequence[dict[str, Any]] | None,
    wta_public: tuple[Path, list[dict[str, Any]]] | None,
    img_rel: str = "img/validation",
) -> str:
    passed = sum(c.passed for c in checks)
    failed = [c for c in checks if not c.passed]
    lines = [
        "# Validation report",
        "",
        "<!-- generated by scripts/validate.py (`make validate`); do not edit by hand -->",
        "",
        "Two kinds of rows, kept apart. **Calibration** shows the figures samsim takes as inputs (radar "
        "detection ranges, fire channels, reaction time, speed caps, motor sizes) next to what the engine "
        "gives back from them: a read-back proves the input is wired in, not that the model is right. "
        "**Validation** compares samsim with something it did not take as input — a closed form, a "
        "numerical or published reference, an independent implementation, a peer — and runs every row "
        "through the code the engine itself uses (named per section). The page is written by "
        "`python scripts/validate.py` (`make validate`); `tests/test_docs.py` re-runs the validation "
        "checks and fails when one leaves its tolerance. Everything is seeded: only the peer timings "
        "change from run to run.",
        "",
        f"**{passed} of {len(checks)} validation checks within tolerance.**"
        + ("" if not failed else " Outside: " + "; ".join(f"{c.model}: {c.case}" for c in failed) + "."),
        "",
        "## Calibration: inputs shown as inputs",
        "",
        "Each row is a figure of the catalog (or a formula) the model is built on, and what the engine's "
        "code reads back from it. A small difference here says the input is used as stated; it is not "
        "evidence that the model is right.",
        "",
        *render_claims(calibration, calibration=True),
        "",
        "![Range–altitude diagram of the 91N6E for a 1 m² target](" + img_rel + "/profile_91n6e.png)",
        "",
        "Notes:",
        "",
        "- Radar ranges: the only public calibration of an S-400 radar against a stated RCS is the ~390 km "
        "for 4 m² of the 91N6E (0.65 × its published 600 km); every other radar is calibrated by the same "
        "rule (ASSUMED). A published maximum range is then reached at Pd 0.5 per look by a target of "
        "4 × (1/0.65)⁴ ≈ 22 m²; no public RCS goes with those figures. The read-back is a ground range at "
        "10 km altitude in free space (`surface: none`), so it sits a fraction of a percent below the "
        "slant-range calibration.",
        "- Interceptors: the motors (propellant, burn time) are sized on the published speeds and one drag "
        "factor shared by every interceptor was chosen as a round value with the published ranges in "
        "view, so both rows are calibration; no timer ends the flights.",
        "- Maximum target speed: the envelope check (`launch_feasible`) takes the published figure as a "
        "cap; the battery tracker adds its own bound, set by the initiation velocity σ and the gate.",
        "",
        "## Validation",
        "",
        "Columns: *samsim* is the value the engine's function named in the test case returns; *reference "
        "value* the reference's; *basis* what the reference is; *error* is samsim minus reference "
        "(relative where the tolerance is in %); *tolerance* what the reference itself allows (its stated "
        "accuracy, a statistical band, or round-off).",
        "",
        *render_checks(checks, img_rel),
        "### Published figures the model does not take as input",
        "",
        "A difference here is how far samsim's parametric model lands from the published number. The "
        "published ceilings are enforced separately as envelope limits; the flyout's own lift limit puts "
        "the 5 g end-game floor where the table says (the 9M96E2's gas-dynamic control, which public "
        "sources credit for its agility near its 30 km ceiling, is not modelled: no public thrust figure).",
        "",
        *render_claims(claims),
        "",
    ]
    lines += ["### Peers: tracking", ""]
    if tracking is None:
        lines += ["Tracking peers not run (`--no-peers`).", ""]
    else:
        lines += [
            "samsim vs Stone Soup and a per-object FilterPy tracker.",
            "",
            "Same detections (`benchmarks/peers/gen.py`, seed 1: 2-D NCV targets, σ 10 m, Pd 0.95, 10 "
            "clutter points per scan), same OSPA (c = 100 m, p = 1), from "
            "`benchmarks/tracking_vs_stonesoup.py` (every tracker: median of 3 runs; each peer in its "
            "faster form, Stone Soup k-d tree or dense, FilterPy dense or k-d tree; wall-clock ratios). "
            "OSPA is deterministic; speeds vary with the machine and its load.",
            "",
            _md_row(
                [
                    "targets",
                    "scans",
                    "OSPA samsim (m)",
                    "OSPA Stone Soup (m)",
                    "OSPA FilterPy (m)",
                    "samsim ÷ Stone Soup speed",
                    "samsim ÷ FilterPy speed",
                ]
            ),  # fmt: skip
            "|---|---|---|---|---|---|---|",
        ]
        for r in tracking:
            lines.append(
                _md_row(
                    [
                        str(r["targets"]),
                        str(r["scans"]),
                        str(r["ospa_samsim"]),
                        str(r["ospa_stonesoup"]),
                        str(r["ospa_filterpy"]),
                        f"{r['ratio']}×",
                        f"{r['ratio_filterpy']}×",
                    ]
                )
            )
        lines += ["", "Larger cases and absolute speeds: [Performance](performance.md).", ""]
    lines += ["### Peers: assignment, public instances with best-known optima", ""]
    if wta_public is None:
        lines += ["Not run (`--no-peers`).", ""]
    else:
        folder, rows = wta_public
        if not rows:
            lines += [
                f"The public instances are ABSENT on this machine (`{folder}` does not exist); "
                "`benchmarks/wta.py` reads them from `benchmarks/data/wta`.",
                "",
            ]
        else:
            lines += [
                'Andersen, Pavlikov & Toffolo, "Weapon-target assignment problem: exact and approximate '
                'solution algorithms", Annals of Operations Research (2022): their public instances and '
                "best-known objectives (CPLEX, up to 2 h), read from `benchmarks/data/wta`; `solve_wta` with "
                "default settings (the heuristic at these sizes). Gaps are deterministic; seconds vary.",
                "",
                _md_row(
                    [
                        "instance",
                        "types × targets × units",
                        "samsim objective",
                        "best known",
                        "gap",
                        "seconds",
                    ]
                ),
                "|---|---|---|---|---|---|",
            ]
            for r in rows:
                bk = "n/a" if r["best_known"] is None else f"{r['best_known']:.4f}"
                gap = "n/a" if r["gap_pct"] is None else f"{r['gap_pct']:+.3f} %"
                lines.append(
                    _md_row(
                        [r["instance"], r["size"], f"{r['objective']:.4f}", bk, gap, f"{r['seconds']:.3f}"]
                    )
                )
            lines.append("")
    lines += [
        "## Reproduce",
        "",
        "```bash",
        "make validate                         # = .venv/bin/python scripts/validate.py",
        ".venv/bin/python scripts/validate.py --no-peers   # without the peer runs",
        ".venv/bin/pytest tests/test_docs.py   # the same checks as assertions",
        "```",
        "",
    ]
    return "\n".join(lines)


def run_all_checks() -> list[Check]:
    out: list[Check] = []
    for fn in CHECKS.values():
        out += fn()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="markdown file to write")
    ap.add_argument("--img-dir", type=Path, default=DEFAULT_IMG, help="folder of the plots")
    ap.add_argument(
        "--no-peers", action="store_true", help="skip Stone Soup, FilterPy and the public WTA instances"
    )
    ap.add_argument("--fast", action="store_true", help="--no-peers and no plots (the page links none)")
    args = ap.parse_args(argv)
    if args.fast:
        args.no_peers = True
    t0 = time.perf_counter()
    checks = run_all_checks()
    for c in checks:
        mark = "ok  " if c.passed else "FAIL"
        print(
            f"{mark} {c.model}: {c.case}: {_fmt(c.value)} vs {_fmt(c.expected)} {c.unit} ({c.error_text()})"
        )
    calibration = calibration_claims()
    claims = published_claims()
    tracking = None if args.no_peers else peer_tracking()
    wta_public = None if args.no_peers else peer_wta()
    for name, (fn, _) in PLOTS.items():
        if not args.fast:
            fn(args.img_dir / name)
    try:
        img_rel = args.img_dir.resolve().relative_to(args.out.resolve().parent).as_posix()
    except ValueError:
        img_rel = args.img_dir.resolve().as_posix()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(checks, calibration, claims, tracking, wta_public, img_rel), encoding="utf-8")
    failed = sum(not c.passed for c in checks)
    print(f"wrote {args.out} and {len(PLOTS)} plots in {args.img_dir} ({time.perf_counter() - t0:.0f} s); "
          f"{len(checks) - failed}/{len(checks)} checks within tolerance")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
