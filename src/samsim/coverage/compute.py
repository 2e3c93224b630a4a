"""Coverage analysis: where a battery detects, and can engage, a target of given RCS at given altitudes.

``samsim.coverage(scenario, alt_m=(50, 500, 5000), rcs_m2=1.0)`` answers "what does the battery
cover, and at what altitude does a target disappear?" for every battery of a scenario, composing the
same models the engine uses (one implementation of each):

* **Range equation** -- single-look SNR calibrated on the radar's published detection range,
  SNR ∝ σ/R⁴, and Pd per look for the Swerling case of the radar's calibration (or one chosen)
  (:func:`samsim.sim.sensing.look_pd`; Skolnik 2001, ch. 2).
* **Instrumented volume** -- maximum range and elevation limits (:func:`samsim.models.radar.in_coverage`).
* **Radar horizon** -- straight rays over the effective earth of radius ``k·Re`` with the antenna on
  its mast (:func:`samsim.sim.sensing.visible`, :func:`samsim.models.horizon.above_horizon`; Skolnik 2001,
  ch. 8). Without a DEM the earth is smooth at ``environment.ground_alt_m``.
* **Surface** -- over ``environment.surface`` (land or sea) the two-ray multipath factor F⁴ breaks
  the vertical coverage into lobes and the residual surface clutter competes with the echo
  (:func:`samsim.sim.sensing.path_terms`, :mod:`samsim.models.propagation`; Blake 1986, ch. 6).
* **Terrain masking** -- with ``environment.terrain`` the line of sight over the DEM, curvature and
  refraction included (:func:`samsim.models.terrain.ray_visibility`); the horizon is then taken over
  sea level and the terrain does the rest.

Geometry
--------
Each radar is evaluated on a polar grid centred on its antenna's ground position: azimuths (geodesic,
clockwise from true north) x ground ranges (geodesic distance), the same grid for every radar of a
result (:class:`PolarGrid`). A cell is the target at the cell centre, ``alt_m`` above the ground
(``agl=True``) or above mean sea level; its position relative to the antenna is put on a sphere of
radius :data:`samsim.constants.MEAN_EARTH_RADIUS_M` (``up = (h2 - h1) - 2 (R + h2) sin²(φ/2)``,
``horizontal = (R + h2) sin φ``, ``φ = d / R``), from which :func:`samsim.sim.sensing.visible` takes slant
range, azimuth, elevation and the horizon test exactly as it does for the engine's threats. Terrain
under a cell is sampled bilinearly at points interpolated linearly in longitude/latitude between
geodesic nodes every 25 km along each ray (within ~10 m of the geodesic); unknown terrain (outside
the DEM) counts as sea level, as in the terrain model.

Engagement footprint
--------------------
For each interceptor type loaded on the battery's launchers: the cells where the battery's
engagement radar (catalog role ``engagement``) detects the target with ``Pd >= pd_threshold`` and the
target lies inside the interceptor's static envelope -- slant range from the battery position in
``[min_range_m, max_range_m]`` (true earth) and altitude above mean sea level in
``[min_altitude_m, max_altitude_m]``, the same checks as :func:`samsim.c2.intercept.launch_feasible`.
It is a static envelope: no time of flight, target speed or reaction time limit. A battery without an
engagement radar has empty engagement footprints.

Footprints
----------
A detection mask becomes polygons in the antenna-centred azimuthal equidistant projection, where the
polar grid is exact (distance and azimuth from the centre are geodesic), arcs densified at the
azimuth step, then longitude/latitude (WGS-84). Areas are geodesic (Karney 2013, via pyproj).

References
----------
Skolnik, M. I., *Introduction to Radar Systems*, 3rd ed., McGraw-Hill, 2001, ch. 2 and 8.
Blake, L. V., *Radar Range-Performance Analysis*, Artech House, 1986 (vertical coverage diagrams).
Barton, D. K., *Radar Equations for Modern Radar*, Artech House, 2013.
Snyder, J. P., *Map Projections -- A Working Manual*, USGS Prof. Paper 1395, 1987 (azimuthal
equidistant projection).
Karney, C. F. F., "Algorithms for geodesics", J. Geodesy 87, 2013.
"""

from __future__ import annotations

import functools
import math
import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Geod, Transformer
from shapely.geometry.base import BaseGeometry

from samsim.arrays import BoolArray, FloatArray
from samsim.catalog import RadarSpec
from samsim.catalog.signatures import RcsTable
from samsim.constants import MEAN_EARTH_RADIUS_M
from samsim.models import horizon, radar
from samsim.models.signature import band_of_frequency
from samsim.scenario import Scenario, load
from samsim.sim import sensing, signatures
from samsim.sim.jamming import jammers_of, look_jnr_db
from samsim.sim.world import CompiledBattery, World, compile_world

if TYPE_CHECKING:  # the terrain model (rasterio) loads only when a scenario has a DEM
    from samsim.models.terrain import Dem


__all__ = [
    "ASPECTS",
    "DEFAULT_ALT_M",
    "CompareRow",
    "CoverageResult",
    "Footprint",
    "PolarGrid",
    "Profile",
    "RadarCoverage",
    "Site",
    "aspect_problem",
    "coverage",
    "target_rcs_m2",
]

DEFAULT_ALT_M = (50.0, 500.0, 5000.0)
"""Target altitudes of ``samsim coverage`` when none are given: sea-skimmer, low, medium level."""

COMBINED = "all"
"""``Footprint.radar`` of a battery's combined detection footprint (union over its radars)."""

_NODE_SPACING_M = 25_000.0
_RANGE_CELLS = 1000
_MAX_CELLS = 2.0e7  # per radar and altitude: ~0.5 GB of intermediate arrays
_LAUNCHER_HEIGHT_M = 2.0  # as the engine places its launchers (world._compile_battery)
_SWERLING_CASES = (0, 1, 3)


# --------------------------------------------------------------------------------------------------
# Result types


