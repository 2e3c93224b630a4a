"""Read the output folders of ``samsim run`` and ``samsim mc`` into the JSON the web app serves.

Nothing here writes: :class:`RunData` reads a run folder (the files ``samsim run`` writes:
``summary.json``, ``events.parquet``, ``trajectories.parquet`` and ``scene.json``);
:mod:`samsim.web.study_data` reads study folders with the helpers defined here.
Every number returned is a finite float or ``None`` so that it serialises as strict JSON.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from numpy.typing import NDArray

from samsim.arrays import FloatArray
from samsim.models import radar
from samsim.models.horizon import horizon_range_m
from samsim.models.signature import band_of_frequency
from samsim.study import wilson_interval  # the study layer's 95 % Wilson score interval

__all__ = ["DataError", "RunData", "detection_range_m", "histogram", "wilson_interval"]


RUN_FILES = ("summary.json", "events.parquet", "trajectories.parquet", "scene.json", "report.html")


class DataError(Exception):
    """A folder or a request the data cannot answer; the message is safe to show to the user."""


def scalar(v: Any) -> Any:
    """A JSON-safe Python scalar."""
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, np.generic):
        return scalar(v.item())
    return v


def folder_kind(out: Path) -> str | None:
    """``"study"`` for a ``samsim mc`` folder, ``"run"`` for a ``samsim run`` folder, else None."""
    if (out / "runs.parquet").is_file() or (out / "results.duckdb").is_file():
        return "study"
    if (out / "summary.json").is_file() and (
        (out / "trajectories.parquet").is_file() or (out / "events.parquet").is_file()
    ):
        return "run"
    return None


def finite(x: Any, digits: int | None = None) -> float | None:
    """``x`` as a float rounded to ``digits``, or None when missing or not finite."""
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(v):
        return None
    return round(v, digits) if digits is not None else v


def _rounded(values: Any, digits: int) -> list[float | None]:
    arr = np.round(np.asarray(values, dtype=np.float64), digits)
    out: list[float | None] = arr.tolist()
    if not np.all(np.isfinite(arr)):
        out = [v if v is not None and math.isfinite(v) else None for v in out]
    return out


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{path.name}: cannot be read ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise DataError(f"{path.name}: not a JSON object")
    return data


# ---------------------------------------------------------------------------------------------------
# Statistics and geometry (pure functions)


def detection_range_m(
    ref_range_m: float, ref_rcs_m2: float, rcs_m2: float, max_range_m: float | None = None
) -> float:
    """Range at which a radar reaches its reference detection probability on a target of ``rcs_m2``,
    capped at the radar's instrumented range when given.

    The scaling ``R = R_ref (sigma / sigma_ref)^(1/4)`` is the models layer's
    :func:`samsim.models.radar.detection_range_m`, the one the coverage analysis uses and at which the
    engine's calibrated SNR equals the reference SNR; this adds the argument checks and the cap.

    References
    ----------
    M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed., McGraw-Hill, 2001, ch. 2.
    """
    if rcs_m2 <= 0 or ref_rcs_m2 <= 0 or ref_range_m <= 0:
        raise ValueError("ranges and RCS must be positive")
    r = float(radar.detection_range_m(rcs_m2, ref_range_m, ref_rcs_m2))
    if max_range_m is not None and max_range_m > 0:
        r = min(r, max_range_m)
    return r


def histogram(
    values: NDArray[Any] | Sequence[float], max_bins: int = 60, min_bins: int = 5, from_zero: bool = False
) -> dict[str, Any]:
    """Counts of non-negative integer ``values``: one bin per integer, or wider integer bins when
    the range holds more than ``max_bins`` values. ``lo``/``hi`` are inclusive bin bounds.

    The bins span the values taken, widened to at least ``min_bins`` around them: when every run
    fired 96 interceptors the chart shows empty bins 94, 95, 97 and 98 on either side of the bar
    rather than 96 empty bins from 0 and the bar against the edge. ``single`` is that one value, or
    None when the values differ. ``from_zero`` starts the bins at 0 (counts of leakers, where 0 is
    the outcome to compare with).
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {"n": 0, "mean": None, "single": None, "lo": [], "hi": [], "counts": []}
    vi = np.rint(v).astype(np.int64)
    lo_v, hi_v = (0 if from_zero else int(vi.min())), int(vi.max())
    short = min_bins - (hi_v - lo_v + 1)
    if short > 0:
        lo_v = max(0, lo_v - (short + 1) // 2)
        hi_v = lo_v + max(hi_v - lo_v, min_bins - 1)
    width = max(1, math.ceil((hi_v - lo_v + 1) / max_bins))
    nbins = (hi_v - lo_v) // width + 1
    counts = np.bincount((vi - lo_v) // width, minlength=nbins)
    lows = lo_v + width * np.arange(nbins)
    return {
        "n": int(v.size),
        "mean": finite(v.mean(), 4),
        "single": int(vi[0]) if bool(np.all(vi == vi[0])) else None,
        "bin_width": width,
        "lo": lows.tolist(),
        "hi": (lows + width - 1).tolist(),
        "counts": counts.tolist(),
    }


# ---------------------------------------------------------------------------------------------------
# Runs


@dataclass(frozen=True)
class Path3:
    """The samples of one entity, sorted by time."""

    time_s: FloatArray
    lat_deg: FloatArray
    lon_deg: FloatArray
    alt_m: FloatArray

    def at(self, time_s: float) -> tuple[float, float, float] | None:
        """Position at ``time_s`` (linear between samples; None outside the sampled span)."""
        t = self.time_s
        if t.size == 0 or time_s < t[0] - 1e-6 or time_s > t[-1] + 1e-6:
            return None
        # Unwrap longitude so that interpolation across the antimeridian stays short.
        lon = np.rad2deg(np.unwrap(np.deg2rad(self.lon_deg)))
        lon_t = float(np.interp(time_s, t, lon))
        lon_t = (lon_t + 180.0) % 360.0 - 180.0
        return float(np.interp(time_s, t, self.lat_deg)), lon_t, float(np.interp(time_s, t, self.alt_m))


def _read_parquet(path: Path, schema_names: Sequence[str]) -> pa.Table:
    if not path.is_file():
        return pa.table({n: pa.array([], pa.string()) for n in schema_names})
    try:
        return pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise DataError(f"{path.name}: cannot be read ({type(exc).__name__})") from None


def _event_record(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (finite(v, 3) if k == "time_s" else v) for k, v in row.items()}


STROBE_DEFAULT_M = 300_000.0
"""Length of a jam strobe's line when the scene gives no instrumented range for its radar."""


class RunData:
    """One run folder (a ``samsim run`` output, or a replay re-simulated from a study)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.summary = read_json(folder / "summary.json")
        if not isinstance(self.summary.get("threats"), list):
            raise DataError("summary.json: no 'threats' list; not a samsim run folder")
        self.summary.setdefault("interceptors", [])
        self.events = _read_parquet(folder / "events.parquet", ["time_s", "kind"])
        traj = _read_parquet(folder / "trajectories.parquet", ["time_s", "entity", "kind"])
        if traj.num_rows:
            traj = traj.sort_by([("entity", "ascending"), ("time_s", "ascending")])
        self.trajectories = traj
        self._paths = self._split_paths(traj)
        self.threats = {str(t["id"]): t for t in self.summary["threats"]}
        self.interceptors = {str(i["id"]): i for i in self.summary["interceptors"]}
        scene_path = folder / "scene.json"
        self.scene_derived = not scene_path.is_file()
        self.scene = read_json(scene_path) if not self.scene_derived else self._derive_scene()
        self._lock = threading.Lock()
        self._traj_json: dict[tuple[str, ...], list[dict[str, Any]]] = {}

    # -- trajectories -----------------------------------------------------------------------------
    @staticmethod
    def _split_paths(traj: pa.Table) -> dict[str, tuple[str, str | None, slice]]:
        """entity -> (kind, battery, row slice) over the entity-sorted table."""
        if traj.num_rows == 0:
            return {}
        ent = np.asarray(traj.column("entity").to_pylist(), dtype=object)
        starts = np.flatnonzero(np.r_[True, ent[1:] != ent[:-1]])
        ends = np.r_[starts[1:], ent.size]
        kinds = traj.column("kind").to_pylist()
        battery = traj.column("battery").to_pylist() if "battery" in traj.column_names else None
        return {
            str(ent[s]): (str(kinds[s]), battery[s] if battery else None, slice(int(s), int(e)))
            for s, e in zip(starts, ends, strict=True)
        }

    def path(self, entity: str) -> Path3 | None:
        found = self._paths.get(entity)
        if found is None:
            return None
        sl = found[2]
        tab = self.trajectories.slice(sl.start, sl.stop - sl.start)

        def col(name: str) -> FloatArray:
            return np.asarray(tab.column(name).to_numpy(), dtype=np.float64)

        return Path3(col("time_s"), col("lat_deg"), col("lon_deg"), col("alt_m"))

    def entity_kind(self, entity: str) -> str | None:
        found = self._paths.get(entity)
        return found[0] if found else None

    def fate_of(self, entity: str) -> str | None:
        if entity in self.threats:
            fate = self.threats[entity].get("fate")
        elif entity in self.interceptors:
            fate = self.interceptors[entity].get("result")
        else:
            return None
        return str(fate) if fate is not None else None

    def trajectory_json(self, kinds: Iterable[str]) -> list[dict[str, Any]]:
        """Per entity: id, kind, battery, fate, type and the columns t, lat, lon, alt, speed."""
        key = tuple(sorted(set(kinds)))
        with self._lock:
            cached = self._traj_json.get(key)
            if cached is not None:
                return cached
        out = []
        traj = self.trajectories
        cols = {
            name: np.asarray(traj.column(name).to_numpy(), dtype=np.float64)
            for name in ("time_s", "lat_deg", "lon_deg", "alt_m", "speed_mps")
            if name in traj.column_names
        }
        for entity, (kind, battery, sl) in self._paths.items():
            if kind not in key:
                continue
            rec: dict[str, Any] = {
                "id": entity,
                "kind": kind,
                "battery": battery,
                "type": (self.threats.get(entity) or self.interceptors.get(entity) or {}).get("type"),
                "fate": self.fate_of(entity),
                "t": _rounded(cols["time_s"][sl], 3),
                "lat": _rounded(cols["lat_deg"][sl], 6),
                "lon": _rounded(cols["lon_deg"][sl], 6),
                "alt": _rounded(cols["alt_m"][sl], 1),
            }
            if "speed_mps" in cols:
                rec["speed"] = _rounded(cols["speed_mps"][sl], 1)
            out.append(rec)
        with self._lock:
            self._traj_json[key] = out
        return out

    # -- scene ------------------------------------------------------------------------------------
    def _derive_scene(self) -> dict[str, Any]:
        """What can be said without scene.json: the threats, and no sites."""
        return {
            "origin": None,
            "duration_s": self.summary.get("duration_s"),
            "assets": [],
            "batteries": [],
            "threats": [{"id": t["id"], "type": t.get("type")} for t in self.summary["threats"]],
        }

    def extent(self) -> dict[str, float] | None:
        """A lon/lat box around every site and sampled position (for the initial camera)."""
        lats: list[float] = []
        lons: list[float] = []
        for item in [*self.scene.get("assets", []), *self.scene.get("batteries", [])]:
            if finite(item.get("lat_deg")) is not None and finite(item.get("lon_deg")) is not None:
                lats.append(float(item["lat_deg"]))
                lons.append(float(item["lon_deg"]))
        traj = self.trajectories
        if traj.num_rows and "lat_deg" in traj.column_names:
            lat = np.asarray(traj.column("lat_deg").to_numpy(), dtype=np.float64)
            lon = np.asarray(traj.column("lon_deg").to_numpy(), dtype=np.float64)
            ok = np.isfinite(lat) & np.isfinite(lon)
            if np.any(ok):
                lats += [float(lat[ok].min()), float(lat[ok].max())]
                lons += [float(lon[ok].min()), float(lon[ok].max())]
        if not lats:
            return None
        return {
            "west": round(min(lons), 6),
            "south": round(min(lats), 6),
            "east": round(max(lons), 6),
            "north": round(max(lats), 6),
        }

    def time_span(self) -> dict[str, float | None]:
        times = []
        for tab in (self.trajectories, self.events):
            if tab.num_rows and "time_s" in tab.column_names:
                t = np.asarray(tab.column("time_s").to_numpy(), dtype=np.float64)
                times += [float(np.nanmin(t)), float(np.nanmax(t))]
        duration = finite(self.summary.get("duration_s"))
        start = min([0.0, *times])
        stop = max([duration or 0.0, *times])
        return {"start_s": finite(start, 3), "stop_s": finite(stop, 3)}

    def target_types(self) -> list[str]:
        """The threat types whose signature the run's scene records (coverage can be sized for them)."""
        sig = self.scene.get("signatures")
        return sorted(sig) if isinstance(sig, dict) else []

    def _target_rcs(self, target: str, aspect: float | str) -> Callable[[dict[str, Any]], tuple[float, str]]:
        """For a radar of the scene: the RCS of ``target`` at ``aspect`` in the radar's band, and the band,
        from the coverage analysis (:func:`samsim.coverage.target_rcs_m2`) on the scene's signature."""
        from samsim.catalog.signatures import rcs_table, rcs_table_problems
        from samsim.coverage import aspect_problem, target_rcs_m2

        problem = aspect_problem(aspect)
        if problem is not None:
            raise DataError(f"aspect: {problem}")
        sig = (self.scene.get("signatures") or {}).get(target)
        if not isinstance(sig, dict) or finite(sig.get("rcs_m2")) is None:
            known = ", ".join(self.target_types()) or "none (scene.json made by an older samsim)"
            raise DataError(f"target: no signature of {target!r} in this run; known: {known}")
        value = sig.get("rcs_table")
        if value is not None and next(iter(rcs_table_problems(value)), None) is not None:
            raise DataError(f"target: the rcs_table of {target!r} in scene.json is not valid")
        table = None if value is None else rcs_table(value)
        fixed = float(sig["rcs_m2"])

        def rcs_for(r: dict[str, Any]) -> tuple[float, str]:
            ghz = finite(r.get("frequency_ghz"))
            if ghz is None or ghz <= 0:
                raise DataError(
                    f"radar {r.get('id')!r}: scene.json gives no frequency (made by an older samsim); "
                    "re-run the scenario to size coverage by band"
                )
            return target_rcs_m2(table, fixed, ghz, aspect), band_of_frequency(ghz)

        return rcs_for

    def signature_series(self, entity: str, max_samples: int = 2000) -> dict[str, Any] | None:
        """For threat ``entity``, at (up to ``max_samples`` of) its path's samples: per radar of the
        scene, the aspect and elevation it presents to the radar and the cross section the radar sees
        in its band (its type's table in ``scene.json``, or its fixed ``rcs_m2``). The attitude follows
        the path's velocity (central differences in ECEF), as the engine's
        (:func:`samsim.models.signature.body_angles_deg`, :func:`samsim.sim.signatures.table_rcs_m2`).
        None when ``entity`` is not a threat with a path."""
        from samsim.catalog.signatures import rcs_table, rcs_table_problems
        from samsim.geodesy import geodetic_to_ecef
        from samsim.models.signature import body_angles_deg
        from samsim.sim.signatures import table_rcs_m2

        path = self.path(entity) if entity in self.threats else None
        if path is None or path.time_s.size < 2:
            return None
        step = max(1, math.ceil(path.time_s.size / max_samples))
        pos = geodetic_to_ecef(path.lat_deg, path.lon_deg, path.alt_m)
        t = path.time_s
        # Repeated sample times (a path's joins) would divide by zero: spread them by a microsecond.
        t_strict = t + np.arange(t.size) * 1e-6
        vel = np.gradient(pos, t_strict, axis=0)
        keep = slice(0, None, step)
        kind = str(self.threats[entity].get("type"))
        sig = (self.scene.get("signatures") or {}).get(kind)
        value = sig.get("rcs_table") if isinstance(sig, dict) else None
        table = None
        if value is not None and next(iter(rcs_table_problems(value)), None) is None:
            table = rcs_table(value)
        fixed = finite(sig.get("rcs_m2")) if isinstance(sig, dict) else None
        radars = []
        for b in self.scene.get("batteries", []):
            for r in b.get("radars", []):
                ghz = finite(r.get("frequency_ghz"))
                lat, lon, alt = finite(r.get("lat_deg")), finite(r.get("lon_deg")), finite(r.get("alt_m"))
                if ghz is None or ghz <= 0 or lat is None or lon is None or alt is None:
                    continue
                aspect, elevation = body_angles_deg(vel[keep], pos[keep], geodetic_to_ecef(lat, lon, alt))
                band = band_of_frequency(ghz)
                if table is not None:  # read at min(a, 360 - a): the left side mirrors the right
                    rcs: list[float | None] = _rounded(table_rcs_m2(table, band, aspect, elevation), 5)
                else:
                    rcs = [fixed] * aspect.size
                radars.append(
                    {
                        "id": f"{b['id']}/{r['id']}",
                        "band": band,
                        "aspect_deg": _rounded(np.round(aspect, 1) % 360.0, 1),
                        "elevation_deg": _rounded(elevation, 1),
                        "rcs_m2": rcs,
                    }
                )
        return {
            "id": entity,
            "type": kind,
            "signature": sig is not None,
            "t": _rounded(t[keep], 3),
            "radars": radars,
        }

    def domes(
        self, rcs_m2: float, alt_agl_m: float, target: str | None = None, aspect: float | str = "nose"
    ) -> list[dict[str, Any]]:
        """Per radar: the detection range (the dome) for ``rcs_m2``, or with ``target`` for the RCS the
        target type's table gives at ``aspect`` in that radar's band; the radar horizon for a target
        ``alt_agl_m`` above the ground, and the coverage ring at that height (the smaller of the two).
        """
        k = finite(self.scene.get("refraction_k")) or 4.0 / 3.0
        rcs_for = None if target is None else self._target_rcs(target, aspect)
        out = []
        for b in self.scene.get("batteries", []):
            for r in b.get("radars", []):
                ref_range = finite(r.get("ref_range_m"))
                ref_rcs = finite(r.get("ref_rcs_m2"))
                if ref_range is None or ref_rcs is None or ref_range <= 0 or ref_rcs <= 0:
                    continue
                rcs, band = (rcs_m2, r.get("band")) if rcs_for is None else rcs_for(r)
                dome = detection_range_m(ref_range, ref_rcs, rcs, finite(r.get("max_range_m")))
                antenna_m = finite(r.get("antenna_height_m")) or 0.0
                horizon = float(horizon_range_m(antenna_m, alt_agl_m, k))
                ground_m = (finite(r.get("alt_m")) or 0.0) - antenna_m
                out.append(
                    {
                        "id": f"{b['id']}/{r['id']}",
                        "battery": b["id"],
                        "radar": r["id"],
                        "type": r.get("type"),
                        "role": r.get("role"),
                        "band": band,
                        "lat_deg": finite(r.get("lat_deg")),
                        "lon_deg": finite(r.get("lon_deg")),
                        "alt_m": finite(r.get("alt_m")),
                        "rcs_m2": float(f"{rcs:.6g}"),
                        "range_m": round(dome, 1),
                        "horizon_range_m": round(horizon, 1),
                        "ring_range_m": round(min(dome, horizon), 1),
                        "ring_alt_m": round(ground_m + alt_agl_m, 1),
                    }
                )
        return out

    # -- events -----------------------------------------------------------------------------------
    def event_rows(
        self,
        kinds: Sequence[str] | None = None,
        exclude: Sequence[str] | None = None,
        **match: str,
    ) -> pa.Table:
        ev = self.events
        if ev.num_rows == 0:
            return ev
        mask = None

        def both(a: Any, b: Any) -> Any:
            return b if a is None else pc.and_(a, b)

        if kinds:
            mask = both(mask, pc.is_in(ev.column("kind"), pa.array(list(kinds), pa.string())))
        if exclude:
            mask = both(mask, pc.invert(pc.is_in(ev.column("kind"), pa.array(list(exclude), pa.string()))))
        for col, value in match.items():
            if col not in ev.column_names:
                return ev.slice(0, 0)
            mask = both(mask, pc.fill_null(pc.equal(ev.column(col), value), False))
        return ev if mask is None else ev.filter(mask)

    def events_json(
        self,
        kinds: Sequence[str] | None = None,
        entity: str | None = None,
        offset: int = 0,
        limit: int = 1000,
    ) -> dict[str, Any]:
        if entity is not None:
            tabs = [
                self.event_rows(kinds, **{c: entity})
                for c in ("threat", "interceptor", "track", "battery")
                if c in self.events.column_names
            ]
            tab = _union_by_time(tabs)
        else:
            tab = self.event_rows(kinds)
        total = tab.num_rows
        rows = tab.slice(offset, limit).to_pylist() if offset < total else []
        return {"total": total, "offset": offset, "events": [_event_record(r) for r in rows]}

    # -- markers ----------------------------------------------------------------------------------
    def markers(self) -> list[dict[str, Any]]:
        """Where and when threats were killed or leaked, and interceptors missed or self-destructed."""
        out = []
        for tid, t in self.threats.items():
            fate, at = t.get("fate"), finite(t.get("fate_s"))
            if fate not in ("killed", "leaked") or at is None:
                continue
            p = self.path(tid)
            pos = p.at(at) if p is not None else None
            if pos is None and p is not None and p.time_s.size:
                pos = (float(p.lat_deg[-1]), float(p.lon_deg[-1]), float(p.alt_m[-1]))
            if pos is None:
                continue
            out.append(
                {
                    "kind": "kill" if fate == "killed" else "leak",
                    "time_s": round(at, 3),
                    "threat": tid,
                    "interceptor": t.get("killed_by"),
                    "lat_deg": round(pos[0], 6),
                    "lon_deg": round(pos[1], 6),
                    "alt_m": round(pos[2], 1),
                }
            )
        for iid, i in self.interceptors.items():
            result, at = i.get("result"), finite(i.get("end_s"))
            if result not in ("miss", "self-destruct", "self_destruct") or at is None:
                continue
            p = self.path(iid)
            if p is None or p.time_s.size == 0:
                continue
            pos = p.at(at) or (float(p.lat_deg[-1]), float(p.lon_deg[-1]), float(p.alt_m[-1]))
            out.append(
                {
                    "kind": "miss" if result == "miss" else "self_destruct",
                    "time_s": round(at, 3),
                    "threat": i.get("target"),
                    "interceptor": iid,
                    "lat_deg": round(pos[0], 6),
                    "lon_deg": round(pos[1], 6),
                    "alt_m": round(pos[2], 1),
                }
            )
        out.sort(key=lambda m: (m["time_s"], m["kind"]))
        return out

    # -- electronic warfare and losses ------------------------------------------------------------
    def _radar_sites(self) -> dict[tuple[str, str], dict[str, Any]]:
        return {
            (str(b.get("id")), str(r.get("id"))): r
            for b in self.scene.get("batteries", [])
            for r in b.get("radars", [])
        }

    def strobes(self) -> list[dict[str, Any]]:
        """Every ``jam_strobe`` event as a line: from the radar's antenna along the strobe's azimuth
        and elevation (its local east-north-up frame) out to the radar's instrumented range
        (``STROBE_DEFAULT_M`` when the scene does not give it). Strobes of radars the scene does not
        place are left out."""
        from samsim.geodesy import LocalFrame
        from samsim.output.details import parse_jam_strobe

        sites = self._radar_sites()
        out = []
        for row in self.event_rows(["jam_strobe"]).to_pylist():
            site = sites.get((str(row.get("battery")), str(row.get("radar"))))
            if site is None:
                continue
            s = parse_jam_strobe(row.get("detail"))
            length = float(site.get("max_range_m") or STROBE_DEFAULT_M)
            az, el = math.radians(s.az_deg), math.radians(s.el_deg)
            direction = np.array([math.sin(az) * math.cos(el), math.cos(az) * math.cos(el), math.sin(el)])
            frame = LocalFrame(float(site["lat_deg"]), float(site["lon_deg"]), float(site["alt_m"]))
            lat, lon, alt = frame.enu_to_geodetic(direction * length)
            out.append(
                {
                    "time_s": round(float(row["time_s"]), 3),
                    "battery": row.get("battery"),
                    "radar": row.get("radar"),
                    "threat": row.get("threat"),
                    "az_deg": s.az_deg,
                    "el_deg": s.el_deg,
                    "jnr_db": s.jnr_db,
                    "from": [site["lat_deg"], site["lon_deg"], site["alt_m"]],
                    "to": [round(float(lat), 6), round(float(lon), 6), round(float(alt), 1)],
                }
            )
        return out

    def radars_destroyed(self) -> list[dict[str, Any]]:
        """Radars destroyed during the run (summary.json ``batteries[].radars[].destroyed_s``), where
        the scene places them."""
        sites = self._radar_sites()
        out = []
        for b in self.summary.get("batteries") or []:
            for r in b.get("radars") or []:
                at = finite(r.get("destroyed_s"))
                site = sites.get((str(b.get("id")), str(r.get("id"))))
                if at is None or site is None:
                    continue
                out.append(
                    {
                        "battery": b.get("id"),
                        "radar": r.get("id"),
                        "type": r.get("type"),
                        "time_s": round(at, 3),
                        "lat_deg": site["lat_deg"],
                        "lon_deg": site["lon_deg"],
                        "alt_m": site["alt_m"],
                    }
                )
        return out

    # -- one entity -------------------------------------------------------------------------------
    def _site(self, entity: str) -> tuple[str, dict[str, Any]] | None:
        for b in self.scene.get("batteries", []):
            if b.get("id") == entity:
                return "battery", b
            for r in b.get("radars", []):
                if f"{b.get('id')}/{r.get('id')}" == entity:
                    return "radar", {**r, "battery": b.get("id")}
        for a in self.scene.get("assets", []):
            if a.get("id") == entity:
                return "asset", a
        return None

    def entity(self, entity: str) -> dict[str, Any] | None:
        """Everything known about one threat, interceptor, track, battery, radar or asset."""
        scene_threat = next((t for t in self.scene.get("threats", []) if t.get("id") == entity), None)
        if entity in self.threats:
            extra = {("category" if k == "kind" else k): v for k, v in (scene_threat or {}).items()}
            info: dict[str, Any] = {**extra, **self.threats[entity], "kind": "threat"}
            tab = self.event_rows(threat=entity)
        elif entity in self.interceptors:
            info = {"kind": "interceptor", **self.interceptors[entity]}
            tab = self.event_rows(interceptor=entity)
        elif self.entity_kind(entity) is not None:
            kind = self.entity_kind(entity)
            info = {"kind": kind, "battery": self._paths[entity][1]}
            tab = self.event_rows(**{"track" if kind == "track" else "interceptor": entity})
        else:
            site = self._site(entity)
            if site is None:
                return None
            kind, data = site
            info = {"kind": kind, **data}
            if kind == "battery":
                tab = self.event_rows(exclude=["detect"], battery=entity)
            elif kind == "radar":
                tab = self.event_rows(battery=str(data["battery"]), radar=str(data["id"]))
            else:
                tab = self.event_rows(kinds=["leak"], detail=f"reached {entity}")
                info["threats"] = [
                    {"id": t["id"], "fate": self.fate_of(str(t["id"]))}
                    for t in self.scene.get("threats", [])
                    if t.get("target") == entity
                ]
        info["id"] = entity
        info.pop("radars", None) if info["kind"] == "battery" else None
        if info["kind"] == "battery":
            info["radars"] = [r.get("id") for r in (self._site(entity) or ("", {}))[1].get("radars", [])]
        detect = tab.filter(pc.equal(tab.column("kind"), "detect")) if tab.num_rows else tab
        other = tab.filter(pc.not_equal(tab.column("kind"), "detect")) if tab.num_rows else tab
        info["detections"] = _detection_digest(detect)
        info["events_total"] = other.num_rows
        info["events"] = [_event_record(r) for r in other.slice(0, 500).to_pylist()]
        p = self.path(entity)
        if p is not None and p.time_s.size:
            info["sampled_from_s"] = round(float(p.time_s[0]), 3)
            info["sampled_to_s"] = round(float(p.time_s[-1]), 3)
            info["max_alt_m"] = round(float(np.nanmax(p.alt_m)), 1)
        return {k: scalar(v) for k, v in info.items()}


def _detection_digest(tab: pa.Table) -> dict[str, Any]:
    if tab.num_rows == 0:
        return {"count": 0, "first_s": None, "last_s": None, "by_radar": {}}
    t = np.asarray(tab.column("time_s").to_numpy(), dtype=np.float64)
    by: dict[str, int] = {}
    if "radar" in tab.column_names:
        for r in tab.column("radar").to_pylist():
            by[str(r)] = by.get(str(r), 0) + 1
    return {
        "count": tab.num_rows,
        "first_s": finite(t.min(), 3),
        "last_s": finite(t.max(), 3),
        "by_radar": by,
    }


def _union_by_time(tabs: list[pa.Table]) -> pa.Table:
    """Rows of several filtered views of one event table, each row once, in time order."""
    tabs = [t for t in tabs if t.num_rows]
    if not tabs:
        return pa.table({"time_s": pa.array([], pa.float64())})
    merged = pa.concat_tables(tabs)
    rows = merged.to_pylist()
    seen: set[tuple[Any, ...]] = set()
    unique = []
    for r in rows:
        key = tuple(r.values())
        if key not in seen:
            seen.add(key)
            unique.append(r)
    unique.sort(key=lambda r: r["time_s"])
    return pa.Table.from_pylist(unique, schema=merged.schema)
