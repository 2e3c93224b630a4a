"""International Standard Atmosphere (ICAO 1993 = US Standard Atmosphere 1976 below 86 km).

The seven layers of the 1976 standard are defined in *geopotential* altitude ``H``; the public
functions take *geometric* altitude ``z`` above mean sea level (what the engine computes as
``|r - c| - R_e``) unless told ``geopotential=True``. The two are linked by
``H = r0 z / (r0 + z)`` with the standard's effective earth radius ``r0 = 6 356 766 m``.

Above the last layer boundary (H = 84.852 km, z = 86 km) the standard switches to a
geometric-altitude model with molecular-weight changes; here the atmosphere is continued as an
isothermal layer at 186.946 K (pressure and density fall exponentially with a scale height of
~5.5 km). That is a documented simplification: above 86 km the density is < 1e-5 kg/m3 and its
effect on an interceptor is negligible.

References
----------
U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562, NASA/NOAA/USAF, Washington DC, 1976
(equations 23, 33a, 33b, 42, 50 and Table 4).
ICAO, Manual of the ICAO Standard Atmosphere, Doc 7488/3, 1993 (identical below 32 km).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from samsim.constants import G0_MPS2
from samsim.jit import njit

__all__ = [
    "IsaState",
    "geometric_altitude_m",
    "geopotential_altitude_m",
    "isa",
    "isa_geometric_scalar",
    "isa_geopotential_scalar",
    "density_sound_scalar",
    "GAMMA_AIR",
    "R_AIR_JPKGK",
]

"""Standard gravity (USSA 1976)."""
R_STAR_JPKMOLK = 8.31432
"""Universal gas constant as fixed by USSA 1976 (not the CODATA value)."""
M0_KGPKMOL = 0.0289644
"""Sea-level mean molar mass of air [kg/mol]."""
R_AIR_JPKGK = R_STAR_JPKMOLK / M0_KGPKMOL
"""Specific gas constant of air, 287.053 J/(kg K)."""
GAMMA_AIR = 1.4
"""Ratio of specific heats."""
R0_GEOPOTENTIAL_M = 6_356_766.0
"""Effective earth radius of the geopotential-altitude relation (USSA 1976 eq. 18)."""
_GMR_KPM = G0_MPS2 * M0_KGPKMOL / R_STAR_JPKMOLK  # hydrostatic constant, 0.034163 K/m

# Layer bases: geopotential altitude [m], temperature [K], lapse rate [K/m], pressure [Pa]
# (USSA 1976 Table 4; base pressures recomputed from eqs. 33a/33b so that the layers join exactly).
_H_BASE_M = np.array([0.0, 11_000.0, 20_000.0, 32_000.0, 47_000.0, 51_000.0, 71_000.0, 84_852.0])
_LAPSE_KPM = np.array([-0.0065, 0.0, 0.001, 0.0028, 0.0, -0.0028, -0.002, 0.0])
_T_BASE_K = np.empty(8)
_P_BASE_PA = np.empty(8)
_T_BASE_K[0] = 288.15
_P_BASE_PA[0] = 101_325.0
for _i in range(1, 8):
    _dh = _H_BASE_M[_i] - _H_BASE_M[_i - 1]
    _lapse = _LAPSE_KPM[_i - 1]
    _T_BASE_K[_i] = _T_BASE_K[_i - 1] + _lapse * _dh
    if _lapse == 0.0:
        _P_BASE_PA[_i] = _P_BASE_PA[_i - 1] * math.exp(-_GMR_KPM * _dh / _T_BASE_K[_i - 1])
    else:
        _P_BASE_PA[_i] = _P_BASE_PA[_i - 1] * (_T_BASE_K[_i - 1] / _T_BASE_K[_i]) ** (_GMR_KPM / _lapse)
_H_MIN_M = -5_000.0  # lower end of the standard's tables; below it the layer-0 law is clamped


class IsaState(NamedTuple):
    """Atmospheric state arrays, each shaped like the altitude input."""

    temperature_k: NDArray[np.float64]
    pressure_pa: NDArray[np.float64]
    density_kgpm3: NDArray[np.float64]
    speed_of_sound_mps: NDArray[np.float64]


def geopotential_altitude_m(geometric_m: ArrayLike) -> NDArray[np.float64]:
    """Geopotential altitude from geometric altitude, ``H = r0 z / (r0 + z)`` (USSA 1976 eq. 18)."""
    z = np.asarray(geometric_m, dtype=np.float64)
    return R0_GEOPOTENTIAL_M * z / (R0_GEOPOTENTIAL_M + z)


def geometric_altitude_m(geopotential_m: ArrayLike) -> NDArray[np.float64]:
    """Geometric altitude from geopotential altitude, ``z = r0 H / (r0 - H)``."""
    h = np.asarray(geopotential_m, dtype=np.float64)
    return R0_GEOPOTENTIAL_M * h / (R0_GEOPOTENTIAL_M - h)


def isa(altitude_m: ArrayLike, *, geopotential: bool = False) -> IsaState:
    """Temperature, pressure, density and speed of sound of the standard atmosphere.

    Parameters
    ----------
    altitude_m
        Altitude above mean sea level, any shape. Geometric unless ``geopotential`` is true.
        Values below -5 km are clamped to -5 km.
    geopotential
        Interpret ``altitude_m`` as geopotential altitude (the standard's table argument).

    Returns
    -------
    IsaState
        ``T = T_b + L (H - H_b)``; ``p = p_b (T_b / T)^(g0 M0 / (R* L))`` or, for ``L = 0``,
        ``p = p_b exp(-g0 M0 (H - H_b) / (R* T_b))``; ``rho = p M0 / (R* T)``;
        ``a = sqrt(gamma R* T / M0)`` (USSA 1976 eqs. 23, 33a, 33b, 42, 50).
    """
    alt = np.asarray(altitude_m, dtype=np.float64)
    h = alt if geopotential else geopotential_altitude_m(alt)
    h = np.maximum(h, _H_MIN_M)
    layer = np.clip(np.searchsorted(_H_BASE_M, h, side="right") - 1, 0, 7)
    h_b = _H_BASE_M[layer]
    t_b = _T_BASE_K[layer]
    p_b = _P_BASE_PA[layer]
    lapse = _LAPSE_KPM[layer]
    temperature = t_b + lapse * (h - h_b)
    isothermal = lapse == 0.0
    safe_lapse = np.where(isothermal, 1.0, lapse)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        p_gradient = p_b * (t_b / temperature) ** (_GMR_KPM / safe_lapse)
        p_isothermal = p_b * np.exp(-_GMR_KPM * (h - h_b) / t_b)
    pressure = np.where(isothermal, p_isothermal, p_gradient)
    density = pressure / (R_AIR_JPKGK * temperature)
    sound = np.sqrt(GAMMA_AIR * R_AIR_JPKGK * temperature)
    return IsaState(temperature, pressure, density, sound)


@njit
def isa_geopotential_scalar(h_m: float) -> tuple[float, float, float, float]:
    """Scalar ``(temperature_k, pressure_pa, density_kgpm3, speed_of_sound_mps)`` at geopotential ``h_m``.

    Same model as :func:`isa`; compiled so that flight kernels can call it per step.
    """
    h = max(h_m, _H_MIN_M)
    k = 0
    while k < 7 and h >= _H_BASE_M[k + 1]:
        k += 1
    t_b = _T_BASE_K[k]
    lapse = _LAPSE_KPM[k]
    dh = h - _H_BASE_M[k]
    temperature = t_b + lapse * dh
    if lapse == 0.0:
        pressure = _P_BASE_PA[k] * math.exp(-_GMR_KPM * dh / t_b)
    else:
        pressure = _P_BASE_PA[k] * (t_b / temperature) ** (_GMR_KPM / lapse)
    density = pressure / (R_AIR_JPKGK * temperature)
    sound = math.sqrt(GAMMA_AIR * R_AIR_JPKGK * temperature)
    return temperature, pressure, density, sound


@njit
def isa_geometric_scalar(z_m: float) -> tuple[float, float, float, float]:
    """Scalar ``(temperature_k, pressure_pa, density_kgpm3, speed_of_sound_mps)`` at geometric ``z_m``."""
    return isa_geopotential_scalar(R0_GEOPOTENTIAL_M * z_m / (R0_GEOPOTENTIAL_M + z_m))


# Tabulated density and speed of sound on a fine geometric-altitude grid, for flight kernels that
# call the atmosphere every step: linear interpolation over 25 m misses the exponential density by
# at most (25 m / 5.5 km)**2 / 8 ~ 3e-6 relative (2e-4 in the cells that straddle a layer boundary),
# and it costs no transcendental function.
_FAST_DZ_M = 25.0
_FAST_Z0_M = -2_000.0
_FAST_Z_M = np.arange(_FAST_Z0_M, 100_000.0 + _FAST_DZ_M, _FAST_DZ_M)
_FAST_STATE = isa(_FAST_Z_M)
_FAST_RHO = np.ascontiguousarray(_FAST_STATE.density_kgpm3)
_FAST_SOUND = np.ascontiguousarray(_FAST_STATE.speed_of_sound_mps)


@njit
def density_sound_scalar(z_m: float) -> tuple[float, float]:
    """``(density_kgpm3, speed_of_sound_mps)`` at geometric ``z_m``, tabulated (25 m) for speed.

    Relative error against :func:`isa` below 3e-6 from -2 km to 100 km (2e-4 within 25 m of a layer
    boundary); outside that band the exact :func:`isa_geometric_scalar` is used.
    """
    u = (z_m - _FAST_Z0_M) / _FAST_DZ_M
    if u < 0.0 or u >= _FAST_RHO.size - 1:
        _, _, rho, sound = isa_geometric_scalar(z_m)
        return rho, sound
    k = int(u)
    f = u - k
    return (
        _FAST_RHO[k] + f * (_FAST_RHO[k + 1] - _FAST_RHO[k]),
        _FAST_SOUND[k] + f * (_FAST_SOUND[k + 1] - _FAST_SOUND[k]),
    )