@dataclass(frozen=True, eq=False)
class PolarGrid:
    """The polar grid of every radar: cell centres in azimuth x ground range.

    Cell ``[i, j]`` spans azimuths ``azimuth_rad[i] ± az_step_rad / 2`` and ground ranges
    ``[j, j + 1] * range_step_m`` (so ``range_m[j] = (j + 1/2) * range_step_m``).
    """

    azimuth_rad: FloatArray
    range_m: FloatArray
    az_step_rad: float
    range_step_m: float

    @property
    def shape(self) -> tuple[int, int]:
        """(azimuths, ranges)."""
        return self.azimuth_rad.size, self.range_m.size


@dataclass(frozen=True, eq=False)
class RadarCoverage:
    """One radar of one battery against a target at one altitude, on the result's :class:`PolarGrid`.

    Attributes
    ----------
    pd : ndarray (n_azimuth, n_range), float32
        Probability of detection per look; 0 where the target is outside the instrumented volume,
        below the radar horizon, masked by terrain or under ground.
    detect : ndarray of bool (n_azimuth, n_range)
        ``pd >= pd_threshold``.
    engage : dict
        Interceptor type -> bool mask of feasible launches (engagement radars only, else empty).
    footprint : shapely geometry
        ``detect`` as (Multi)Polygon in longitude/latitude degrees (WGS-84); may be empty.
    detect_jammed, footprint_jammed : bool mask and geometry, or None
        The same with the noise jamming of the scenario's jammers where they are at
        ``CoverageResult.jam_at_s`` (:func:`samsim.sim.jamming.look_jnr_db`): the area inside the
        burn-through contour. None without a jamming layer.
    """

    battery: str
    radar: str
    radar_type: str
    role: str
    alt_m: float
    lon_deg: float
    lat_deg: float
    antenna_alt_m: float
    pd: NDArray[np.float32]
    detect: BoolArray
    engage: dict[str, BoolArray]
    footprint: BaseGeometry
    detect_jammed: BoolArray | None = None
    footprint_jammed: BaseGeometry | None = None


@dataclass(frozen=True, eq=False)
class Footprint:
    """A footprint polygon with what it means (one GeoJSON feature).

    ``radar`` is a radar id, :data:`COMBINED` for the union of the battery's radars, or for an
    engagement footprint the engagement radar id(s) joined by ``+``; ``interceptor`` is set for
    engagement footprints only. ``jammed`` footprints are detection footprints with the scenario's
    jamming (inside the burn-through contour).
    """

    battery: str
    kind: Literal["detection", "engagement", "jammed"]
    alt_m: float
    radar: str
    interceptor: str | None
    geometry: BaseGeometry
    area_km2: float


@dataclass(frozen=True, eq=False)
class Profile:
    """Range-altitude (vertical coverage) diagram of one radar over a smooth effective earth.

    Heights are above the reference surface (sea level with a DEM, ``environment.ground_alt_m``
    without), whose altitude is ``surface_alt_m``. ``pd[i, j]`` is the single-look Pd at
    ``(ground_range_m[j], height_m[i])`` (free space, or over ``surface`` with multipath and clutter);
    ``detect`` adds the instrumented volume and the radar horizon.
    ``contours_m`` are the ``pd == pd_threshold`` lines as (n, 2) arrays of (ground range, height);
    ``horizon_m`` the grazing ray beyond the tangent point on the k-earth (the radar horizon line).
    """

    battery: str
    radar: str
    radar_type: str
    antenna_height_m: float
    surface_alt_m: float
    refraction_k: float
    ground_range_m: FloatArray
    height_m: FloatArray
    pd: FloatArray
    detect: BoolArray
    contours_m: tuple[FloatArray, ...]
    horizon_m: FloatArray
    geometric_horizon_m: FloatArray
    max_range_m: float
    min_elevation_rad: float
    max_elevation_rad: float
    surface: str = "none"  # environment.surface: "land" and "sea" lobe (two-ray F⁴) and clutter

    def contour_ground_range_m(self, height_m: float) -> float:
        """Largest ground range at which the Pd contour crosses ``height_m`` (NaN if it does not)."""
        best = math.nan
        for line in self.contours_m:
            g, h = line[:, 0], line[:, 1]
            lo, hi = np.minimum(h[:-1], h[1:]), np.maximum(h[:-1], h[1:])
            seg = np.flatnonzero((lo <= height_m) & (hi >= height_m) & (hi > lo))
            if seg.size == 0:
                continue
            t = (height_m - h[seg]) / (h[seg + 1] - h[seg])
            cross = g[seg] + t * (g[seg + 1] - g[seg])
            best = float(np.nanmax([best, *cross.tolist()]))
        return best


@dataclass(frozen=True)
class Site:
    """Where a battery stands and what it has."""

    battery: str
    system: str
    lon_deg: float
    lat_deg: float
    ground_alt_m: float
    radars: tuple[str, ...]
    radar_types: tuple[str, ...]
    interceptors: tuple[str, ...]


@dataclass(frozen=True)
class CompareRow:
    """One line of a site comparison: a battery's area, or the overlap of two batteries."""

    measure: Literal["area", "overlap"]
    kind: Literal["detection", "engagement"]
    alt_m: float
    battery: str
    other: str | None
    area_km2: float


