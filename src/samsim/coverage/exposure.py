"""Exposure: what each radar of a scenario learns about each aircraft over one run.

One run of the engine (the scenario's seed, or ``seed``), then, per aircraft and per radar:

* ``detected_s`` — how long the aircraft was *detected*: each detection at scan time ``t`` holds until
  the radar's next look, ``[t, t + revisit_s)``, clipped to the aircraft's time in the air; the measure
  of the union of those intervals. A radar that sees the aircraft on every look detects it for the
  whole time it is in view; one that sees it on one look in ten, for a tenth of it.
* ``tracked_s`` — the part of ``detected_s`` during which the radar's battery held a firm track on
  the aircraft (from its ``track_confirm`` to its ``track_drop`` events): the time this radar fed a
  firm track;
* ``aspect_coverage`` — the fraction of the 36 ten-degree aspect bins about the airframe (0-360°,
  0 = nose-on, 90 = from the right; :func:`samsim.models.signature.body_angles_deg`) with at least one
  detection: which sides of the aircraft the radar illuminated *and got a return from*;
* one row per detection (time, aspect, elevation, range, SNR, and the RCS the command post estimates
  from that SNR, :meth:`samsim.sim.command_post.BatteryRuntime.measurement_log_rcs`), for the
  aspect-elevation coverage and the RCS samples per bin.

Aspects are the true ones (the geometry the radar saw), not estimates a radar could make; the RCS
column is what a site could compute from its own measurements.

With ``runs`` > 1 the scenario is run ``runs`` times, run *i* from the *i*-th child of
``numpy.random.SeedSequence(seed)`` as in ``samsim mc`` (so run *i* is ``samsim run --seed S --run i``);
the per-detection rows and single-run figures are those of run 0, and each aircraft and radar gains the
mean and the 5-95 % interval (empirical percentiles, linear interpolation; Hyndman and Fan 1996,
definition 7) of ``detected_s``, ``tracked_s`` and ``aspect_coverage`` over the runs: how much of what
a site learns is luck of the draw (fluctuating RCS, detection per look, false alarms) rather than
geometry.

References
----------
R. J. Hyndman and Y. Fan, "Sample quantiles in statistical packages", The American Statistician 50(4),
1996, pp. 361-365.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pyarrow as pa

from samsim.arrays import BoolArray, FloatArray
from samsim.models.signature import band_of_frequency
from samsim.scenario import Scenario
from samsim.sim.engine import Engine
from samsim.sim.signatures import body_angles
from samsim.sim.world import World, compile_world, positions_ecef

ASPECT_BINS = 36
"""Aspect bins about the airframe (10° each)."""

DETECTION_COLUMNS = (
    "time_s",
    "aircraft",
    "type",
    "battery",
    "radar",
    "band",
    "aspect_deg",
    "elevation_deg",
    "range_m",
    "snr_db",
    "rcs_m2",
)


SPREAD_FIELDS = ("detected_s", "tracked_s", "aspect_coverage")
"""The exposure figures summarised over Monte Carlo runs."""


@dataclass(frozen=True)
class Spread:
    """A figure over runs: its mean and its 5 % and 95 % empirical percentiles."""

    mean: float
    p5: float
    p95: float

    def as_dict(self, digits: int) -> dict[str, float]:
        return {
            "mean": round(self.mean, digits),
            "p5": round(self.p5, digits),
            "p95": round(self.p95, digits),
        }


def spread(values: Sequence[float] | FloatArray) -> Spread:
    """Mean and 5-95 % interval of ``values`` (percentiles with linear interpolation between order
    statistics, Hyndman and Fan 1996, definition 7)."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        raise ValueError("spread of no values")
    p5, p95 = np.percentile(v, [5.0, 95.0])
    return Spread(float(v.mean()), float(p5), float(p95))


@dataclass(frozen=True)
class RadarExposure:
    battery: str
    radar: str
    band: str
    detections: int
    detected_s: float
    tracked_s: float
    aspect_coverage: float
    aspect_bins: tuple[bool, ...]
    over_runs: dict[str, Spread] = field(default_factory=dict)
    """With several runs: per figure of :data:`SPREAD_FIELDS`, its spread over them; else empty."""


@dataclass(frozen=True)
class AircraftExposure:
    id: str
    type: str
    radars: list[RadarExposure]


