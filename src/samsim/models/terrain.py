"""Terrain: DEM input/output, height sampling, line of sight, polar and grid visibility, synthetic DEMs.

One implementation serves the engine (terrain masking of radar looks, terrain following of threats) and
coverage analysis (visibility maps). Heights are metres above mean sea level; positions are WGS-84
longitude/latitude in degrees unless a function says it works in the DEM's own CRS.

Model
-----
Line of sight uses the effective-earth-radius model: relative to a straight sight line, terrain and
target at distance ``d`` from the observer are lowered by ``d**2 / (2 k Re)`` with ``Re = 6371 km`` and
``k = refraction_k`` (4/3 for the standard atmosphere). The sight line from an observer at height
``h1`` therefore grazes a smooth sea-level earth at ``sqrt(2 k Re h1)`` and a target at height ``h2``
is above the horizon out to ``sqrt(2 k Re h1) + sqrt(2 k Re h2)`` (Skolnik, *Introduction to Radar
Systems*, 3rd ed., 2001, sec. 8.2).
Terrain heights between cell centres are bilinear. Terrain that is unknown (no-data cells, or outside
the DEM) masks as sea level (0 m MSL), so beyond the DEM's edge the smooth-earth horizon still holds.

Rays follow the geodesic from the observer (WGS-84, pyproj's implementation of Karney 2013): nodes are
placed on it (every 25 km or less on a geographic DEM, every 100 km or less on a projected one) and the
ray is straight in the DEM's CRS between nodes, which keeps it within ~15 m of the geodesic.
Distances along the ray (and so the curvature drop) are geodesic distances in metres.

Projected and geographic DEMs
-----------------------------
A DEM may be in a projected CRS with metric (or other linear) units, e.g. UTM, or in a geographic CRS
such as EPSG:4326 (degrees). Both are sampled in their own pixel grid after transforming lon/lat with
pyproj (cached transformers), and every distance is computed in ground metres independently of the
grid: geodesic distances for the ray functions; for :func:`viewshed`, cell offsets converted to metres
at the observer -- for a projection with its linear unit over its point scale factor there (pyproj's
``get_factors``; 0.9996-1.001 across a UTM zone), for degrees with the WGS-84 radii of curvature
(``N cos(lat)`` per radian of longitude, ``M`` per radian of latitude), a local equirectangular
approximation good over the few hundred kilometres a DEM spans. The sampling step along rays is half
the smaller cell side in ground metres, measured at the DEM's centre.

Outside the DEM
---------------
:func:`sample_height_m` returns NaN outside the raster's extent and wherever one of the four cells it
interpolates is no-data. Between the outermost cell centres and the raster edge it extrapolates flat.

Regenerating the shipped example DEM (``examples/terrain/anatolia-synthetic.tif``)::

    .venv/bin/python examples/terrain/regenerate.py

which calls ``write_dem(path, anatolia_example_dem())``.

References
----------
Skolnik, M. I., *Introduction to Radar Systems*, 3rd ed., McGraw-Hill, 2001, sec. 8.2.
Wang, J., Robinson, G. J., White, K., "Generating viewsheds without using sightlines", Photogrammetric
Engineering & Remote Sensing 66(1), 2000, pp. 87-90 (the grid viewshed, as in GDAL's gdal_viewshed).
Saupe, D., "Algorithms for random fractals", in Peitgen & Saupe (eds.), *The Science of Fractal
Images*, Springer, 1988, sec. 2.4 (spectral synthesis of fractional Brownian surfaces).
Musgrave, F. K., "Methods for realistic landscape imaging", PhD thesis, Yale, 1993 (ridged noise).
Karney, C. F. F., "Algorithms for geodesics", J. Geodesy 87, 2013.
"""

from __future__ import annotations

import math
import os
import tempfile
import warnings
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import rasterio
import rasterio.errors
from affine import Affine
from numpy.typing import ArrayLike
from pyproj import CRS, Geod, Proj, Transformer
from pyproj.exceptions import CRSError

from samsim.arrays import BoolArray, FloatArray
from samsim.constants import MEAN_EARTH_RADIUS_M, STANDARD_REFRACTION_K
from samsim.models import _terrain_kernels as _k