@dataclass(frozen=True, eq=False)
class CoverageResult:
    """Coverage of every battery of a scenario; see :func:`coverage`."""

    scenario: str
    alt_m: tuple[float, ...]
    agl: bool
    rcs_m2: float
    pd_threshold: float
    swerling: int | None
    refraction_k: float
    surface_alt_m: float
    grid: PolarGrid
    sites: tuple[Site, ...]
    radars: tuple[RadarCoverage, ...]
    footprints: tuple[Footprint, ...]
    profiles: tuple[Profile, ...]
    terrain: Dem | None = field(default=None, repr=False)
    jam_at_s: float | None = None  # the jamming layer's jammer positions are those at this time
    # With a target type: its name, the aspect asked for, and the RCS each radar's band sees there
    # ((battery, radar) -> m²); rcs_m2 is then the type's frontal reference figure.
    target: str | None = None
    aspect: str | None = None
    radar_rcs_m2: tuple[tuple[str, str, float], ...] = ()

    @property
    def rcs_text(self) -> str:
        """The target in words: ``RCS 1 m²`` or ``F-35A, worst aspect``."""
        if self.target is None:
            return f"RCS {self.rcs_m2:g} m²"
        what = self.aspect if self.aspect in ("worst", "best", "nose", "beam", "tail") else f"{self.aspect}°"
        return f"{self.target}, {what} aspect"

    def rcs_of(self, battery: str, radar: str) -> float:
        """The RCS the coverage of one radar was computed for."""
        for b, r, value in self.radar_rcs_m2:
            if (b, r) == (battery, radar):
                return value
        return self.rcs_m2

    @property
    def alt_ref(self) -> Literal["agl", "msl"]:
        """``"agl"`` or ``"msl"``: what ``alt_m`` is measured from."""
        return "agl" if self.agl else "msl"

    def radar_coverage(self, battery: str, radar: str, alt_m: float) -> RadarCoverage:
        """The polar arrays of one radar at one altitude."""
        for rc in self.radars:
            if rc.battery == battery and rc.radar == radar and rc.alt_m == alt_m:
                return rc
        raise KeyError(f"no coverage for battery {battery!r}, radar {radar!r}, alt {alt_m:g} m")

    def footprint(
        self,
        battery: str,
        alt_m: float,
        kind: Literal["detection", "engagement"] = "detection",
        *,
        radar: str = COMBINED,
        interceptor: str | None = None,
    ) -> Footprint:
        """A footprint: combined detection by default; a radar's with ``radar=``; an engagement one
        with ``kind="engagement", interceptor=...`` (without ``interceptor``: the union over the
        battery's interceptor types)."""
        if kind == "engagement" and interceptor is None:
            parts = [f for f in self.footprints if f.battery == battery and f.alt_m == alt_m]
            eng = [f for f in parts if f.kind == "engagement"]
            if not parts:
                raise KeyError(f"no footprint for battery {battery!r} at {alt_m:g} m")
            geom = _union([f.geometry for f in eng])
            return Footprint(
                battery,
                "engagement",
                alt_m,
                "+".join(sorted({f.radar for f in eng})),
                None,
                geom,
                _area_km2(geom),
            )
        for f in self.footprints:
            if f.battery != battery or f.alt_m != alt_m or f.kind != kind:
                continue
            if (kind == "detection" and f.radar == radar) or (
                kind == "engagement" and f.interceptor == interceptor
            ):
                return f
        raise KeyError(f"no {kind} footprint for battery {battery!r} at {alt_m:g} m ({radar}, {interceptor})")

    def compare(self) -> list[CompareRow]:
        """Covered area per battery and altitude, and the pairwise overlaps (km², geodesic).

        Detection is each battery's combined footprint; engagement the union over its interceptor types.
        """
        rows: list[CompareRow] = []
        kinds: tuple[Literal["detection", "engagement"], ...] = ("detection", "engagement")
        for alt in self.alt_m:
            for kind in kinds:
                geoms = {s.battery: self.footprint(s.battery, alt, kind).geometry for s in self.sites}
                for b, g in geoms.items():
                    rows.append(CompareRow("area", kind, alt, b, None, _area_km2(g)))
                ids = list(geoms)
                for i, a in enumerate(ids):
                    for b in ids[i + 1 :]:
                        inter = geoms[a].intersection(geoms[b])
                        rows.append(CompareRow("overlap", kind, alt, a, b, _area_km2(inter)))
        return rows


# --------------------------------------------------------------------------------------------------
# Computation