@dataclass(frozen=True)
class ExposureResult:
    """Per aircraft, per radar; ``detections`` one row per detection (:data:`DETECTION_COLUMNS`)."""

    scenario: str
    seed: int
    duration_s: float
    aircraft: list[AircraftExposure]
    detections: pa.Table
    runs: int = 1
    """Monte Carlo runs; with more than one, ``detections`` and the single-run figures are run 0's."""

    def as_dict(self) -> dict[str, object]:
        """exposure.json: ``{"aircraft": [{"id", "type", "radars": [{battery, radar, band, detected_s,
        tracked_s, aspect_coverage, detections}]}]}`` plus the run's scenario, seed and duration; with
        several runs also ``runs``, ``run`` (0: the run the single-run figures come from) and per radar
        ``over_runs: {detected_s|tracked_s|aspect_coverage: {mean, p5, p95}}``."""
        several = {"runs": self.runs, "run": 0} if self.runs > 1 else {}
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            **several,
            "duration_s": self.duration_s,
            "aspect_bins": ASPECT_BINS,
            "aircraft": [
                {
                    "id": a.id,
                    "type": a.type,
                    "radars": [
                        {
                            "battery": r.battery,
                            "radar": r.radar,
                            "band": r.band,
                            "detections": r.detections,
                            "detected_s": round(r.detected_s, 3),
                            "tracked_s": round(r.tracked_s, 3),
                            "aspect_coverage": round(r.aspect_coverage, 4),
                            **(
                                {
                                    "over_runs": {
                                        k: r.over_runs[k].as_dict(4 if k == "aspect_coverage" else 3)
                                        for k in SPREAD_FIELDS
                                    }
                                }
                                if r.over_runs
                                else {}
                            ),
                        }
                        for r in a.radars
                    ],
                }
                for a in self.aircraft
            ],
        }


# ---------------------------------------------------------------------------------------------
# Pure pieces


def aspect_bins(aspect_deg: FloatArray, bins: int = ASPECT_BINS) -> BoolArray:
    """Which of ``bins`` equal aspect bins over [0°, 360°) hold at least one of ``aspect_deg``."""
    a = np.asarray(aspect_deg, dtype=np.float64) % 360.0
    k = np.minimum((a / (360.0 / bins)).astype(np.int64), bins - 1)
    out = np.zeros(bins, dtype=bool)
    out[k] = True
    return out


def union(intervals: FloatArray) -> FloatArray:
    """The union of ``(n, 2)`` half-open intervals ``[start, end)`` as sorted disjoint intervals."""
    iv = np.asarray(intervals, dtype=np.float64).reshape(-1, 2)
    iv = iv[iv[:, 1] > iv[:, 0]]
    if iv.shape[0] == 0:
        return np.zeros((0, 2))
    iv = iv[np.argsort(iv[:, 0], kind="stable")]
    out = [iv[0].copy()]
    for s, e in iv[1:]:
        if s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append(np.array([s, e]))
    return np.array(out)


def measure_s(intervals: FloatArray) -> float:
    """Total length of the union of ``intervals``."""
    u = union(intervals)
    return float(np.sum(u[:, 1] - u[:, 0]))


def overlap_s(a: FloatArray, b: FloatArray) -> float:
    """Length of the intersection of the unions of ``a`` and ``b``."""
    ua, ub = union(a), union(b)
    total = 0.0
    for s, e in ua:
        total += float(np.sum(np.clip(np.minimum(e, ub[:, 1]) - np.maximum(s, ub[:, 0]), 0.0, None)))
    return total


def detection_intervals(time_s: FloatArray, revisit_s: float, end_s: float) -> FloatArray:
    """Each detection holds until the radar's next look, clipped at ``end_s``: ``(n, 2)`` intervals."""
    t = np.asarray(time_s, dtype=np.float64)
    return np.column_stack([t, np.minimum(t + revisit_s, end_s)])


# ---------------------------------------------------------------------------------------------
# The run


def _firm_intervals(result_events: pa.Table, battery: str, threat: str, end_s: float) -> FloatArray:
    """When ``battery`` held a firm track on ``threat``: each track's confirm to its drop (or ``end_s``)."""
    ev = result_events.to_pydict()
    opened: dict[str, float] = {}
    out: list[tuple[float, float]] = []
    for t, kind, bat, thr, track in zip(
        ev["time_s"], ev["kind"], ev["battery"], ev["threat"], ev["track"], strict=True
    ):
        if bat != battery or track is None:
            continue
        if kind == "track_confirm" and thr == threat:
            opened[track] = float(t)
        elif kind == "track_drop" and track in opened:
            out.append((opened.pop(track), float(t)))
    out += [(s, end_s) for s in opened.values()]
    return np.array(out, dtype=np.float64).reshape(-1, 2)


def selected_threats(world: World, types: Sequence[str] | None) -> list[int]:
    """Threat indices to report: the given types, or every aircraft."""
    th = world.threats
    if types:
        return [i for i, t in enumerate(th.types) if t in set(types)]
    return [i for i, k in enumerate(th.kind) if k == "aircraft"]


