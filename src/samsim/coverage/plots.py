"""Pictures of a :class:`samsim.coverage.CoverageResult`: coverage maps and range-altitude diagrams.

Rendered with matplotlib's Agg canvas through the object API (no pyplot, so the caller's backend and
global state are left alone); offline, no tiles. Maps are drawn in the battery-centred azimuthal
equidistant projection, in which range rings are circles, the scale is true along every radius and
north is up at the battery.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.colors import LightSource, ListedColormap, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from shapely.geometry.base import BaseGeometry

from samsim.coverage.compute import CoverageResult, Profile, aeqd, alt_label
from samsim.models import horizon
from samsim.models.terrain import sample_height_m

_DETECTION_COLOURS = ("#1f5fa8", "#2a9d8f", "#7b4fa0", "#8c564b", "#17becf", "#bcbd22")
_ENGAGEMENT_COLOURS = ("#d62728", "#f28e2b", "#e377c2", "#9c2f2f")
_DPI = 100


def _swerling_text(result: CoverageResult) -> str:
    return "each radar's calibration case" if result.swerling is None else f"Swerling {result.swerling}"


def _path(geom: BaseGeometry) -> MplPath | None:
    """A compound path of (multi)polygons; exteriors counter-clockwise, holes clockwise (nonzero fill)."""
    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for poly in shapely.get_parts(geom):
        if poly.is_empty:
            continue
        for ring in (poly.exterior, *poly.interiors):
            c = np.asarray(ring.coords)
            if len(c) < 4:
                continue
            code = np.full(len(c), MplPath.LINETO, dtype=np.uint8)
            code[0] = MplPath.MOVETO
            code[-1] = MplPath.CLOSEPOLY
            verts.append(c)
            codes.append(code)
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _nice_step_km(extent_km: float) -> float:
    for step in (5.0, 10.0, 25.0, 50.0, 100.0, 200.0, 500.0):
        if extent_km / step <= 6.0:
            return step
    return 1000.0


def _extent_km(result: CoverageResult, battery: str, alt_m: float) -> float:
    """Farthest covered cell of the battery at one altitude, km (plus the radars' offsets)."""
    site = next(s for s in result.sites if s.battery == battery)
    _, from_ll = aeqd(site.lon_deg, site.lat_deg)
    far = 10.0
    for rc in result.radars:
        if rc.battery != battery or rc.alt_m != alt_m or not rc.detect.any():
            continue
        last = int(np.flatnonzero(rc.detect.any(axis=0))[-1])
        x, y = from_ll.transform(rc.lon_deg, rc.lat_deg)
        reach = (last + 1) * result.grid.range_step_m + math.hypot(float(x), float(y))
        far = max(far, reach / 1000.0)
    return far


def _terrain_image(
    result: CoverageResult, lon0: float, lat0: float, extent_km: float, n: int = 360
) -> np.ndarray | None:
    """Hill-shaded RGBA of the DEM in the battery-centred azimuthal projection (transparent off the DEM)."""
    if result.terrain is None:
        return None
    to_ll, _ = aeqd(lon0, lat0)
    xs = np.linspace(-extent_km, extent_km, n) * 1000.0
    gx, gy = np.meshgrid(xs, xs[::-1])
    lon, lat = to_ll.transform(gx.ravel(), gy.ravel())
    z = sample_height_m(result.terrain, np.asarray(lon), np.asarray(lat)).reshape(n, n)
    known = np.isfinite(z)
    if not known.any():
        return None
    zf = np.where(known, z, float(np.nanmin(z)))
    cell_m = 2.0 * extent_km * 1000.0 / (n - 1)
    cmap = ListedColormap(
        np.array(
            [
                [0.82, 0.86, 0.76],
                [0.90, 0.88, 0.74],
                [0.86, 0.78, 0.64],
                [0.78, 0.70, 0.62],
                [0.95, 0.94, 0.93],
            ]
        )
    )
    lo, hi = np.nanpercentile(z, [1.0, 99.5])
    ls = LightSource(azdeg=315.0, altdeg=40.0)
    rgba = ls.shade(zf, cmap=cmap, blend_mode="soft", vert_exag=3.0, dx=cell_m, dy=cell_m, vmin=lo, vmax=hi)
    rgba[..., 3] = np.where(known, 0.85, 0.0)
    return np.asarray(rgba)


def _rings(ax: Axes, extent_km: float, step_km: float) -> None:
    theta = np.linspace(0.0, 2.0 * np.pi, 361)
    r = step_km
    while r <= extent_km * 1.001:
        ax.plot(r * np.sin(theta), r * np.cos(theta), color="0.35", lw=0.6, ls=(0, (4, 3)), zorder=4)
        a = math.radians(40.0)
        ax.text(
            r * math.sin(a),
            r * math.cos(a),
            f"{r:g} km",
            fontsize=7,
            color="0.2",
            ha="center",
            va="center",
            zorder=6,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
        )
        r += step_km


def _scale_bar(ax: Axes, lim_km: float, step_km: float) -> None:
    x0, y0 = -0.94 * lim_km, -0.93 * lim_km
    ax.plot([x0, x0 + step_km], [y0, y0], color="black", lw=3, solid_capstyle="butt", zorder=7)
    for x in (x0, x0 + step_km):
        ax.plot([x, x], [y0 - 0.012 * lim_km, y0 + 0.012 * lim_km], color="black", lw=1, zorder=7)
    ax.text(
        x0 + step_km / 2,
        y0 + 0.025 * lim_km,
        f"{step_km:g} km",
        ha="center",
        va="bottom",
        fontsize=8,
        zorder=7,
    )


def _north_arrow(ax: Axes, lim_km: float) -> None:
    x, y = 0.9 * lim_km, 0.78 * lim_km
    ax.annotate(
        "",
        xy=(x, y + 0.13 * lim_km),
        xytext=(x, y),
        arrowprops={"arrowstyle": "-|>", "lw": 1.8, "color": "black"},
        zorder=7,
    )
    ax.text(x, y + 0.15 * lim_km, "N", ha="center", va="bottom", fontsize=11, fontweight="bold", zorder=7)


def render_map(result: CoverageResult, battery: str, alt_m: float, path: Path) -> None:
    """One battery at one altitude: terrain, detection footprints per radar (filled), engagement
    footprints per interceptor (hatched), range rings, legend, scale bar, north arrow and a title
    stating the assumptions. The map extends just beyond the farthest covered cell."""
    site = next(s for s in result.sites if s.battery == battery)
    _, from_ll = aeqd(site.lon_deg, site.lat_deg)
    extent_km = _extent_km(result, battery, alt_m)
    step_km, lim_km = _nice_step_km(extent_km), 1.08 * extent_km

    def to_km(geom: BaseGeometry) -> BaseGeometry:
        def f(xy: np.ndarray) -> np.ndarray:
            x, y = from_ll.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([np.asarray(x), np.asarray(y)]) / 1000.0

        return shapely.transform(geom, f)

    fig = Figure(figsize=(9.0, 9.6), dpi=_DPI)
    ax = fig.add_axes((0.09, 0.10, 0.87, 0.79))
    img = _terrain_image(result, site.lon_deg, site.lat_deg, lim_km)
    if img is not None:
        ax.imshow(
            img, extent=(-lim_km, lim_km, -lim_km, lim_km), origin="upper", zorder=0, interpolation="nearest"
        )
    ax.set_facecolor("#f4f6f8")

    handles: list[Patch] = []
    feats = [f for f in result.footprints if f.battery == battery and f.alt_m == alt_m]
    detections = sorted(
        (f for f in feats if f.kind == "detection" and f.radar != "all"), key=lambda f: -f.area_km2
    )
    types = dict(zip(site.radars, site.radar_types, strict=True))
    roles = {rc.radar: rc.role for rc in result.radars if rc.battery == battery}
    for i, f in enumerate(detections):
        colour = _DETECTION_COLOURS[site.radars.index(f.radar) % len(_DETECTION_COLOURS)]
        path_ = _path(to_km(f.geometry))
        if path_ is not None:
            # add_artist, not add_patch: the limits are fixed, and updating them walks every vertex.
            ax.add_artist(PathPatch(path_, fc=to_rgba(colour, 0.22), ec=colour, lw=1.1, zorder=2 + i * 0.01))
        label = f.radar if f.radar == types[f.radar] else f"{f.radar} ({types[f.radar]})"
        handles.append(
            Patch(
                fc=colour,
                ec=colour,
                alpha=0.5,
                label=f"{label} detection ({roles[f.radar]} radar): {f.area_km2:,.0f} km²",
            )
        )
    hatches = ("///", "\\\\\\", "|||", "---")
    for j, f in enumerate(f for f in feats if f.kind == "engagement"):
        colour = _ENGAGEMENT_COLOURS[j % len(_ENGAGEMENT_COLOURS)]
        hatch = hatches[j % len(hatches)]
        path_ = _path(to_km(f.geometry))
        if path_ is not None:  # hatched, so that the detection fills beneath stay visible
            ax.add_artist(PathPatch(path_, fc="none", ec=colour, lw=0.9, hatch=hatch, zorder=3.5 + j * 0.01))
        label = f"{f.interceptor} engagement: {f.area_km2:,.0f} km²"
        handles.append(Patch(fc="none", ec=colour, hatch=hatch, label=label))
    jammed = [f for f in feats if f.kind == "jammed" and f.radar != "all"]
    for f in jammed:  # the burn-through contour of each radar: detection with the scenario's jamming
        colour = _DETECTION_COLOURS[site.radars.index(f.radar) % len(_DETECTION_COLOURS)]
        path_ = _path(to_km(f.geometry))
        if path_ is not None:
            ax.add_artist(PathPatch(path_, fc="none", ec=colour, lw=2.0, ls="--", zorder=4))
        handles.append(
            Patch(
                fc="none",
                ec=colour,
                ls="--",
                lw=2.0,
                label=f"{f.radar} jammed at t = {result.jam_at_s:g} s (burn-through): {f.area_km2:,.0f} km²",
            )
        )
    combined = next((f for f in feats if f.kind == "detection" and f.radar == "all"), None)

    _rings(ax, lim_km, step_km)
    for rc in result.radars:
        if rc.battery == battery and rc.alt_m == alt_m:
            x, y = from_ll.transform(rc.lon_deg, rc.lat_deg)
            ax.plot(float(x) / 1000.0, float(y) / 1000.0, "o", ms=3, color="black", zorder=8)
    ax.plot(0.0, 0.0, "^", ms=9, mec="white", mfc="black", zorder=9)
    ax.annotate(battery, (0.0, 0.0), xytext=(6, -12), textcoords="offset points", fontsize=8, zorder=9)
    _scale_bar(ax, lim_km, step_km)
    _north_arrow(ax, lim_km)

    ax.set_xlim(-lim_km, lim_km)
    ax.set_ylim(-lim_km, lim_km)
    ax.set_aspect("equal")
    ax.set_xlabel(f"km east of {battery} ({site.lat_deg:.4f}° N, {site.lon_deg:.4f}° E)")
    ax.set_ylabel(f"km north of {battery}")
    ax.tick_params(labelsize=8)
    ax.legend(handles=handles, loc="upper left", fontsize=7.5, framealpha=0.88)
    ref = "AGL" if result.agl else "MSL"
    total = f"; all radars {combined.area_km2:,.0f} km²" if combined is not None else ""
    fig.suptitle(
        f"{battery} ({site.system}): coverage of a target at {alt_label(alt_m)} m {ref}\n"
        f"radars {', '.join(site.radars)} · {result.rcs_text} · Pd ≥ {result.pd_threshold:g} per look "
        f"· {_swerling_text(result)}{total}",
        fontsize=10.5,
        y=0.975,
    )
    terrain = (
        "terrain masking over the scenario's DEM"
        if result.terrain is not None
        else (f"smooth earth at {result.surface_alt_m:g} m MSL")
    )
    fig.text(
        0.09,
        0.012,
        f"Radar horizon with k = {result.refraction_k:.4g}, {terrain}. Engagement: static envelope "
        "(interceptor range and altitude limits, engagement radar detects); no time-of-flight or "
        "target-speed limit.",
        fontsize=7,
        color="0.25",
        wrap=True,
    )
    fig.savefig(path, dpi=_DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 3})