def coverage(
    scenario: Scenario | str | os.PathLike[str],
    *,
    alt_m: Sequence[float] = DEFAULT_ALT_M,
    rcs_m2: float = 1.0,
    pd_threshold: float = 0.5,
    agl: bool = True,
    swerling: int | None = None,
    az_step_deg: float = 0.5,
    range_step_m: float | None = None,
    jam_at_s: float | None = None,
    target: str | None = None,
    aspect: float | str = "nose",
) -> CoverageResult:
    """Detection and engagement coverage of every battery of a scenario.

    Parameters
    ----------
    scenario : Scenario or path
        A validated scenario, or the path of a scenario file (loaded with :func:`samsim.load`).
    alt_m : sequence of float
        Target altitudes, m (>= 0), above ground (``agl``) or above mean sea level.
    rcs_m2 : float
        Target radar cross-section, m² (> 0).
    pd_threshold : float
        A cell is covered where the probability of detection per look is at least this, in (0, 1).
    agl : bool
        Altitudes above the ground under the target (terrain with a DEM) rather than above MSL.
    swerling : int or None
        Target fluctuation model, 0, 1 or 3; None: each radar's calibration case.
    az_step_deg : float
        Azimuth step of the polar grid, degrees.
    range_step_m : float or None
        Ground-range step of the polar grid; None: the farthest reach / 1000.
    jam_at_s : float or None
        Add a "with jamming" layer: detection with the noise of every jammer of the scenario, placed
        where it flies at this time (s from the scenario start), through each radar's antenna
        pattern; its footprint's edge is the burn-through contour. None: no jamming layer.
    target : str or None
        A catalog threat type (the scenario's catalog): each radar's coverage is then for the RCS that
        type's ``rcs_table`` gives in the radar's band at ``aspect`` (its ``rcs_m2`` without a table),
        and ``rcs_m2`` is not used.
    aspect : float or str
        With ``target``: degrees from the nose (0-180), ``nose``, ``beam``, ``tail``, or the envelopes
        ``worst`` (the smallest RCS over the table: covered from every aspect) and ``best`` (the largest).

    Returns
    -------
    CoverageResult
        Polar arrays per battery, radar and altitude; footprint polygons (lon/lat) and their areas;
        a range-altitude profile per radar.

    Raises
    ------
    ValueError
        For an option out of range or a scenario without batteries.
    samsim.ScenarioError
        For a scenario file that does not validate.
    samsim.models.terrain.TerrainError
        For a DEM that cannot be read (its message names the file).
    """
    alts = _check_options(alt_m, rcs_m2, pd_threshold, swerling, az_step_deg, range_step_m)
    sc = scenario if isinstance(scenario, Scenario) else load(Path(scenario))
    if not sc.batteries:
        raise ValueError(f"{sc.name}: the scenario has no batteries, so there is no coverage to compute")
    world = compile_world(sc)
    if jam_at_s is not None and not (math.isfinite(jam_at_s) and jam_at_s >= 0.0):
        raise ValueError(f"jam_at_s must be a finite time >= 0 s, got {jam_at_s:g}")
    if jam_at_s is not None and jammers_of(world).size == 0:
        raise ValueError(f"{sc.name}: jam_at_s given but no threat of the scenario carries a jammer")
    rcs_for = _target_rcs(world, target, aspect, rcs_m2)
    dem: Dem | None = world.terrain if world.has_terrain else None
    reach_m = max(
        _reach_m(world, b, k, alts, rcs_for(b.radars.specs[k]), pd_threshold, swerling, agl, dem)
        for b in world.batteries
        for k in range(len(b.radars.ids))
    )
    step = range_step_m if range_step_m is not None else max(reach_m / _RANGE_CELLS, 1.0)
    n_range = max(int(math.ceil(reach_m / step)), 2)
    n_az = int(round(360.0 / az_step_deg))
    if n_az * n_range > _MAX_CELLS:
        raise ValueError(
            f"the polar grid would have {n_az} x {n_range} cells per radar (more than {_MAX_CELLS:.0e}): "
            "use a larger az_step_deg or range_step_m"
        )
    az_step = 2.0 * math.pi / n_az
    grid = PolarGrid(
        azimuth_rad=np.arange(n_az, dtype=np.float64) * az_step,
        range_m=(np.arange(n_range, dtype=np.float64) + 0.5) * step,
        az_step_rad=az_step,
        range_step_m=float(step),
    )

    sites: list[Site] = []
    cells: list[RadarCoverage] = []
    footprints: list[Footprint] = []
    profiles: list[Profile] = []
    radar_rcs: list[tuple[str, str, float]] = []
    for battery in world.batteries:
        sites.append(_site(battery))
        per_alt: dict[float, list[RadarCoverage]] = {a: [] for a in alts}
        for k in range(len(battery.radars.ids)):
            rcs_k = rcs_for(battery.radars.specs[k])
            radar_rcs.append((battery.id, battery.radars.ids[k], rcs_k))
            for rc in _radar_coverage(
                world, battery, k, grid, alts, rcs_k, pd_threshold, swerling, agl, dem, jam_at_s
            ):
                per_alt[rc.alt_m].append(rc)
                cells.append(rc)
            profiles.append(_profile(world, battery, k, alts, rcs_k, pd_threshold, swerling, agl))
        for alt in alts:
            footprints.extend(_footprints(battery, alt, per_alt[alt], grid))
    return CoverageResult(
        scenario=sc.name,
        alt_m=alts,
        agl=agl,
        rcs_m2=float(rcs_m2) if target is None else world.catalog.threat(target).rcs_m2,
        pd_threshold=float(pd_threshold),
        swerling=swerling,
        refraction_k=world.refraction_k,
        surface_alt_m=world.horizon_ref_alt_m,
        grid=grid,
        sites=tuple(sites),
        radars=tuple(cells),
        footprints=tuple(footprints),
        profiles=tuple(profiles),
        terrain=dem,
        jam_at_s=jam_at_s,
        target=target,
        aspect=None if target is None else str(aspect),
        radar_rcs_m2=tuple(radar_rcs) if target is not None else (),
    )


ASPECTS = ("nose", "beam", "tail", "worst", "best")
"""The named aspects of a coverage for a target type (besides degrees from the nose)."""


def aspect_problem(aspect: float | str) -> str | None:
    """What is wrong with ``aspect`` (degrees 0-360 or one of :data:`ASPECTS`), or None."""
    if isinstance(aspect, str):
        return None if aspect in ASPECTS else f"must be degrees or {', '.join(ASPECTS)}; got {aspect!r}"
    if not (math.isfinite(aspect) and 0.0 <= aspect <= 360.0):
        return f"must be between 0 and 360 degrees, got {aspect:g}"
    return None


def target_rcs_m2(table: RcsTable | None, rcs_m2: float, frequency_ghz: float, aspect: float | str) -> float:
    """The cross section the coverage of a radar on ``frequency_ghz`` is computed for, for a target
    type with RCS table ``table`` (its fixed ``rcs_m2`` when None) seen at ``aspect``: the table read
    in the radar's band (:func:`samsim.sim.signatures.aspect_rcs_m2`; ``worst`` / ``best`` are the
    smallest / largest over every aspect and elevation)."""
    if table is None:
        return float(rcs_m2)
    return signatures.aspect_rcs_m2(table, band_of_frequency(frequency_ghz), aspect)


def _target_rcs(
    world: World, target: str | None, aspect: float | str, rcs_m2: float
) -> Callable[[RadarSpec], float]:
    """The RCS a radar's coverage is computed for: ``rcs_m2``, or the target type's at ``aspect`` in
    the radar's band (:func:`target_rcs_m2`)."""
    if target is None:
        return lambda spec: float(rcs_m2)
    known = world.catalog.names("threat")
    if target not in known:
        raise ValueError(f"target: unknown threat type {target!r}; known: {', '.join(known)}")
    problem = aspect_problem(aspect)
    if problem is not None:
        raise ValueError(f"aspect: {problem}")
    threat = world.catalog.threat(target)
    return lambda spec: target_rcs_m2(threat.rcs_table, threat.rcs_m2, spec.frequency_ghz, aspect)


def _check_options(
    alt_m: Sequence[float],
    rcs_m2: float,
    pd_threshold: float,
    swerling: int | None,
    az_step_deg: float,
    range_step_m: float | None,
) -> tuple[float, ...]:
    alts: list[float] = []
    for a in alt_m:
        a = float(a)
        if not (math.isfinite(a) and a >= 0.0):
            raise ValueError(f"alt_m: every altitude must be a finite number >= 0 m, got {a:g}")
        if a > 1.0e6:
            raise ValueError(f"alt_m: {a:g} m is above 1000 km; coverage is for aircraft and missiles")
        if a not in alts:
            alts.append(a)
    if not alts:
        raise ValueError("alt_m: give at least one altitude")
    if not (math.isfinite(rcs_m2) and rcs_m2 > 0.0):
        raise ValueError(f"rcs_m2: must be > 0, got {rcs_m2:g}")
    if not (0.0 < pd_threshold < 1.0):
        raise ValueError(f"pd_threshold: must be between 0 and 1 (exclusive), got {pd_threshold:g}")
    if swerling is not None and swerling not in _SWERLING_CASES:
        raise ValueError(f"swerling: must be 0, 1 or 3, got {swerling}")
    if not (math.isfinite(az_step_deg) and 0.01 <= az_step_deg <= 45.0):
        raise ValueError(f"az_step_deg: must be between 0.01 and 45 degrees, got {az_step_deg:g}")
    if range_step_m is not None and not (math.isfinite(range_step_m) and range_step_m >= 1.0):
        raise ValueError(f"range_step_m: must be >= 1 m, got {range_step_m:g}")
    return tuple(alts)