GEOGRAPHIC_NODE_SPACING_M = 25_000.0
"""Largest spacing of geodesic nodes on a ray over a geographic DEM (the chord strays <= ~12 m at 40 deg)."""

PROJECTED_NODE_SPACING_M = 100_000.0
"""Largest spacing of geodesic nodes on a ray over a projected DEM (a UTM chord strays <= ~15 m)."""

_WGS84 = "EPSG:4326"
_WGS84_A_M = 6_378_137.0
_WGS84_F = 1.0 / 298.257223563

__all__ = [
    "Dem",
    "TerrainError",
    "anatolia_example_dem",
    "flat_dem",
    "line_of_sight_clear",
    "ray_visibility",
    "read_dem",
    "ridge_dem",
    "sample_height_m",
    "sample_pixels_m",
    "synthetic_dem",
    "viewshed",
    "write_dem",
]


class TerrainError(Exception):
    """A DEM that cannot be used; the message is one line naming the file and the problem."""


@dataclass(frozen=True, eq=False)
class Dem:
    """A digital elevation model: a north-up (or any affine) raster of heights in metres MSL.

    Attributes
    ----------
    heights_m : ndarray, shape (ny, nx), float64
        Heights above mean sea level; NaN where the source had no data. Read-only.
    transform : affine.Affine
        Pixel (col, row) to CRS (x, y) of the raster's corners, as rasterio and GDAL use it.
    crs : str
        ``"EPSG:<code>"`` when the CRS has one, else its WKT.
    nodata : float or None
        The source file's no-data value (already replaced by NaN in ``heights_m``).
    """

    heights_m: FloatArray
    transform: Affine
    crs: str
    nodata: float | None = None

    def __post_init__(self) -> None:
        heights = np.array(self.heights_m, dtype=np.float64)
        if heights.ndim != 2 or heights.size == 0:
            raise TerrainError(f"DEM heights must be a non-empty 2-D array, got shape {heights.shape}")
        heights[~np.isfinite(heights)] = np.nan
        heights.flags.writeable = False
        object.__setattr__(self, "heights_m", heights)
        try:
            _crs(self.crs)
        except CRSError:
            raise TerrainError(f"DEM CRS is not understood by pyproj: {self.crs[:80]!r}") from None
        if self.transform.determinant == 0:
            raise TerrainError("DEM transform is singular")

    def __setstate__(self, state: dict[str, object]) -> None:
        # Unpickling (e.g. in a Monte Carlo worker) must keep the heights read-only.
        self.__dict__.update(state)
        self.heights_m.flags.writeable = False

    @property
    def shape(self) -> tuple[int, int]:
        """(ny, nx)."""
        ny, nx = self.heights_m.shape
        return ny, nx

    @property
    def is_geographic(self) -> bool:
        """True for a latitude/longitude CRS (cells in degrees)."""
        return bool(_crs(self.crs).is_geographic)

    @cached_property
    def center_lon_lat_deg(self) -> tuple[float, float]:
        """WGS-84 longitude and latitude of the raster's centre."""
        ny, nx = self.shape
        x, y = self.transform @ (nx / 2.0, ny / 2.0)
        lon, lat = _transformer(self.crs, _WGS84).transform(x, y)
        return float(lon), float(lat)

    @cached_property
    def cell_size_m(self) -> tuple[float, float]:
        """Ground length (m) of a cell along its columns' and rows' directions, at the DEM's centre."""
        t = self.transform
        scale = _metres_per_unit(self.crs, *self.center_lon_lat_deg)
        col_m = math.hypot(t.a * scale[0], t.d * scale[1])
        row_m = math.hypot(t.b * scale[0], t.e * scale[1])
        return col_m, row_m

    @cached_property
    def _tiles(self) -> tuple[FloatArray, FloatArray]:
        """Maximum-height tiles (fine, coarse) for skipping along rays."""
        return _k.block_max(self.heights_m, _k.FINE_BLOCK), _k.block_max(self.heights_m, _k.COARSE_BLOCK)

    def lonlat_to_pixel(self, lon_deg: ArrayLike, lat_deg: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Continuous pixel coordinates (col, row) of WGS-84 points; cell [i, j] spans [j, j+1) x [i, i+1)."""
        lon = np.asarray(lon_deg, dtype=np.float64)
        lat = np.asarray(lat_deg, dtype=np.float64)
        if self.crs == _WGS84:
            x, y = lon, lat
        else:
            x, y = _transformer(_WGS84, self.crs).transform(lon, lat)
        inv = ~self.transform
        col = inv.a * x + inv.b * y + inv.c
        row = inv.d * x + inv.e * y + inv.f
        return np.asarray(col, dtype=np.float64), np.asarray(row, dtype=np.float64)


@lru_cache(maxsize=32)
def _crs(crs: str) -> CRS:
    return CRS.from_user_input(crs)


@lru_cache(maxsize=32)
def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


@lru_cache(maxsize=1)
def _geod() -> Geod:
    return Geod(ellps="WGS84")


@lru_cache(maxsize=32)
def _proj(crs: str) -> Proj:
    return Proj(_crs(crs))


def _metres_per_unit(crs: str, lon_deg: float, lat_deg: float) -> tuple[float, float]:
    """Ground metres per CRS unit along x and y near a point.

    For degrees: the WGS-84 radii of curvature, ``N cos(lat)`` per radian of longitude and ``M`` per
    radian of latitude. For a projection: its linear unit divided by its point scale factor there
    (about 0.9996 to 1.001 across a UTM zone, 1 / cos(lat) for Web Mercator).
    """
    c = _crs(crs)
    if c.is_geographic:
        e2 = _WGS84_F * (2.0 - _WGS84_F)
        w2 = 1.0 - e2 * math.sin(math.radians(lat_deg)) ** 2
        n_m = _WGS84_A_M / math.sqrt(w2)
        m_m = _WGS84_A_M * (1.0 - e2) / w2**1.5
        per_rad = math.pi / 180.0
        return n_m * math.cos(math.radians(lat_deg)) * per_rad, m_m * per_rad
    unit = float(c.axis_info[0].unit_conversion_factor) if c.axis_info else 1.0
    factors = _proj(crs).get_factors(lon_deg, lat_deg)
    scale = math.sqrt(float(factors.meridional_scale) * float(factors.parallel_scale))
    return unit / scale, unit / scale


def _crs_string(crs: rasterio.crs.CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg is not None else str(crs.to_wkt())


# --------------------------------------------------------------------------------------------------
# I/O


def read_dem(path: str | os.PathLike[str]) -> Dem:
    """Read band 1 of a GeoTIFF as a :class:`Dem` (no-data cells become NaN).

    Raises
    ------
    TerrainError
        With a one-line message for a missing file, a file that is not a readable GeoTIFF, a raster
        without a CRS, or a raster whose every cell is no-data.
    """
    p = Path(path)
    if not p.exists():
        raise TerrainError(f"{p}: DEM file not found")
    if not p.is_file():
        raise TerrainError(f"{p}: not a file (a GeoTIFF DEM expected)")
    try:
        with warnings.catch_warnings():
            # A raster without georeferencing warns on open; it is reported as an error below.
            warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
            with rasterio.open(p) as src:
                if src.driver != "GTiff":
                    raise TerrainError(f"{p}: not a GeoTIFF (GDAL reads it as {src.driver})")
                if src.crs is None:
                    raise TerrainError(
                        f"{p}: the GeoTIFF has no CRS (georeference it, e.g. with gdal_edit -a_srs)"
                    )
                band = src.read(1, masked=True)
                heights = np.ma.filled(band.astype(np.float64), np.nan)
                transform = src.transform
                crs = _crs_string(src.crs)
                nodata = None if src.nodata is None else float(src.nodata)
    except rasterio.errors.RasterioError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise TerrainError(f"{p}: not readable as a GeoTIFF raster ({reason})") from None
    if not np.isfinite(heights).any():
        raise TerrainError(f"{p}: every cell of the DEM is no-data")
    return Dem(heights_m=heights, transform=transform, crs=crs, nodata=nodata)


def write_dem(path: str | os.PathLike[str], dem: Dem) -> None:
    """Write a DEM as a DEFLATE-compressed, tiled float32 GeoTIFF (NaN cells as no-data).

    The file appears atomically (written beside the target, then renamed), so an interrupted write
    leaves no partial file. The no-data value is ``dem.nodata`` or, if unset, -32768.
    """
    p = Path(path)
    ny, nx = dem.shape
    nodata = -32768.0 if dem.nodata is None else dem.nodata
    data = np.where(np.isnan(dem.heights_m), nodata, dem.heights_m).astype(np.float32)
    profile = {
        "driver": "GTiff",
        "width": nx,
        "height": ny,
        "count": 1,
        "dtype": "float32",
        "crs": dem.crs,
        "transform": dem.transform,
        "nodata": nodata,
        "compress": "deflate",
        "predictor": 3,
        "zlevel": 9,
        "tiled": nx >= 256 and ny >= 256,
    }
    if profile["tiled"]:
        profile.update(blockxsize=256, blockysize=256)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent if str(p.parent) else ".")
    os.close(fd)
    try:
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(data, 1)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------------------------------
# Sampling and visibility


def sample_pixels_m(dem: Dem, col: FloatArray, row: FloatArray) -> FloatArray:
    """Terrain height (m MSL) at fractional pixel coordinates (1-D, same length), bilinear between
    cell centres; NaN outside the raster or next to a no-data cell."""
    return _k.bilinear_many(dem.heights_m, np.ascontiguousarray(col), np.ascontiguousarray(row))


def sample_height_m(dem: Dem, lon_deg: ArrayLike, lat_deg: ArrayLike) -> FloatArray:
    """Terrain height (m MSL) at WGS-84 points by bilinear interpolation between cell centres.

    Vectorised over broadcastable ``lon_deg`` / ``lat_deg``; returns their broadcast shape. NaN outside
    the raster's extent or next to a no-data cell (flat extrapolation between the outermost cell centres
    and the raster edge).
    """
    lon, lat = np.broadcast_arrays(np.asarray(lon_deg, np.float64), np.asarray(lat_deg, np.float64))
    col, row = dem.lonlat_to_pixel(lon.ravel(), lat.ravel())
    return sample_pixels_m(dem, col.ravel(), row.ravel()).reshape(lon.shape)


def _inv_2ka(refraction_k: float) -> float:
    if not refraction_k > 0:
        raise ValueError(f"refraction_k must be positive, got {refraction_k}")
    return 0.0 if math.isinf(refraction_k) else 1.0 / (2.0 * refraction_k * MEAN_EARTH_RADIUS_M)


def _node_spacing_m(dem: Dem) -> float:
    return GEOGRAPHIC_NODE_SPACING_M if dem.is_geographic else PROJECTED_NODE_SPACING_M


def _max_step_m(dem: Dem) -> float:
    return 0.5 * min(dem.cell_size_m)


def line_of_sight_clear(
    dem: Dem,
    observer_lon_deg: float,
    observer_lat_deg: float,
    observer_alt_msl_m: float,
    target_lon_deg: ArrayLike,
    target_lat_deg: ArrayLike,
    target_alt_msl_m: ArrayLike,
    refraction_k: float = STANDARD_REFRACTION_K,
) -> BoolArray:
    """True where the straight sight line from the observer to each target clears the terrain.

    The ray follows the geodesic to the target and is sampled every ``distance / n <= cell/2``,
    ends excluded; a target is masked when lowered terrain ``z(s) - s**2 / (2 k Re)`` rises strictly
    above the sight line from the observer to the lowered target ``h_t - d**2 / (2 k Re)`` at any
    sample (Skolnik 2001, sec. 8.2). Unknown terrain masks as sea level. Targets are broadcast; the
    result has their broadcast shape; a target with a non-finite coordinate is reported not clear.
    """
    lon_t, lat_t, alt_t = np.broadcast_arrays(
        np.asarray(target_lon_deg, np.float64),
        np.asarray(target_lat_deg, np.float64),
        np.asarray(target_alt_msl_m, np.float64),
    )
    shape = lon_t.shape
    if not all(math.isfinite(v) for v in (observer_lon_deg, observer_lat_deg, observer_alt_msl_m)):
        raise ValueError("observer position must be finite")
    finite = np.isfinite(lon_t) & np.isfinite(lat_t) & np.isfinite(alt_t)
    clear = np.zeros(shape, dtype=np.bool_)  # a target without a position is not seen
    if not finite.any():
        return clear
    observer = (float(observer_lon_deg), float(observer_lat_deg), float(observer_alt_msl_m))
    clear[finite] = _los_clear_finite(
        dem, observer, lon_t[finite], lat_t[finite], alt_t[finite], refraction_k
    )
    return clear


def _los_clear_finite(
    dem: Dem,
    observer: tuple[float, float, float],
    lon_t: FloatArray,
    lat_t: FloatArray,
    alt_t: FloatArray,
    refraction_k: float,
) -> BoolArray:
    n = lon_t.size
    geod = _geod()
    lon_o = np.full(n, observer[0])
    lat_o = np.full(n, observer[1])
    az_deg, _, dist_m = geod.inv(lon_o, lat_o, lon_t, lat_t)
    dist_m = np.asarray(dist_m, dtype=np.float64)
    n_nodes = 2 + int(float(dist_m.max()) // _node_spacing_m(dem))
    if n_nodes == 2:
        node_lon = np.stack([lon_o, lon_t], axis=1)
        node_lat = np.stack([lat_o, lat_t], axis=1)
    else:
        frac = np.linspace(0.0, 1.0, n_nodes)
        lon_n, lat_n, _ = geod.fwd(
            np.repeat(lon_o, n_nodes),
            np.repeat(lat_o, n_nodes),
            np.repeat(np.asarray(az_deg, np.float64), n_nodes),
            (dist_m[:, None] * frac[None, :]).ravel(),
        )
        node_lon = np.asarray(lon_n, np.float64).reshape(n, n_nodes)
        node_lat = np.asarray(lat_n, np.float64).reshape(n, n_nodes)
    col, row = dem.lonlat_to_pixel(node_lon, node_lat)
    fine, coarse = dem._tiles
    return _k.los_clear(
        dem.heights_m,
        fine,
        coarse,
        np.ascontiguousarray(col),
        np.ascontiguousarray(row),
        dist_m,
        observer[2],
        alt_t,
        _inv_2ka(refraction_k),
        _max_step_m(dem),
    )


def ray_visibility(
    dem: Dem,
    observer_lon_deg: float,
    observer_lat_deg: float,
    observer_alt_msl_m: float,
    azimuths_rad: ArrayLike,
    ranges_m: ArrayLike,
    target_height_m: float,
    agl: bool,
    refraction_k: float = STANDARD_REFRACTION_K,
) -> BoolArray:
    """Visibility of a target at each azimuth and ground range from the observer, shape (na, nr).

    ``azimuths_rad`` are geodesic azimuths clockwise from true north; ``ranges_m`` are distances along
    the geodesic (any order). The target is ``target_height_m`` above the terrain under it when
    ``agl`` (sea level where the terrain is unknown), else above MSL. Along each azimuth the ray is
    sampled every half cell and a target is visible when its elevation slope from the observer,
    ``(h_t - r**2/(2 k Re) - h_obs) / r``, is at least the largest slope of the lowered terrain at the
    samples closer than ``r`` -- the same criterion as :func:`line_of_sight_clear`, swept once per ray.
    """
    az = np.atleast_1d(np.asarray(azimuths_rad, dtype=np.float64))
    ranges = np.atleast_1d(np.asarray(ranges_m, dtype=np.float64))
    if az.ndim != 1 or ranges.ndim != 1:
        raise ValueError("azimuths_rad and ranges_m must be 1-D")
    if not (np.isfinite(az).all() and np.isfinite(ranges).all() and (ranges >= 0).all()):
        raise ValueError("azimuths_rad must be finite and ranges_m finite and >= 0")
    na, nr = az.size, ranges.size
    if na == 0 or nr == 0:
        return np.zeros((na, nr), dtype=np.bool_)
    order = np.argsort(ranges, kind="stable")
    sorted_ranges = np.ascontiguousarray(ranges[order])
    r_max = float(sorted_ranges[-1])
    n_nodes = max(2, int(math.ceil(r_max / _node_spacing_m(dem))) + 1)
    spacing = max(r_max, 1.0) / (n_nodes - 1)
    node_range = np.arange(n_nodes) * spacing
    lon_n, lat_n, _ = _geod().fwd(
        np.full(na * n_nodes, float(observer_lon_deg)),
        np.full(na * n_nodes, float(observer_lat_deg)),
        np.repeat(np.degrees(az), n_nodes),
        np.tile(node_range, na),
    )
    col, row = dem.lonlat_to_pixel(
        np.asarray(lon_n, np.float64).reshape(na, n_nodes),
        np.asarray(lat_n, np.float64).reshape(na, n_nodes),
    )
    vis_sorted = _k.ray_sweep(
        dem.heights_m,
        np.ascontiguousarray(col),
        np.ascontiguousarray(row),
        spacing,
        sorted_ranges,
        float(observer_alt_msl_m),
        float(target_height_m),
        bool(agl),
        _inv_2ka(refraction_k),
        _max_step_m(dem),
    )
    out = np.empty((na, nr), dtype=np.bool_)
    out[:, order] = vis_sorted
    return out


def viewshed(
    dem: Dem,
    observer_x: float,
    observer_y: float,
    observer_height_agl_m: float,
    target_height_agl_m: float,
    refraction_k: float = STANDARD_REFRACTION_K,
    max_distance_m: float | None = None,
) -> BoolArray:
    """Grid viewshed in the DEM's cells, shape (ny, nx): True where a target is visible.

    Defined as GDAL's ``gdal_viewshed`` (GDAL 3.6, default "edge" mode) computes it, so the two agree
    cell for cell: the observer stands ``observer_height_agl_m`` above the value of the cell containing
    ``(observer_x, observer_y)`` (coordinates in the DEM's CRS), the target ``target_height_agl_m``
    above each cell's value; every cell is lowered by ``d**2 / (2 k Re)`` with ``d`` the distance
    between cell centres (GDAL: ``cc * d**2 / D`` with ``cc = 1 / k``, so ``-cc 0.75`` is ``k = 4/3``;
    GDAL takes ``D`` from the CRS's semi-major axis, 0.1 % larger than ``2 Re`` here); and a cell is
    visible when its lowered terrain plus the target height reaches the sight-line height interpolated
    from the two cells of the previous ring that the sight line crosses (reference planes of Wang,
    Robinson & White 2000), which carries the highest obstruction outwards cell by cell. Cells farther
    than ``max_distance_m`` are False; unknown terrain counts as sea level.

    Raises
    ------
    TerrainError
        When the observer is outside the DEM.
    """
    inv = ~dem.transform
    col = inv.a * observer_x + inv.b * observer_y + inv.c
    row = inv.d * observer_x + inv.e * observer_y + inv.f
    ny, nx = dem.shape
    if not (0.0 <= col < nx and 0.0 <= row < ny):
        raise TerrainError(f"viewshed observer ({observer_x}, {observer_y}) is outside the DEM")
    obs_col, obs_row = int(col), int(row)
    t = dem.transform
    x_obs, y_obs = t @ (obs_col + 0.5, obs_row + 0.5)
    lon_obs, lat_obs = _transformer(dem.crs, _WGS84).transform(x_obs, y_obs)
    sx, sy = _metres_per_unit(dem.crs, float(lon_obs), float(lat_obs))
    metric = np.array([[t.a * sx, t.b * sx], [t.d * sy, t.e * sy]])
    return _k.viewshed_reference_planes(
        dem.heights_m,
        obs_row,
        obs_col,
        float(observer_height_agl_m),
        float(target_height_agl_m),
        _inv_2ka(refraction_k),
        metric,
        math.inf if max_distance_m is None else float(max_distance_m),
    )


# --------------------------------------------------------------------------------------------------
# Synthetic terrain


def _utm_crs(lon_deg: float, lat_deg: float) -> str:
    zone = int(math.floor((lon_deg + 180.0) / 6.0)) % 60 + 1
    return f"EPSG:{(32600 if lat_deg >= 0 else 32700) + zone}"


def _grid(
    shape: tuple[int, int], cell_m: float, center_lon_deg: float, center_lat_deg: float, crs: str
) -> tuple[Affine, str]:
    """Transform of a grid of ``cell_m`` cells centred on a point ("auto UTM": the point's UTM zone).

    In a projected CRS ``cell_m`` is in grid metres; in a geographic CRS it is converted to degrees
    with the WGS-84 radii of curvature at the centre.
    """
    ny, nx = shape
    if ny < 1 or nx < 1 or not cell_m > 0:
        raise ValueError(f"shape must be positive and cell_m > 0, got {shape}, {cell_m}")
    crs_str = _utm_crs(center_lon_deg, center_lat_deg) if crs == "auto UTM" else crs
    c = _crs(crs_str)
    if c.is_geographic:
        sx, sy = _metres_per_unit(crs_str, center_lon_deg, center_lat_deg)
    else:  # grid metres, as projected DEMs are distributed (30 m UTM cells)
        sx = sy = float(c.axis_info[0].unit_conversion_factor) if c.axis_info else 1.0
    cx, cy = _transformer(_WGS84, crs_str).transform(center_lon_deg, center_lat_deg)
    dx, dy = cell_m / sx, cell_m / sy
    transform = Affine(dx, 0.0, cx - nx * dx / 2.0, 0.0, -dy, cy + ny * dy / 2.0)
    return transform, crs_str


def flat_dem(
    shape: tuple[int, int] = (200, 200),
    cell_m: float = 100.0,
    height_m: float = 0.0,
    center_lon_deg: float = 32.8,
    center_lat_deg: float = 39.9,
    crs: str = "auto UTM",
) -> Dem:
    """A DEM of constant height, centred on a point (in its UTM zone by default)."""
    transform, crs_str = _grid(shape, cell_m, center_lon_deg, center_lat_deg, crs)
    return Dem(np.full(shape, float(height_m)), transform, crs_str)


def ridge_dem(
    shape: tuple[int, int] = (200, 400),
    cell_m: float = 50.0,
    ridge_east_m: float = 0.0,
    ridge_height_m: float = 300.0,
    crest_width_m: float = 100.0,
    flank_width_m: float | None = None,
    base_height_m: float = 0.0,
    center_lon_deg: float = 32.8,
    center_lat_deg: float = 39.9,
    crs: str = "auto UTM",
) -> Dem:
    """Flat ground with one straight ridge along the grid's north axis.

    The ridge's cross-section is a trapezoid: a flat crest ``ridge_height_m`` above the base, from
    ``ridge_east_m`` to ``ridge_east_m + crest_width_m`` east of the DEM's centre (measured in the
    grid), and flanks that fall to the base over ``flank_width_m`` (default one cell) on either side.
    Cell values sample this profile at cell centres, so with edges on cell centres bilinear
    interpolation reproduces it exactly.
    """
    transform, crs_str = _grid(shape, cell_m, center_lon_deg, center_lat_deg, crs)
    ny, nx = shape
    flank = cell_m if flank_width_m is None else float(flank_width_m)
    east = (np.arange(nx) + 0.5 - nx / 2.0) * cell_m
    rise = np.clip((east - (ridge_east_m - flank)) / flank, 0.0, 1.0)
    fall = np.clip((ridge_east_m + crest_width_m + flank - east) / flank, 0.0, 1.0)
    profile = base_height_m + ridge_height_m * np.minimum(rise, fall)
    return Dem(np.broadcast_to(profile, (ny, nx)).copy(), transform, crs_str)


def _unit(field: FloatArray) -> FloatArray:
    std = float(field.std())
    return np.asarray((field - field.mean()) / (std if std > 0 else 1.0), dtype=np.float64)


def _spectral_field(rng: np.random.Generator, amplitude: FloatArray, shape: tuple[int, int]) -> FloatArray:
    """Gaussian random field whose Fourier amplitude is ``amplitude`` (rfft2 layout), unit std."""
    spectrum = np.fft.rfft2(rng.standard_normal(shape)) * amplitude
    return _unit(np.fft.irfft2(spectrum, s=shape))


def synthetic_dem(
    shape: tuple[int, int] = (1000, 1000),
    cell_m: float = 30.0,
    seed: int | np.random.Generator = 0,
    center_lon_deg: float = 32.8,
    center_lat_deg: float = 39.9,
    base_height_m: float = 900.0,
    relief_m: float = 800.0,
    crs: str = "auto UTM",
    hurst: float = 0.8,
    ridge_wavelength_m: float = 16_000.0,
) -> Dem:
    """Seeded fractal terrain with ridges, georeferenced around a point (its UTM zone by default).

    The surface is the sum of (a) a fractional Brownian surface by spectral synthesis, power spectrum
    ``P(k) ~ (k**2 + k0**2) ** -(H + 1)`` with Hurst exponent ``H = hurst`` and a roll-off beyond
    60 km wavelength (Saupe 1988, sec. 2.4), and (b) ridged noise, ``sum_o 2**-o (1 - |n_o|/2)**2``
    over octaves of band-limited Gaussian fields ``n_o`` of wavelength ``ridge_wavelength_m / 2**o``
    down to four cells, whose zero lines become sharp crests (Musgrave 1993). The ridge fields are
    mildly anisotropic along a seeded strike so crests line up into ranges, and a long-wavelength
    mask gathers them into mountain belts separated by smoother plains. The result is scaled so that
    its mean is ``base_height_m`` and its 1st-99th percentile span is ``relief_m``.

    ``seed`` is an integer or a ``numpy.random.Generator``; the same seed gives the same DEM. ``crs`` is
    "auto UTM" or any CRS pyproj accepts (a geographic CRS gets cells of ``cell_m`` metres converted to
    degrees at the centre latitude).
    """
    rng = np.random.default_rng(seed)
    transform, crs_str = _grid(shape, cell_m, center_lon_deg, center_lat_deg, crs)
    ny, nx = shape
    ky = np.fft.fftfreq(ny, d=cell_m)[:, None]
    kx = np.fft.rfftfreq(nx, d=cell_m)[None, :]
    k = np.hypot(kx, ky)
    k0 = 1.0 / 60_000.0
    fbm_amp = (k * k + k0 * k0) ** (-(hurst + 1.0) / 2.0)
    fbm_amp[0, 0] = 0.0
    fbm = _spectral_field(rng, fbm_amp, (ny, nx))

    strike = rng.uniform(0.0, np.pi)
    along = kx * np.cos(strike) + ky * np.sin(strike)
    across = -kx * np.sin(strike) + ky * np.cos(strike)
    k_aniso = np.hypot(1.3 * along, across / 1.3)  # features ~1.7x longer along the strike
    ridged = np.zeros((ny, nx))
    wavelength = ridge_wavelength_m
    weight = 1.0
    while wavelength >= 4.0 * cell_m:
        kc = 1.0 / wavelength
        band = np.exp(-0.5 * ((k_aniso - kc) / (0.35 * kc)) ** 2)
        band[0, 0] = 0.0
        n = _spectral_field(rng, band, (ny, nx))
        ridged += weight * np.clip(1.0 - np.abs(n) / 2.0, 0.0, 1.0) ** 2
        wavelength /= 2.0
        weight /= 2.0
    belt_amp = np.exp(-0.5 * (k * 4.0 * ridge_wavelength_m) ** 2)
    belt_amp[0, 0] = 0.0
    belts = 1.0 / (1.0 + np.exp(-2.0 * _spectral_field(rng, belt_amp, (ny, nx))))

    surface = 0.4 * fbm + 0.6 * _unit(ridged) * (0.3 + 1.4 * belts)
    lo, hi = np.percentile(surface, [1.0, 99.0])
    span = float(hi - lo) if hi > lo else 1.0
    heights = base_height_m + relief_m * (surface - surface.mean()) / span
    return Dem(heights, transform, crs_str)


def anatolia_example_dem() -> Dem:
    """The shipped example: a notional plateau around Ankara (39.9 N, 32.8 E), 300 x 300 km, 300 m cells.

    Heights are rounded to whole metres (as SRTM distributes them), which keeps the compressed GeoTIFF
    near 1 MB.
    """
    dem = synthetic_dem(
        shape=(1000, 1000),
        cell_m=300.0,
        seed=1923,
        center_lon_deg=32.8,
        center_lat_deg=39.9,
        base_height_m=900.0,
        relief_m=800.0,
        ridge_wavelength_m=40_000.0,
    )
    return Dem(np.round(dem.heights_m), dem.transform, dem.crs)
