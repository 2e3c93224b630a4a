"""Sensor scans evaluated lazily, a window of simulated time at a time, just ahead of the engine's loop.

Whether a radar detects a threat at a scan depends on geometry, the target, the radar and the jammers
still radiating, not on what the batteries decide, so scans are evaluated vectorised over scans ×
threats (:mod:`samsim.sim.sensing`) ahead of the loop that consumes them. Evaluating every scan of the
whole run at once made memory grow with radars × threats × simulated time (24 batteries against 1500
threats over two hours passed 11 GB), and it could not know which jammers the fight had shot down.
So the scan *times* of every sensor are drawn up front (they make the engine's schedule), and its
scans are evaluated one window of ``WINDOW_S`` of simulated time at a time, when the loop reaches the
first scan of the window that it consumes; a window is freed once the loop is past its end and the
link latency that brings its scans to a command post.

**A jammer shot down stops jamming at its kill time.** Kills are known to the loop before it visits
any later instant, and a window is evaluated only with every kill before its first scan known (a
threat killed is in none of its looks, neither its echo nor its noise nor its repeater's copies).
When a jammer or a repeater jammer dies while a window is open, the scans of that window after the
kill are evaluated again, with the kill known, the next time the loop asks for one of them.

**Random streams.** Each sensor has three seed sequences spawned from the run's (echo, deception,
strobes, as before windowing), so adding a radar never changes what the others see. Its scan times
are drawn from the echo sequence's own generator (the first scan's phase); window ``w`` draws its
echoes from the child sequence of the echo sequence with spawn key ``(w, r)``, its repeater copies
from the deception sequence's child ``(w, r)`` (``r`` = 0 for the first evaluation, 1, 2, ... each
time the rest of the window is evaluated again after a jammer died) and its strobes from the strobe
sequence's child ``(w,)``. Every draw therefore follows from the seed, the window index and the kills
of the run (themselves drawn from the seed), never from the order in which the loop visits sensors or
from any other sensor. A different ``WINDOW_S`` gives other draws of the same statistics.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from samsim.arrays import FloatArray, IntArray
from samsim.sim.deception import DeceptionCounts, apply_deception, deceivers
from samsim.sim.jamming import jammers_of
from samsim.sim.sensing import RadarScans, radar_scan_times
from samsim.sim.sensors import scan_sensor
from samsim.sim.strobes import StrobeScans, empty_strobes, scan_strobes
from samsim.sim.world import World

WINDOW_S = 60.0
"""Simulated time per window of scans. A window holds every look of its scans at every threat in the
air: a minute is six revisits of a 10 s surveillance radar, enough that the fixed cost of a window
(a few random streams and NumPy calls, about 0.1 ms) is small beside its vectorised work, while its
memory stays that of one minute of looks (at 200 threats in the air and a 2 s revisit, 6000 looks:
well under 1 MB per radar). Re-evaluating the rest of a window after a jammer dies costs at most one
window more."""


def _child(seq: np.random.SeedSequence, *key: int) -> np.random.Generator:
    """The generator of ``seq``'s child with spawn key suffix ``key`` (its draws depend on nothing else)."""
    return np.random.default_rng(
        np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, *key), pool_size=seq.pool_size)
    )


def head(rs: RadarScans, n: int) -> RadarScans:
    """The first ``n`` scans of ``rs``."""
    rows = int(rs.offsets[n])
    return replace(
        rs,
        time_s=rs.time_s[:n],
        offsets=rs.offsets[: n + 1],
        truth=rs.truth[:rows],
        z_enu_m=rs.z_enu_m[:rows],
        r_enu_m2=rs.r_enu_m2[:rows],
        range_m=rs.range_m[:rows],
        snr_db=rs.snr_db[:rows],
    )


def concatenate(parts: list[RadarScans], like: RadarScans) -> RadarScans:
    """Consecutive scans of one sensor as one :class:`RadarScans` (``like`` gives its identity)."""
    if not parts:
        return head(like, 0)
    rows = np.cumsum([0] + [int(p.offsets[-1]) for p in parts[:-1]])
    return replace(
        like,
        time_s=np.concatenate([p.time_s for p in parts]),
        offsets=np.concatenate([[0]] + [p.offsets[1:] + r for p, r in zip(parts, rows, strict=True)]).astype(
            np.int64
        ),
        truth=np.concatenate([p.truth for p in parts]),
        z_enu_m=np.concatenate([p.z_enu_m for p in parts]).reshape(-1, 3),
        r_enu_m2=np.concatenate([p.r_enu_m2 for p in parts]).reshape(-1, 3, 3),
        range_m=np.concatenate([p.range_m for p in parts]),
        snr_db=np.concatenate([p.snr_db for p in parts]),
    )