def _site(battery: CompiledBattery) -> Site:
    return Site(
        battery=battery.id,
        system=battery.system,
        lon_deg=battery.frame.lon_deg,
        lat_deg=battery.frame.lat_deg,
        ground_alt_m=battery.frame.alt_m,
        radars=tuple(battery.radars.ids),
        radar_types=tuple(battery.radars.types),
        interceptors=tuple(battery.launchers.missile_types),
    )


def _swerling(spec: RadarSpec, swerling: int | None) -> int:
    return spec.swerling if swerling is None else swerling


def _range_at_pd_m(spec: RadarSpec, rcs_m2: float, pd: float, swerling: int | None) -> float:
    """Free-space range at which Pd per look equals ``pd`` (Skolnik 2001, ch. 2: R ∝ σ^1/4)."""
    return float(
        radar.range_at_pd_m(
            pd,
            spec.pfa,
            _swerling(spec, swerling),
            rcs_m2,
            spec.ref_range_m,
            spec.ref_rcs_m2,
            sensing.reference_snr_db(spec),
        )
    )


def _reach_m(
    world: World,
    battery: CompiledBattery,
    k: int,
    alts: tuple[float, ...],
    rcs_m2: float,
    pd_threshold: float,
    swerling: int | None,
    agl: bool,
    dem: Dem | None,
) -> float:
    """An upper bound on the ground range at which radar ``k`` can detect at any of ``alts``."""
    geom = sensing.radar_geometry(world, battery, k)
    # Over a reflecting surface a lobe's peak (F⁴ <= 16) doubles the free-space range.
    lobes = 1.0 if world.surface is None else 2.0
    slant = min(geom.spec.max_range_m, lobes * _range_at_pd_m(geom.spec, rcs_m2, pd_threshold, swerling))
    top_msl = max(alts)
    if agl:  # the highest ground a target can fly over
        top_msl += float(np.nanmax(dem.heights_m)) if dem is not None else world.horizon_ref_alt_m
    top_ref = max(top_msl - world.horizon_ref_alt_m, 0.0)
    over = float(horizon.horizon_ground_range_m(geom.antenna_height_m, top_ref, world.refraction_k))
    # An arc may exceed its chord-like slant range by ~d²/24R² (1e-4 at 300 km): 1 % margin.
    return 1.01 * min(slant, over) + 1000.0


@functools.lru_cache(maxsize=64)
def aeqd(lon_deg: float, lat_deg: float) -> tuple[Transformer, Transformer]:
    """(to lon/lat, from lon/lat) of the azimuthal equidistant projection centred on a point."""
    proj = f"+proj=aeqd +lat_0={lat_deg!r} +lon_0={lon_deg!r} +datum=WGS84 +units=m +no_defs"
    return (
        Transformer.from_crs(proj, "EPSG:4326", always_xy=True),
        Transformer.from_crs("EPSG:4326", proj, always_xy=True),
    )


@functools.lru_cache(maxsize=1)
def _geod() -> Geod:
    return Geod(ellps="WGS84")


def _terrain_under(dem: Dem, lon_deg: float, lat_deg: float, grid: PolarGrid) -> FloatArray:
    """DEM height under every cell centre, sea level (0 m) where unknown -- the terrain model's rule.

    As :func:`samsim.models.terrain.ray_visibility` walks its rays: geodesic nodes every <= 25 km
    along each azimuth, straight lines in the DEM's pixel grid between them (within ~15 m of the
    geodesic), heights by the terrain model's bilinear sampler.
    """
    from samsim.models.terrain import sample_pixels_m

    na, nr = grid.shape
    r_max = float(grid.range_m[-1])
    n_nodes = max(2, int(math.ceil(r_max / _NODE_SPACING_M)) + 1)
    spacing = r_max / (n_nodes - 1)
    lon_n, lat_n, _ = _geod().fwd(
        np.full(na * n_nodes, lon_deg),
        np.full(na * n_nodes, lat_deg),
        np.repeat(np.degrees(grid.azimuth_rad), n_nodes),
        np.tile(np.arange(n_nodes) * spacing, na),
    )
    col_n, row_n = dem.lonlat_to_pixel(
        np.asarray(lon_n, np.float64).reshape(na, n_nodes), np.asarray(lat_n, np.float64).reshape(na, n_nodes)
    )
    u = grid.range_m / spacing
    i0 = np.minimum(np.floor(u).astype(np.int64), n_nodes - 2)
    f = u - i0
    col = col_n[:, i0] * (1.0 - f) + col_n[:, i0 + 1] * f
    row = row_n[:, i0] * (1.0 - f) + row_n[:, i0 + 1] * f
    heights = sample_pixels_m(dem, col.ravel(), row.ravel())
    return np.nan_to_num(heights.reshape(na, nr), nan=0.0)


def _relative_enu_m(
    grid: PolarGrid, ia: NDArray[np.int64], ir: NDArray[np.int64], h1_m: float, h2_m: FloatArray
) -> FloatArray:
    """Targets in cells ``(ia, ir)`` at heights ``h2`` relative to the antenna at ``h1``, ENU metres,
    on a sphere of radius R (the engine's true-earth geometry).

    With ``φ = d / R``: ``up = (h2 - h1) - 2 (R + h2) sin²(φ/2)``, ``horizontal = (R + h2) sin φ``
    (law of cosines without cancellation; Blake 1986).
    """
    phi = grid.range_m / MEAN_EARTH_RADIUS_M
    rt = MEAN_EARTH_RADIUS_M + h2_m
    horizontal = rt * np.sin(phi)[ir]
    enu = np.empty(h2_m.shape + (3,))
    enu[..., 0] = horizontal * np.sin(grid.azimuth_rad)[ia]
    enu[..., 1] = horizontal * np.cos(grid.azimuth_rad)[ia]
    enu[..., 2] = (h2_m - h1_m) - 2.0 * rt * (np.sin(0.5 * phi) ** 2)[ir]
    return enu