def exposure(
    scenario: Scenario,
    *,
    threats: Sequence[str] | None = None,
    seed: int | None = None,
    runs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> ExposureResult:
    """Run ``scenario`` once (or ``runs`` times, seeded as ``samsim mc``) and measure what each radar
    observed of each selected aircraft. ``progress(done, runs)`` is called after each run."""
    if runs < 1:
        raise ValueError(f"runs must be >= 1, got {runs}")
    world = compile_world(scenario)
    seed = scenario.seed if seed is None else int(seed)
    chosen = selected_threats(world, threats)
    first: ExposureResult | None = None
    values: dict[tuple[str, str, str], list[tuple[float, float, float]]] = {}
    for run in range(runs):
        one = _one_run(world, seed, None if runs == 1 else run, chosen)
        if first is None:
            first = one
        for a in one.aircraft:
            for r in a.radars:
                key = (a.id, r.battery, r.radar)
                values.setdefault(key, []).append((r.detected_s, r.tracked_s, r.aspect_coverage))
        if progress is not None:
            progress(run + 1, runs)
    assert first is not None
    if runs == 1:
        return first

    def with_spread(aircraft: str, r: RadarExposure) -> RadarExposure:
        per_run = np.asarray(values[(aircraft, r.battery, r.radar)], dtype=np.float64)
        assert per_run.shape[0] == runs  # every run measures every radar of every chosen aircraft
        return replace(r, over_runs={k: spread(per_run[:, j]) for j, k in enumerate(SPREAD_FIELDS)})

    aircraft = [replace(a, radars=[with_spread(a.id, r) for r in a.radars]) for a in first.aircraft]
    return replace(first, aircraft=aircraft, runs=runs)


def _one_run(world: World, seed: int, run: int | None, chosen: list[int]) -> ExposureResult:
    """One run of ``world`` (run ``run`` of a study with ``seed``, or the plain seeded run) measured."""
    engine = Engine(world, seed, run, trajectories=False, keep_scans=True)
    result = engine.run()
    th = world.threats
    # The aircraft's time in the air: until it ends, leaks or is killed.
    gone_s = np.minimum(np.minimum(th.end_s, th.leak_s), engine.killed_s)
    gone_s = np.minimum(gone_s, world.duration_s)
    per: dict[int, list[RadarExposure]] = {i: [] for i in chosen}
    columns: dict[str, list[object]] = {c: [] for c in DETECTION_COLUMNS}
    for rs in engine.scans:
        bat = world.batteries[rs.battery]
        spec = bat.radars.specs[rs.radar]
        band = band_of_frequency(spec.frequency_ghz)
        scan_of_row = np.repeat(np.arange(rs.time_s.size), np.diff(rs.offsets))
        row_t = rs.time_s[scan_of_row]
        runtime = engine.batteries[rs.battery]
        for i in chosen:
            rows = np.flatnonzero((rs.truth == i) & (row_t < gone_s[i]))
            t = row_t[rows]
            idx = np.full(rows.size, i, dtype=np.int64)
            angles = body_angles(th, idx, t, positions_ecef(th, idx, t), bat.radars.ecef_m[rs.radar])
            rcs = np.exp(runtime.measurement_log_rcs(rs.radar, rs.snr_db[rows], rs.range_m[rows])[0])
            covered = aspect_bins(angles.aspect_deg)
            det = detection_intervals(t, spec.revisit_s, float(gone_s[i]))
            firm = _firm_intervals(result.events, bat.id, th.ids[i], float(gone_s[i]))
            per[i].append(
                RadarExposure(
                    battery=bat.id,
                    radar=rs.radar_id,
                    band=band,
                    detections=int(rows.size),
                    detected_s=measure_s(det),
                    tracked_s=overlap_s(det, firm),
                    aspect_coverage=float(covered.mean()) if rows.size else 0.0,
                    aspect_bins=tuple(bool(x) for x in covered) if rows.size else (False,) * ASPECT_BINS,
                )
            )
            n = rows.size
            columns["time_s"] += t.tolist()
            columns["aircraft"] += [th.ids[i]] * n
            columns["type"] += [th.types[i]] * n
            columns["battery"] += [bat.id] * n
            columns["radar"] += [rs.radar_id] * n
            columns["band"] += [band] * n
            columns["aspect_deg"] += angles.aspect_deg.tolist()
            columns["elevation_deg"] += angles.elevation_deg.tolist()
            columns["range_m"] += rs.range_m[rows].tolist()
            columns["snr_db"] += rs.snr_db[rows].tolist()
            columns["rcs_m2"] += rcs.tolist()
    schema = pa.schema(
        [
            (c, pa.string() if c in ("aircraft", "type", "battery", "radar", "band") else pa.float64())
            for c in DETECTION_COLUMNS
        ]
    )
    table = pa.table(columns, schema=schema)
    if table.num_rows:
        table = table.sort_by([("time_s", "ascending"), ("aircraft", "ascending"), ("radar", "ascending")])
    return ExposureResult(
        scenario=world.name,
        seed=seed,
        duration_s=world.duration_s,
        aircraft=[AircraftExposure(id=th.ids[i], type=th.types[i], radars=per[i]) for i in chosen],
        detections=table,
    )