@dataclass
class _Segment:
    """Scans ``first, first + 1, ...`` of a sensor as evaluated once."""

    first: int
    scans: RadarScans


@dataclass
class _Window:
    segments: list[_Segment] = field(default_factory=list)
    revision: int = 0
    stale_from: int | None = None  # scans from this index on were evaluated with a jammer now dead
    strobes: StrobeScans | None = None
    strobes_first: int = 0


@dataclass
class _Sensor:
    battery: int
    radar: int
    time_s: FloatArray
    window_of: list[int]  # window index of each scan (a list: read one scan at a time)
    bounds: IntArray  # first scan of each window, and one past the last
    keep_s: float  # how long after a window's end its scans may still be asked for (link latency)
    seqs: tuple[np.random.SeedSequence, np.random.SeedSequence, np.random.SeedSequence]
    windows: dict[int, _Window] = field(default_factory=dict)
    released: int = 0  # windows before this one are freed
    counts: list[DeceptionCounts] = field(default_factory=list)
    kept: list[RadarScans] = field(default_factory=list)  # with keep: the scans of freed windows


class ScanWindows:
    """Every sensor's scans of one replication, evaluated a window at a time as the loop asks.

    Parameters
    ----------
    world : the compiled run.
    sensors : ``(battery, radar)`` of each sensor, in the order of ``seqs``.
    seqs : each sensor's (echo, deception, strobe) seed sequences.
    killed_s : when each threat was killed (``inf``: not yet); the engine's own array, read at each
        evaluation.
    keep_s : per sensor, how long after a window's end its scans may still be asked for.
    keep : keep every scan for :meth:`all_scans` instead of freeing consumed windows.
    """

    def __init__(
        self,
        world: World,
        sensors: list[tuple[int, int]],
        seqs: list[tuple[np.random.SeedSequence, np.random.SeedSequence, np.random.SeedSequence]],
        killed_s: FloatArray,
        keep_s: list[float],
        *,
        keep: bool = False,
    ):
        self.world = world
        self.killed_s = killed_s
        self.keep = keep
        self.emitters = set(jammers_of(world).tolist()) | set(deceivers(world))
        # Without a repeater jammer in the run deception changes no scan and draws nothing: its stream
        # is then not even made (a seed sequence's hashing costs as much as a small window's NumPy).
        self.deceiving = bool(deceivers(world))
        # Strobes come from jammers only: without one no scan has any, and none are evaluated
        # until asked for (:meth:`strobes`).
        self.jamming = bool(jammers_of(world).size)
        n_windows = int(world.duration_s // WINDOW_S) + 1
        edges = WINDOW_S * np.arange(n_windows + 1)
        self.sensors: list[_Sensor] = []
        for (b, k), seq, keep_k in zip(sensors, seqs, keep_s, strict=True):
            times = radar_scan_times(world, b, k, np.random.default_rng(seq[0]))
            bounds = np.searchsorted(times, edges, side="left").astype(np.int64)
            bounds[-1] = times.size
            window_of = np.repeat(np.arange(n_windows), np.diff(bounds)).tolist()
            self.sensors.append(_Sensor(b, k, times, window_of, bounds, keep_k, seq))

    def time_s(self, j: int) -> FloatArray:
        """Every scan time of sensor ``j``."""
        return self.sensors[j].time_s

    def scan(self, j: int, k: int, t: float) -> tuple[RadarScans, int]:
        """Scan ``k`` of sensor ``j``, asked for at loop time ``t``: the evaluated scans holding it and
        its index among them."""
        s = self.sensors[j]
        w = s.window_of[k]
        win = s.windows.get(w)
        if win is None:
            assert w >= s.released, "a freed window of scans was asked for again"
            self._release(s, t)
            win = s.windows[w] = _Window()
            self._evaluate(s, w, win, k)
            win.strobes_first = k
            if self.jamming:
                self._evaluate_strobes(s, w, win)
        elif win.stale_from is not None and k >= win.stale_from:
            self._evaluate(s, w, win, k)
        segments = win.segments
        seg = segments[-1]
        if seg.first > k:  # held by an earlier evaluation's scans (rarely: the last one mostly)
            seg = next((g for g in reversed(segments) if g.first <= k), seg)
            assert seg.first <= k, "a scan before the first one evaluated in its window was asked for"
        return seg.scans, k - seg.first

    def strobes(self, j: int, k: int) -> tuple[StrobeScans, int]:
        """The strobes of scan ``k`` of sensor ``j`` (after :meth:`scan` of it): the evaluated strobe
        scans holding it and its index among them."""
        s = self.sensors[j]
        w = s.window_of[k]
        win = s.windows[w]
        if win.strobes is None:  # no jammer in the run: none evaluated until now
            self._evaluate_strobes(s, w, win)
        assert win.strobes is not None and k >= win.strobes_first
        return win.strobes, k - win.strobes_first

    def _evaluate_strobes(self, s: _Sensor, w: int, win: _Window) -> None:
        """The strobes of window ``w``'s scans from the first one asked for (its own draws)."""
        win.strobes = scan_strobes(
            self.world,
            s.battery,
            s.radar,
            s.time_s[win.strobes_first : s.bounds[w + 1]],
            _child(s.seqs[2], w),
        )

    def empty_strobes(self, j: int) -> StrobeScans:
        """Sensor ``j``'s strobe scans of no scan (its identity, for the passive network)."""
        s = self.sensors[j]
        return empty_strobes(self.world, s.battery, s.radar)

    def killed(self, threat: int, t: float) -> None:
        """Threat ``threat`` was killed at ``t``: if it jammed, the open windows' scans after ``t`` are
        stale and are evaluated again when asked for."""
        if threat not in self.emitters:
            return
        for s in self.sensors:
            for w, win in s.windows.items():
                lo, hi = int(s.bounds[w]), int(s.bounds[w + 1])
                after = lo + int(np.searchsorted(s.time_s[lo:hi], t, side="right"))
                if after < hi:
                    win.stale_from = after if win.stale_from is None else min(win.stale_from, after)

    def deception_counts(self) -> list[DeceptionCounts]:
        """Per sensor, what deception did to its scans evaluated so far (a window's rest evaluated
        again after a jammer died counts again)."""
        return [
            DeceptionCounts(
                sum(c.detections for c in s.counts),
                sum(c.seduced for c in s.counts),
                sum(c.false_targets for c in s.counts),
            )
            for s in self.sensors
        ]

    def all_scans(self) -> list[RadarScans]:
        """Every scan evaluated, per sensor, in time order (needs ``keep``)."""
        assert self.keep, "scans are freed as the run goes unless kept"
        out = []
        for j, s in enumerate(self.sensors):
            parts = list(s.kept)
            for w in sorted(s.windows):
                parts += [g.scans for g in s.windows[w].segments]
            like = self.scan_identity(j)
            out.append(concatenate(parts, like))
        return out

    def scan_identity(self, j: int) -> RadarScans:
        """Sensor ``j``'s scans of no scan (built directly: no scan to evaluate, no stream to draw)."""
        s = self.sensors[j]
        return RadarScans(
            battery=s.battery,
            radar=s.radar,
            radar_id=self.world.batteries[s.battery].radars.ids[s.radar],
            time_s=np.zeros(0),
            offsets=np.zeros(1, dtype=np.int64),
            truth=np.zeros(0, dtype=np.int64),
            z_enu_m=np.zeros((0, 3)),
            r_enu_m2=np.zeros((0, 3, 3)),
            range_m=np.zeros(0),
            snr_db=np.zeros(0),
        )

    # -----------------------------------------------------------------------------------------
    def _evaluate(self, s: _Sensor, w: int, win: _Window, start: int) -> None:
        """Evaluate scans ``start`` to the end of window ``w`` with the kills known now."""
        stop = int(s.bounds[w + 1])
        r = win.revision
        win.revision += 1
        rs = scan_sensor(
            self.world, s.battery, s.radar, s.time_s[start:stop], _child(s.seqs[0], w, r), self.killed_s
        )
        if self.deceiving:
            rs, counts = apply_deception(self.world, rs, _child(s.seqs[1], w, r), self.killed_s)
        else:
            counts = DeceptionCounts(0, 0, 0)  # what apply_deception returns without a deceiver
        s.counts.append(counts)
        kept = []
        for g in win.segments:  # the earlier evaluation keeps the scans before ``start``
            if g.first < start:
                kept.append(_Segment(g.first, head(g.scans, min(start - g.first, g.scans.time_s.size))))
        win.segments = [*kept, _Segment(start, rs)]
        win.stale_from = None

    def _release(self, s: _Sensor, t: float) -> None:
        """Free the windows the loop can no longer ask for."""
        for w in sorted(s.windows):
            if WINDOW_S * (w + 1) + s.keep_s >= t:
                break
            win = s.windows.pop(w)
            if self.keep:
                s.kept += [g.scans for g in win.segments]
            s.released = w + 1