def _radar_coverage(
    world: World,
    battery: CompiledBattery,
    k: int,
    grid: PolarGrid,
    alts: tuple[float, ...],
    rcs_m2: float,
    pd_threshold: float,
    swerling: int | None,
    agl: bool,
    dem: Dem | None,
    jam_at_s: float | None = None,
) -> Iterator[RadarCoverage]:
    geom = sensing.radar_geometry(world, battery, k)
    spec = geom.spec
    ref = world.horizon_ref_alt_m
    lat0, lon0, _ = battery.frame.enu_to_geodetic(geom.enu_m * np.array([1.0, 1.0, 0.0]))
    lon0_f, lat0_f = float(lon0), float(lat0)
    antenna_alt_m = geom.antenna_height_m + ref
    na, nr = grid.shape
    ground_msl: FloatArray
    if dem is not None:
        ground_msl = _terrain_under(dem, lon0_f, lat0_f, grid)
    else:
        ground_msl = np.full((na, nr), world.horizon_ref_alt_m)
    # The battery (launchers) relative to the radar, for the interceptors' slant ranges.
    east_b, north_b = -float(geom.enu_m[0]), -float(geom.enu_m[1])
    launcher_alt_m = battery.frame.alt_m + _LAUNCHER_HEIGHT_M
    engagement = spec.role == "engagement"
    for alt in alts:
        # Cells beyond any possible detection at this altitude are left out of the work, and so are,
        # first, the cells under ground or masked by terrain: the rest is evaluated cell by cell.
        reach = _reach_m(world, battery, k, (alt,), rcs_m2, pd_threshold, swerling, agl, dem)
        n = min(nr, int(math.ceil(reach / grid.range_step_m)) + 2)
        rng = grid.range_m[:n]
        ground = ground_msl[:, :n]
        candidate = np.ones((na, n), dtype=np.bool_) if agl else alt >= ground - 1e-6
        if dem is not None:
            from samsim.models.terrain import ray_visibility

            candidate &= ray_visibility(
                dem, lon0_f, lat0_f, antenna_alt_m, grid.azimuth_rad, rng, alt, agl, world.refraction_k
            )
        ia, ir = np.nonzero(candidate)
        target_msl = ground[ia, ir] + alt if agl else np.full(ia.size, alt)
        h2 = target_msl - ref
        enu = _relative_enu_m(grid, ia, ir, geom.antenna_height_m, h2)
        seen, slant, _, el = sensing.visible(geom, enu, h2)
        pd_c = np.zeros(ia.size)
        surface_m = sensing.surface_alt(world, battery)
        path = sensing.path_terms(
            world.surface,
            spec,
            float(antenna_alt_m - surface_m),
            world.refraction_k,
            slant[seen],
            target_msl[seen] - surface_m,
            el[seen],
        )
        pd_c[seen] = sensing.look_pd(
            spec, slant[seen], np.asarray(rcs_m2), _swerling(spec, swerling), path=path
        )
        pd = np.zeros((na, nr), dtype=np.float32)
        pd[ia, ir] = pd_c
        detect = np.zeros((na, nr), dtype=np.bool_)
        detect[ia, ir] = pd_c >= pd_threshold  # from the float64 values, not the stored float32
        detect_jammed = None
        if jam_at_s is not None:
            jnr = look_jnr_db(
                world,
                battery,
                spec,
                geom.enu_m,
                geom.antenna_height_m,
                np.full(int(seen.sum()), jam_at_s),
                enu[seen],
            )
            detect_jammed = np.zeros((na, nr), dtype=np.bool_)
            pd_j = sensing.look_pd(
                spec, slant[seen], np.asarray(rcs_m2), _swerling(spec, swerling), jnr, path
            )
            detect_jammed[ia[seen], ir[seen]] = pd_j >= pd_threshold
        engage: dict[str, BoolArray] = {}
        if engagement:
            hit = pd_c >= pd_threshold
            az_h, rng_h = grid.azimuth_rad[ia[hit]], grid.range_m[ir[hit]]
            ground_b_m = np.hypot(rng_h * np.sin(az_h) - east_b, rng_h * np.cos(az_h) - north_b)
            tgt = target_msl[hit]
            slant_b, _ = horizon.slant_range_elevation(ground_b_m, launcher_alt_m, tgt, 1.0)
            for mtype in battery.launchers.missile_types:
                m = world.catalog.interceptor(mtype)
                ok = np.zeros((na, nr), dtype=np.bool_)
                ok[ia[hit], ir[hit]] = (
                    (slant_b >= m.min_range_m)
                    & (slant_b <= m.max_range_m)
                    & (tgt >= m.min_altitude_m)
                    & (tgt <= m.max_altitude_m)
                )
                engage[mtype] = ok
        yield RadarCoverage(
            battery=battery.id,
            radar=battery.radars.ids[k],
            radar_type=spec.key,
            role=spec.role,
            alt_m=alt,
            lon_deg=lon0_f,
            lat_deg=lat0_f,
            antenna_alt_m=antenna_alt_m,
            pd=pd,
            detect=detect,
            engage=engage,
            footprint=mask_to_lonlat(detect, grid, lon0_f, lat0_f),
            detect_jammed=detect_jammed,
            footprint_jammed=(
                None if detect_jammed is None else mask_to_lonlat(detect_jammed, grid, lon0_f, lat0_f)
            ),
        )


