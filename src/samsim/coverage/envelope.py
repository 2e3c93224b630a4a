"""Kinematic engagement envelope of one interceptor: how far it can intercept, by target altitude.

``samsim.coverage.envelope.envelope(spec)`` flies the interceptor's 3-DOF flyout
(:mod:`samsim.models.flyout`: thrust, drag polar with induced drag, lift limits, end-game criterion,
fuze timer) against constant-speed targets flying level along the launcher's vertical plane, with a
perfect radar track refreshed every :data:`TRACK_UPDATE_S`:

* **head-on** -- the target flies straight at the launcher; ``max_range_m`` is the farthest slant
  range from the launcher at which an intercept succeeds (the far edge of the engagement zone) and
  ``launch_range_m`` the target's slant range at launch for that intercept;
* **receding** -- the target flies straight away from the launcher from the moment of launch, the
  manoeuvre of a target that turns tail on warning; ``receding_range_m`` is the farthest intercept
  range and ``no_escape_range_m`` the target's slant range at launch for it: inside that range the
  target cannot outrun the missile by turning away (the no-escape zone, Shneydor 1998, ch. 1;
  Zarchan 2012 ch. "Tactical zones").

An intercept *succeeds* when the flyout ends at its closest approach as an intercept (the end-game
criterion of :func:`samsim.models.flyout.interceptor_params` holds: enough closing speed and
available g) with a miss of at most :data:`HIT_MISS_M`. Each intercept point is aimed at by the time
of flight of a flyout to a stationary point there (:func:`samsim.models.flyout.reach_profile`), as the
command post would plan it. Ranges are searched on a grid of :data:`GRID_FRACTION` of the published
maximum range, refined to a fifth of that step at the far edge.

Nothing here limits the range by the catalog's ``max_range_m``: it is what the envelope is compared
with. ``fuze=False`` replaces the fuze timer by :data:`NO_FUZE_S` to show that the timer does not set
the range.

References
----------
Shneydor N. A., *Missile Guidance and Pursuit*, Horwood, 1998 (collision geometry, capture zones).
Zarchan P., *Tactical and Strategic Missile Guidance*, 6th ed., AIAA, 2012.
Fleeman E. L., *Missile Design and System Engineering*, AIAA, 2012 (flight envelope).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from samsim.arrays import FloatArray
from samsim.catalog import InterceptorSpec
from samsim.constants import G0_MPS2, MEAN_EARTH_RADIUS_M
from samsim.models import flyout
from samsim.output.files import atomic_dir, check_output_folder

__all__ = [
    "DEFAULT_TARGET_SPEED_MPS",
    "ENVELOPE_KIND",
    "Envelope",
    "EnvelopeRow",
    "GRID_FRACTION",
    "HIT_MISS_M",
    "NO_FUZE_S",
    "TRACK_UPDATE_S",
    "check_envelope_folder",
    "default_altitudes_m",
    "envelope",
    "interceptor_row",
    "is_envelope_file",
    "render_envelope",
    "write_envelope",
]

DEFAULT_TARGET_SPEED_MPS = 250.0
"""Target speed of the envelope (a fighter or cruise missile at ~Mach 0.8)."""
NO_FUZE_S = 3_600.0
"""The 'no fuze' timer: longer than any flight, which then ends on energy, the ground or the end game."""
HIT_MISS_M = 5.0
"""Largest closest-approach distance that counts as a hit of the kinematic envelope."""
TRACK_UPDATE_S = 2.0
"""Interval of the perfect radar track's updates (the engagement radar's revisit order)."""
GRID_FRACTION = 0.01
"""Range grid step as a fraction of the published maximum range."""
STEP_S = 0.1
"""Inner integration step of the flyout (the engine's default ``step_s``)."""
_SAMPLE_S = 2.0  # target table interval: level constant-speed flight is straight to < 1 mm over it
_REFINE = 5


@dataclass(frozen=True)
class EnvelopeRow:
    """The envelope at one target altitude (ranges are slant ranges from the launcher; nan = none)."""

    target_alt_m: float
    max_range_m: float
    launch_range_m: float
    time_of_flight_s: float
    receding_range_m: float
    no_escape_range_m: float

    def as_dict(self) -> dict[str, float | None]:
        return {k: (None if math.isnan(v) else round(v, 1)) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class Envelope:
    """A kinematic envelope (:func:`envelope`)."""

    interceptor: str
    published_max_range_m: float
    published_max_altitude_m: float
    target_speed_mps: float
    fuze: bool
    fuze_s: float
    rows: tuple[EnvelopeRow, ...]

    @property
    def max_range_m(self) -> float:
        """Farthest head-on intercept over all altitudes (the emergent maximum range)."""
        ranges = [r.max_range_m for r in self.rows if not math.isnan(r.max_range_m)]
        return max(ranges, default=math.nan)

    def as_json(self) -> dict[str, Any]:
        """The envelope as JSON-ready data."""
        best = self.max_range_m
        return {
            "interceptor": self.interceptor,
            "published_max_range_m": self.published_max_range_m,
            "max_range_m": None if math.isnan(best) else round(best, 1),
            "published_max_altitude_m": self.published_max_altitude_m,
            "target_speed_mps": self.target_speed_mps,
            "fuze": self.fuze,
            "fuze_s": self.fuze_s,
            "rows": [r.as_dict() for r in self.rows],
        }


def interceptor_row(spec: InterceptorSpec, *, fuze: bool = True) -> FloatArray:
    """The flyout parameter row of a catalog interceptor (``fuze=False``: timer :data:`NO_FUZE_S`)."""
    row = flyout.interceptor_params(**spec.flyout, max_accel_mps2=spec.max_g * G0_MPS2)
    if not fuze:
        row[flyout.P_MAX_FLIGHT_S] = NO_FUZE_S
    return row


def default_altitudes_m(max_altitude_m: float) -> FloatArray:
    """0.5, 1, 2, 3 and 5 km, then every 2.5 km up to the published ceiling, which closes the list."""
    low = np.array([500.0, 1_000.0, 2_000.0, 3_000.0, 5_000.0])
    high = np.arange(7_500.0, max_altitude_m, 2_500.0)
    alts = np.concatenate([low[low < max_altitude_m], high, [max_altitude_m]])
    return np.unique(alts)


def _point_m(ground_m: FloatArray, alt_m: FloatArray, re: float) -> FloatArray:
    """Battery-frame points north of the launcher (at the origin, on the sphere of radius ``re``)."""
    ang = ground_m / re
    r = re + alt_m
    return np.stack([np.zeros_like(ang), r * np.sin(ang), r * np.cos(ang) - re], axis=-1)


def _fly(
    row: FloatArray,
    ground_m: FloatArray,
    alt_m: FloatArray,
    tof_s: FloatArray,
    heading: FloatArray,
    speed_mps: float,
) -> tuple[FloatArray, FloatArray]:
    """Intercept and launch slant ranges (nan where the intercept fails) of one flyout per case.

    Case ``k``: an intercept point ``ground_m[k]`` north of the launcher at ``alt_m[k]``, reached after
    the planned ``tof_s[k]`` by a target flying level along the meridian at ``speed_mps`` (``heading``
    +1 away from the launcher, -1 towards it).
    """
    re = MEAN_EARTH_RADIUS_M
    center = np.array([0.0, 0.0, -re])
    n = ground_m.size
    # the target's ground arc: s(t) = s_pip + heading * v * (t - tof) * re / (re + h)
    rate = heading * speed_mps * re / (re + alt_m)
    start = ground_m - rate * tof_s
    t_end = float(np.max(tof_s)) * 1.5 + 60.0
    times = np.arange(0.0, t_end + _SAMPLE_S, _SAMPLE_S)
    arcs = start[:, None] + rate[:, None] * times[None, :]
    table = _point_m(arcs, np.broadcast_to(alt_m[:, None], arcs.shape), re)
    truth = flyout.ThreatTruth(table, np.zeros(n), _SAMPLE_S, np.full(n, np.inf))
    state = flyout.empty_state(n)
    pips = _point_m(ground_m, alt_m, re)
    vel0 = (table[:, 1] - table[:, 0]) / _SAMPLE_S
    for k in range(n):
        flyout.launch(
            state,
            k,
            time_s=0.0,
            position_m=np.zeros(3),
            params=row,
            target=k,
            track_pos_m=table[k, 0],
            track_vel_mps=vel0[k],
            track_time_s=0.0,
            aim_m=pips[k],
            intercept_s=float(tof_s[k]),
            center_enu_m=center,
        )
    t = 0.0
    t_stop = min(row[flyout.P_MAX_FLIGHT_S], t_end) + STEP_S
    while t < t_stop:
        flying = (state.status == flyout.MIDCOURSE) | (state.status == flyout.TERMINAL)
        if not np.any(flying):
            break
        # a perfect track of the true target, refreshed at every radar update
        j = min(int(t / _SAMPLE_S), times.size - 2)
        f = t / _SAMPLE_S - j
        state.track_pos_m[:] = table[:, j] + f * (table[:, j + 1] - table[:, j])
        state.track_vel_mps[:] = (table[:, j + 1] - table[:, j]) / _SAMPLE_S
        state.track_time_s[:] = t
        flyout.advance(state, truth, t, t + TRACK_UPDATE_S, STEP_S, center, re)
        t += TRACK_UPDATE_S
    hit = (state.status == flyout.INTERCEPT) & (state.miss_m <= HIT_MISS_M)
    intercept = np.where(hit, np.linalg.norm(state.pos_m, axis=1), np.nan)
    launch = np.where(hit, np.linalg.norm(table[:, 0], axis=1), np.nan)
    return intercept, launch


def _tof_tables(
    row: FloatArray, alts: FloatArray, top_m: float, step_m: float
) -> list[tuple[FloatArray, FloatArray]]:
    """Time of flight against slant range to stationary points at each altitude, end game ignored
    (where the missile can be, and when: the plan the command post would launch on)."""
    plain = row.copy()
    plain[flyout.P_ENDGAME_MIN_ACCEL_MPS2] = 0.0
    plain[flyout.P_ENDGAME_MIN_CLOSING_MPS] = 0.0
    ground = np.arange(step_m, top_m, step_m)
    out = []
    for h in alts:
        t, r, _ = flyout.reach_profile(plain, target_alt_m=float(h), ground_ranges_m=ground, dt_s=STEP_S)
        out.append((t, r))
    return out


def _far_edge(
    row: FloatArray,
    alts: FloatArray,
    tables: Sequence[tuple[FloatArray, FloatArray]],
    heading: float,
    speed_mps: float,
    step_m: float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Farthest successful intercept per altitude (slant range, launch range, time of flight)."""
    re = MEAN_EARTH_RADIUS_M

    def cases(ground_per_alt: Sequence[FloatArray]) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        g_all, h_all, t_all, idx = [], [], [], []
        for a, (ground, (t_tab, r_tab)) in enumerate(zip(ground_per_alt, tables, strict=True)):
            slant = np.linalg.norm(_point_m(ground, np.full(ground.size, alts[a]), re), axis=1)
            tof = np.interp(slant, r_tab, t_tab, right=np.nan)
            ok = np.isfinite(tof) & (tof > 0.0)
            if heading > 0.0:  # a receding target must be in front of the launcher at launch
                ok &= ground - speed_mps * tof * re / (re + alts[a]) > 0.0
            g_all.append(ground[ok])
            h_all.append(np.full(int(ok.sum()), alts[a]))
            t_all.append(tof[ok])
            idx.append(np.full(int(ok.sum()), a))
        return np.concatenate(g_all), np.concatenate(h_all), np.concatenate(t_all), np.concatenate(idx)

    best_r = np.full(alts.size, np.nan)
    best_l = np.full(alts.size, np.nan)
    best_t = np.full(alts.size, np.nan)
    best_g = np.full(alts.size, np.nan)

    def update(ground_per_alt: Sequence[FloatArray]) -> None:
        g, h, tof, idx = cases(ground_per_alt)
        if g.size == 0:
            return
        rng, lau = _fly(row, g, h, tof, np.full(g.size, heading), speed_mps)
        for k in np.flatnonzero(np.isfinite(rng)):
            a = idx[k]
            if not rng[k] <= best_r[a]:
                best_r[a], best_l[a], best_t[a], best_g[a] = rng[k], lau[k], tof[k], g[k]

    coarse = [np.arange(step_m, float(r_tab[-1]) + step_m, step_m) for _, r_tab in tables]
    update(coarse)
    fine_step = step_m / _REFINE
    update(
        [
            np.arange(1, _REFINE) * fine_step + (best_g[a] if np.isfinite(best_g[a]) else 0.0)
            if np.isfinite(best_g[a])
            else np.zeros(0)
            for a in range(alts.size)
        ]
    )
    return best_r, best_l, best_t


def envelope(
    spec: InterceptorSpec,
    *,
    alt_m: Sequence[float] | None = None,
    target_speed_mps: float = DEFAULT_TARGET_SPEED_MPS,
    fuze: bool = True,
) -> Envelope:
    """The kinematic engagement envelope of a catalog interceptor (see the module notes).

    Parameters
    ----------
    spec
        The interceptor (``samsim.catalog.interceptor(NAME)``).
    alt_m
        Target altitudes above the sphere (default :func:`default_altitudes_m` of the published
        ceiling).
    target_speed_mps
        Speed of the head-on and receding targets.
    fuze
        Keep the catalog's fuze timer; ``False`` replaces it by :data:`NO_FUZE_S`.
    """
    if not (math.isfinite(target_speed_mps) and target_speed_mps >= 0.0):
        raise ValueError(f"target speed must be finite and >= 0 m/s, got {target_speed_mps:g}")
    alts = default_altitudes_m(spec.max_altitude_m) if alt_m is None else np.asarray(alt_m, dtype=np.float64)
    if alts.size == 0 or not np.all(np.isfinite(alts) & (alts >= 0.0)):
        raise ValueError("target altitudes must be finite and >= 0 m")
    row = interceptor_row(spec, fuze=fuze)
    step = GRID_FRACTION * spec.max_range_m
    # no intercept point beyond the ground track of the ideal (rocket-equation) speed for the flight
    top = min(2_000e3, 4.0 * spec.max_range_m)
    tables = _tof_tables(row, alts, top, step)
    head_r, head_l, head_t = _far_edge(row, alts, tables, -1.0, target_speed_mps, step)
    rec_r, rec_l, _ = _far_edge(row, alts, tables, 1.0, target_speed_mps, step)
    rows = tuple(
        EnvelopeRow(
            target_alt_m=float(alts[a]),
            max_range_m=float(head_r[a]),
            launch_range_m=float(head_l[a]),
            time_of_flight_s=float(head_t[a]),
            receding_range_m=float(rec_r[a]),
            no_escape_range_m=float(rec_l[a]),
        )
        for a in range(alts.size)
    )
    return Envelope(
        interceptor=spec.key,
        published_max_range_m=spec.max_range_m,
        published_max_altitude_m=spec.max_altitude_m,
        target_speed_mps=float(target_speed_mps),
        fuze=fuze,
        fuze_s=float(row[flyout.P_MAX_FLIGHT_S]),
        rows=rows,
    )


# ---------------------------------------------------------------- files


def _file_stem(name: str) -> str:
    return "envelope_" + re.sub(r"[^A-Za-z0-9_+-]", "_", name)


ENVELOPE_KIND = "samsim envelope"


def is_envelope_file(name: str) -> bool:
    """Whether ``name`` is one of the files :func:`write_envelope` writes."""
    return re.fullmatch(r"envelope_[A-Za-z0-9_+-]+\.(png|json)", name) is not None


def check_envelope_folder(out: str | Path) -> None:
    """Refuse (:class:`~samsim.output.files.OutputFolderError`) an ``out`` that holds anything but
    envelope files, before anything is computed."""
    check_output_folder(Path(out), ENVELOPE_KIND, is_envelope_file)


def render_envelope(env: Envelope, path: Path) -> None:
    """Range-altitude picture of the envelope: head-on and receding far edges, the no-escape zone and
    the published maximum range (matplotlib's Agg canvas, no pyplot)."""
    from matplotlib.figure import Figure

    alt_km = np.array([r.target_alt_m for r in env.rows]) / 1000.0
    fig = Figure(figsize=(11.0, 5.6), dpi=100)
    ax = fig.add_axes((0.07, 0.11, 0.62, 0.78))
    series = (
        ("max_range_m", "head-on: farthest intercept", "#d62728", "-"),
        ("launch_range_m", "head-on: target's range at launch", "#f28e2b", "--"),
        ("receding_range_m", "receding: farthest intercept", "#1f5fa8", "-"),
        ("no_escape_range_m", "no-escape zone: receding\ntarget's range at launch", "#2a9d8f", "--"),
    )
    for field, label, colour, style in series:
        km = np.array([getattr(r, field) for r in env.rows]) / 1000.0
        ax.plot(km, alt_km, color=colour, ls=style, lw=1.8, marker="o", ms=3, label=label)
    ax.fill_betweenx(
        alt_km,
        0.0,
        np.nan_to_num(np.array([r.no_escape_range_m for r in env.rows]) / 1000.0),
        color="#2a9d8f",
        alpha=0.15,
    )
    ax.axvline(
        env.published_max_range_m / 1000.0, color="black", ls=":", lw=1.2, label="published maximum range"
    )
    ax.axhline(env.published_max_altitude_m / 1000.0, color="0.5", ls=":", lw=1.0, label="published ceiling")
    ax.set_xlabel("slant range from the launcher, km")
    ax.set_ylabel("target altitude, km")
    ax.set_xlim(left=0.0)
    ax.set_ylim(bottom=0.0)
    ax.grid(True, lw=0.4, alpha=0.5)
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8, frameon=False)
    fuze = f"fuze timer {env.fuze_s:g} s" if env.fuze else "no fuze timer"
    ax.set_title(
        f"{env.interceptor}: kinematic envelope against a {env.target_speed_mps:g} m/s target ({fuze})",
        fontsize=11,
    )
    fig.savefig(path)


def write_envelope(env: Envelope, out: str | Path) -> list[Path]:
    """Write ``envelope_<NAME>.png`` and ``envelope_<NAME>.json`` into ``out`` (replaced atomically;
    a folder holding anything else is refused)."""
    import json

    out_path = Path(out)
    stem = _file_stem(env.interceptor)
    names = [f"{stem}.png", f"{stem}.json"]
    with atomic_dir(out_path, kind=ENVELOPE_KIND, owns=is_envelope_file) as tmp:
        render_envelope(env, tmp / names[0])
        (tmp / names[1]).write_text(json.dumps(env.as_json(), indent=1) + "\n", encoding="utf-8")
    return [out_path / n for n in names]