def _medium(prof: Profile) -> str:
    if prof.surface == "none":
        return "free space"
    return f"{prof.surface}: multipath lobes and clutter"


def render_profile(result: CoverageResult, prof: Profile, path: Path) -> None:
    """Range-altitude (vertical coverage) diagram of one radar: the Pd contour for the result's RCS and
    threshold, the covered region, the radar horizon (k and k = 1), instrumented range and elevation
    limits, and the requested altitudes."""
    surf_km = prof.surface_alt_m / 1000.0
    x_km = prof.ground_range_m / 1000.0
    y_km = prof.height_m / 1000.0 + surf_km
    fig = Figure(figsize=(11.0, 5.6), dpi=_DPI)
    ax = fig.add_axes((0.07, 0.11, 0.90, 0.74))
    ax.contourf(x_km, y_km, prof.detect.astype(np.float64), levels=[0.5, 1.5], colors=["#1f5fa8"], alpha=0.25)
    for i, line in enumerate(prof.contours_m):
        ax.plot(
            line[:, 0] / 1000.0,
            line[:, 1] / 1000.0 + surf_km,
            color="#1f5fa8",
            lw=1.8,
            label=f"Pd = {result.pd_threshold:g} per look, {result.rcs_text}"
            + (f" ({result.rcs_of(prof.battery, prof.radar):.3g} m²)" if result.target else "")
            + f" ({_medium(prof)})"
            if i == 0
            else None,
        )
    if len(prof.horizon_m):
        ax.plot(
            prof.horizon_m[:, 0] / 1000.0,
            prof.horizon_m[:, 1] / 1000.0 + surf_km,
            color="black",
            ls="--",
            lw=1.3,
            label=f"radar horizon (k = {prof.refraction_k:.4g})",
        )
    if len(prof.geometric_horizon_m):
        ax.plot(
            prof.geometric_horizon_m[:, 0] / 1000.0,
            prof.geometric_horizon_m[:, 1] / 1000.0 + surf_km,
            color="0.4",
            ls=":",
            lw=1.2,
            label="geometric horizon (k = 1)",
        )
    h1 = prof.antenna_height_m
    k = prof.refraction_k
    el = np.linspace(prof.min_elevation_rad, prof.max_elevation_rad, 400)
    arc_g = horizon.ground_range_m(prof.max_range_m, el, h1, k) / 1000.0
    arc_h = horizon.target_height_m(prof.max_range_m, el, h1, k) / 1000.0 + surf_km
    if arc_g.min() <= x_km[-1]:
        ax.plot(
            arc_g, arc_h, color="#7f7f7f", lw=1.2, label=f"instrumented range {prof.max_range_m / 1000:g} km"
        )
    slant = np.linspace(0.0, prof.max_range_m, 400)
    lo_deg, hi_deg = math.degrees(prof.min_elevation_rad), math.degrees(prof.max_elevation_rad)
    limits = f"elevation limits {lo_deg:g}° / {hi_deg:g}°"
    for e, name in ((prof.min_elevation_rad, "min"), (prof.max_elevation_rad, "max")):
        ax.plot(
            horizon.ground_range_m(slant, e, h1, k) / 1000.0,
            horizon.target_height_m(slant, e, h1, k) / 1000.0 + surf_km,
            color="#9467bd",
            lw=0.9,
            ls="-.",
            label=limits if name == "min" else None,
        )
    ref = "AGL" if result.agl else "MSL"
    site = next(s for s in result.sites if s.battery == prof.battery)
    if result.terrain is not None:
        ax.axhline(site.ground_alt_m / 1000.0, color="#8c6d31", lw=0.9, ls="--")
        ax.text(
            0.005 * x_km[-1],
            site.ground_alt_m / 1000.0,
            f"site ground {site.ground_alt_m:,.0f} m MSL",
            fontsize=7,
            color="#8c6d31",
            va="bottom",
        )
    for alt in result.alt_m:
        # AGL altitudes are drawn over the site's ground (the terrain elsewhere varies).
        y = (alt + (site.ground_alt_m if result.agl else 0.0)) / 1000.0
        if y <= y_km[-1]:
            ax.axhline(y, color="#d62728", lw=0.7, ls=(0, (2, 3)))
            ax.text(
                0.995 * x_km[-1],
                y,
                f"{alt_label(alt)} m {ref}",
                fontsize=7,
                color="#d62728",
                va="bottom",
                ha="right",
            )
    ax.axhline(surf_km, color="#8c6d31", lw=1.5)
    ax.set_xlim(0.0, x_km[-1])
    ax.set_ylim(max(surf_km - 0.5, 0.0), y_km[-1])
    ax.set_xlabel("ground range, km")
    ax.set_ylabel("altitude, km MSL")
    ax.grid(True, lw=0.4, color="0.85")
    ax.legend(loc="upper right", fontsize=7.5, framealpha=0.9)
    surface = (
        "sea level; terrain masking is on the maps"
        if result.terrain is not None
        else (f"smooth earth at {prof.surface_alt_m:g} m MSL")
    )
    name = prof.radar if prof.radar == prof.radar_type else f"{prof.radar} ({prof.radar_type})"
    fig.suptitle(
        f"{prof.battery} / {name}: vertical coverage over a smooth earth ({_medium(prof)})\n"
        f"antenna {prof.surface_alt_m + h1:,.0f} m MSL, {h1:,.0f} m above the horizon surface ({surface}) · "
        f"{_swerling_text(result)}",
        fontsize=10,
        y=0.975,
    )
    fig.savefig(path, dpi=_DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 3})