def _footprints(
    battery: CompiledBattery, alt: float, rcs: list[RadarCoverage], grid: PolarGrid
) -> list[Footprint]:
    out = [
        Footprint(battery.id, "detection", alt, rc.radar, None, rc.footprint, _area_km2(rc.footprint))
        for rc in rcs
    ]
    combined = _union([rc.footprint for rc in rcs])
    out.append(Footprint(battery.id, "detection", alt, COMBINED, None, combined, _area_km2(combined)))
    jammed = [(rc.radar, rc.footprint_jammed) for rc in rcs if rc.footprint_jammed is not None]
    if jammed:
        out.extend(Footprint(battery.id, "jammed", alt, r, None, g, _area_km2(g)) for r, g in jammed)
        both = _union([g for _, g in jammed])
        out.append(Footprint(battery.id, "jammed", alt, COMBINED, None, both, _area_km2(both)))
    eng_radars = [rc for rc in rcs if rc.role == "engagement"]
    label = "+".join(rc.radar for rc in eng_radars)
    for mtype in battery.launchers.missile_types:
        geom = _union([mask_to_lonlat(rc.engage[mtype], grid, rc.lon_deg, rc.lat_deg) for rc in eng_radars])
        out.append(Footprint(battery.id, "engagement", alt, label, mtype, geom, _area_km2(geom)))
    return out


# --------------------------------------------------------------------------------------------------
# Polygons


def _union(geoms: Sequence[BaseGeometry]) -> BaseGeometry:
    if not geoms:
        return shapely.Polygon()
    if len(geoms) == 1:
        return geoms[0]
    # Pairwise overlay: for a few large, mostly overlapping footprints 2-3x faster than union_all.
    return polygonal(functools.reduce(shapely.union, geoms))


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Only the polygonal parts, as a Polygon or MultiPolygon (empty Polygon if none)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    polys = [q for p in parts for q in shapely.get_parts(p)]
    polys = [p for p in polys if not p.is_empty]
    if not polys:
        return shapely.Polygon()
    if len(polys) == 1:
        return shapely.orient_polygons(polys[0])
    return shapely.orient_polygons(shapely.MultiPolygon(polys))


def _area_km2(geom: BaseGeometry) -> float:
    """Area on the WGS-84 ellipsoid, km²: planar area in the Lambert azimuthal equal-area projection
    centred on the geometry (equal-area on the ellipsoid through the authalic latitude; Snyder 1987,
    sec. 24), exact but for the vertices' straight edges."""
    if geom.is_empty:
        return 0.0
    x0, y0, x1, y1 = geom.bounds
    fwd = _laea(round(0.5 * (x0 + x1), 3), round(0.5 * (y0 + y1), 3))

    def project(xy: FloatArray) -> FloatArray:
        x, y = fwd.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([np.asarray(x), np.asarray(y)])

    return float(shapely.transform(geom, project).area) / 1.0e6


@functools.lru_cache(maxsize=64)
def _laea(lon_deg: float, lat_deg: float) -> Transformer:
    proj = f"+proj=laea +lat_0={lat_deg!r} +lon_0={lon_deg!r} +datum=WGS84 +units=m +no_defs"
    return Transformer.from_crs("EPSG:4326", proj, always_xy=True)


def _rings_lonlat(
    rings: list[FloatArray], grid: PolarGrid, seams: tuple[float, ...], to_lonlat: Transformer
) -> tuple[FloatArray, NDArray[np.int64]]:
    """Rings traced on cell edges of a polar mask -> longitude/latitude, all in one projection call.

    ``ring[:, 0]`` are range-edge indices, ``ring[:, 1]`` azimuth-edge indices. Edges at constant range
    are arcs: they get a vertex at every azimuth edge so the chord error stays below
    ``r (1 - cos(step / 2))``, a few metres. Radial edges on the ``seams`` get a vertex at every range
    edge, so that pieces on either side of a seam share identical vertices (a polygon coverage).
    Returns the coordinates and the ring index of each.
    """
    na, _ = grid.shape
    lengths = np.array([len(r) for r in rings], dtype=np.int64)
    xy = np.concatenate(rings)
    x, y = xy[:, 0], xy[:, 1]
    last = np.zeros(x.size, dtype=np.bool_)
    last[np.cumsum(lengths) - 1] = True
    dx = np.append(np.diff(x), 0.0)
    dy = np.append(np.diff(y), 0.0)
    on_seam = (dy == 0.0) & np.isin(y, seams)
    n_emit = np.where(dx == 0.0, np.abs(dy), np.where(on_seam, np.abs(dx), 1.0))
    n_emit = np.where(last, 1.0, np.maximum(n_emit, 1.0)).astype(np.int64)
    src = np.repeat(np.arange(x.size), n_emit)
    t = (np.arange(src.size) - np.repeat(np.cumsum(n_emit) - n_emit, n_emit)) / n_emit[src]
    t = np.where(last[src], 0.0, t)
    # Every vertex is a cell corner: integer indices, rounded so that shared vertices are identical;
    # y modulo n makes the two copies of the 0/360 degree seam the very same points.
    xs = np.rint(x[src] + t * dx[src])
    ys = np.mod(np.rint(y[src] + t * dy[src]).astype(np.int64), na)
    az = (ys - 0.5) * grid.az_step_rad
    r = xs * grid.range_step_m
    lon, lat = to_lonlat.transform(r * np.sin(az), r * np.cos(az))
    ring_id = np.repeat(np.repeat(np.arange(lengths.size), lengths), n_emit)
    return np.column_stack([np.asarray(lon, np.float64), np.asarray(lat, np.float64)]), ring_id


def mask_to_lonlat(mask: BoolArray, grid: PolarGrid, lon_deg: float, lat_deg: float) -> BaseGeometry:
    """Polygons (lon/lat) covering the cells of a polar mask centred on a point.

    The mask is traced in two halves of azimuth (``rasterio.features.shapes``, 4-connected), so that
    no ring can wrap around the centre, and each ring is mapped through the azimuthal equidistant
    projection. Pieces that touch a seam between the halves or the centre (where the range-0 edge
    collapses to a point) are repaired and unioned; the others are disjoint and kept as they are.
    """
    from rasterio import features

    if not np.any(mask):
        return shapely.Polygon()
    to_lonlat, _ = aeqd(lon_deg, lat_deg)
    na, _ = grid.shape
    half = na // 2
    rings: list[FloatArray] = []
    ring_poly: list[int] = []
    seam: list[bool] = []
    for i0, i1 in ((0, half), (half, na)):
        sub = np.ascontiguousarray(mask[i0:i1])
        if not np.any(sub):
            continue
        for shape, _ in features.shapes(sub.view(np.uint8), mask=sub, connectivity=4):
            for ring in shape["coordinates"]:
                a = np.asarray(ring, np.float64)
                a[:, 1] += i0
                rings.append(a)
                ring_poly.append(len(seam))
            shell = rings[-len(shape["coordinates"])]
            seam.append(bool(shell[:, 0].min() == 0.0 or np.isin(shell[:, 1], (0.0, half, na)).any()))
    coords, ring_id = _rings_lonlat(rings, grid, (0.0, float(half), float(na)), to_lonlat)
    ring_geoms = shapely.linearrings(coords, indices=ring_id)
    polys = shapely.polygons(ring_geoms, indices=np.asarray(ring_poly))
    bad = ~shapely.is_valid(polys)
    if np.any(bad):  # 4-connected pieces whose ring pinches at a cell corner
        polys[bad] = shapely.make_valid(polys[bad])
    on_seam = np.asarray(seam)
    joined: BaseGeometry = shapely.Polygon()
    if on_seam.any():
        pieces = np.array([p for g in polys[on_seam] for p in shapely.get_parts(polygonal(g))], dtype=object)
        # The seam pieces share whole edges with identical vertices: a coverage, unioned in linear time.
        joined = shapely.coverage_union_all(pieces)
    parts = [p for g in polys[~on_seam] for p in shapely.get_parts(polygonal(g))]
    parts += list(shapely.get_parts(polygonal(joined)))
    geom = polygonal(shapely.MultiPolygon(parts)) if len(parts) > 1 else polygonal(parts[0])
    if not geom.is_valid:  # not expected; the general repair is slower
        warnings.warn(f"coverage polygon repaired: {shapely.is_valid_reason(geom)}", stacklevel=2)
        geom = polygonal(shapely.union_all(shapely.make_valid(polys)))
    return geom


# --------------------------------------------------------------------------------------------------
# Range-altitude profiles


def _profile(
    world: World,
    battery: CompiledBattery,
    k: int,
    alts: tuple[float, ...],
    rcs_m2: float,
    pd_threshold: float,
    swerling: int | None,
    agl: bool,
    n_range: int = 700,
    n_height: int = 700,
) -> Profile:
    """Vertical coverage diagram on the k-earth (Blake 1986): straight rays, heights above the surface.

    Slant range and elevation of each (ground range, height) come from
    :func:`samsim.models.horizon.slant_range_elevation`; Pd from :func:`samsim.sim.sensing.look_pd`.
    """
    import contourpy

    geom = sensing.radar_geometry(world, battery, k)
    spec = geom.spec
    kk = world.refraction_k
    h1 = geom.antenna_height_m
    r_pd = _range_at_pd_m(spec, rcs_m2, pd_threshold, swerling) * (1.0 if world.surface is None else 2.0)
    x_max = _nice_ceil(1.15 * min(spec.max_range_m, r_pd), 25_000.0)
    top = max(alts) + (0.0 if agl else -world.horizon_ref_alt_m)
    y_max = _nice_ceil(max(15_000.0, 1.5 * top), 5_000.0)
    ground = np.linspace(0.0, x_max, n_range)
    height = np.linspace(0.0, y_max, n_height)
    g2, h2 = np.meshgrid(ground, height)
    slant, el = horizon.slant_range_elevation(g2, h1, h2, kk)
    path = sensing.path_terms(world.surface, spec, h1, kk, slant, h2, el, ground_range_m=g2)
    pd = sensing.look_pd(spec, slant, np.asarray(rcs_m2), _swerling(spec, swerling), path=path)
    inside = sensing.in_radar_coverage(spec, slant, 0.0, el)
    over = horizon.above_horizon(g2, h1, h2, kk)
    detect = np.asarray((pd >= pd_threshold) & inside & over, dtype=np.bool_)
    lines = contourpy.contour_generator(ground, height, pd).lines(pd_threshold)
    contours = tuple(np.asarray(line, np.float64) for line in lines if len(line) >= 2)
    return Profile(
        battery=battery.id,
        radar=battery.radars.ids[k],
        radar_type=spec.key,
        antenna_height_m=h1,
        surface_alt_m=world.horizon_ref_alt_m,
        refraction_k=kk,
        ground_range_m=ground,
        height_m=height,
        pd=np.asarray(pd, np.float64),
        detect=detect,
        contours_m=contours,
        horizon_m=_grazing_ray(h1, kk, x_max, y_max),
        geometric_horizon_m=_grazing_ray(h1, 1.0, x_max, y_max),
        max_range_m=spec.max_range_m,
        min_elevation_rad=math.radians(spec.min_elevation_deg),
        max_elevation_rad=math.radians(spec.max_elevation_deg),
        surface="none" if world.surface is None else world.surface.kind,
    )


def _grazing_ray(h1_m: float, k: float, x_max: float, y_max: float) -> FloatArray:
    """The ray that grazes the k-earth, from its tangent point outwards, as (ground, height) rows.

    It leaves the antenna at the depression ``-θ1``, ``cos θ1 = a / (a + h1)``, the central angle to
    the tangent point (Skolnik 2001, ch. 8); beyond the tangent point it is the radar-horizon line.
    """
    theta1 = float(horizon.horizon_central_angle_rad(h1_m, k))
    tangent_slant = math.sqrt(h1_m * (2.0 * k * MEAN_EARTH_RADIUS_M + h1_m))
    slant = np.linspace(tangent_slant, tangent_slant + 1.5 * math.hypot(x_max, y_max), 600)
    g = horizon.ground_range_m(slant, -theta1, h1_m, k)
    h = horizon.target_height_m(slant, -theta1, h1_m, k)
    keep = (g <= x_max * 1.01) & (h <= y_max * 1.01)
    return np.column_stack([g[keep], h[keep]])


def _nice_ceil(x: float, step: float) -> float:
    return max(step, math.ceil(x / step) * step)


def alt_label(alt_m: float) -> str:
    """An altitude as it appears in file names: ``50``, ``5000``, ``12.5``."""
    return f"{alt_m:.0f}" if float(alt_m).is_integer() else f"{alt_m:g}"
