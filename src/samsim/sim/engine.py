"""The engine: one replication of a compiled world, as a story told in time order.

Threat motion is known in closed form (trajectory tables) and radar scans are evaluated up front
(:mod:`samsim.sim.sensing`), so the loop only visits the times that matter — a radar scan, a command-post
decision cycle — and at each of them: fly the interceptors up to now, hand the scan to the battery's
tracker, and let the command post decide. Components report to one :class:`~samsim.output.result.EventLog`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from samsim.arrays import FloatArray, IntArray
from samsim.constants import MEAN_EARTH_RADIUS_M
from samsim.geodesy import ecef_to_geodetic
from samsim.models import flyout, lethality
from samsim.output.result import EventLog, InterceptorOutcome, Result, ThreatOutcome, TrajectoryLog
from samsim.scenario import Scenario
from samsim.sim import battery as engagement
from samsim.sim.sensing import RadarGeometry, RadarScans, radar_geometry, scan_radar, visible
from samsim.sim.world import TABLE_DT_S, Battery, World, compile_world, positions_ecef
from samsim.tracking import Tracker

OUTPUT_STEP_S = 1.0
"""Sampling interval of trajectories.parquet."""

# Battery tracker settings (documented assumptions; see docs/models.md).
TRACK_Q_M2PS3 = 5.0  # NCV process-noise intensity for aircraft and missiles in cruise
TRACK_Q_MANOEUVRE_M2PS3 = 2000.0  # IMM manoeuvre mode (a few g over a revisit period)
TRACK_GATE = 4.0  # Mahalanobis distance; chi-square 3 d.o.f. beyond 99.5 %
TRACK_CONFIRM_HITS = 3
TRACK_CONFIRM_WINDOW = 5
TRACK_MAX_MISSES = 3
TRACK_INIT_VELOCITY_SIGMA_MPS = 1200.0  # a new track may be a 2 km/s ballistic missile: gate it in
COAST_REVISITS = 2.0  # a firm track not updated for this many of the slowest revisit periods is lost

SCAN, DECIDE = 0, 1


class BatteryRuntime:
    """What a battery's command post holds during a run: its tracker and what each track is."""

    def __init__(self, world: World, index: int):
        self.index = index
        self.battery: Battery = world.batteries[index]
        self.geometry: list[RadarGeometry] = [
            radar_geometry(world, self.battery, k) for k in range(len(self.battery.radars.ids))
        ]
        self.tracker = Tracker(
            ndim=3,
            model="imm",
            q=TRACK_Q_M2PS3,
            q_manoeuvre=TRACK_Q_MANOEUVRE_M2PS3,
            gate=TRACK_GATE,
            confirm_hits=TRACK_CONFIRM_HITS,
            confirm_window=TRACK_CONFIRM_WINDOW,
            max_misses=TRACK_MAX_MISSES,
            init_velocity_sigma_mps=TRACK_INIT_VELOCITY_SIGMA_MPS,
        )
        self.label: dict[int, int] = {}  # track id -> threat index it follows (-1: false track)
        # radar -> track id -> that radar's last four looks at the track (bit 0: latest; 1 = hit)
        self.looks: list[dict[int, int]] = [{} for _ in self.geometry]
        self.coast_max_s = COAST_REVISITS * max(g.spec.revisit_s for g in self.geometry)
        self.horizon_ref_alt_m = world.horizon_ref_alt_m
        # (time, track ids, battery-frame positions, speeds) at each decision cycle
        self.picture: list[tuple[float, IntArray, FloatArray, FloatArray]] = []
        self.arsenal = engagement.build_arsenal(world, self.battery, self.geometry)

    def track_name(self, track_id: int) -> str:
        return f"{self.battery.id}/T{track_id}"

    def predicted_positions(self, time_s: float) -> FloatArray:
        tr = self.tracker
        dt = (time_s - tr.last_update_s)[:, None]
        return np.asarray(tr.mean[:, :3] + tr.mean[:, 3:] * dt, dtype=np.float64)

    def in_view(self, radar: int, time_s: float) -> NDArray[np.bool_]:
        """Tracks whose predicted position is inside this radar's coverage and above its horizon."""
        if self.tracker.ids.size == 0:
            return np.zeros(0, dtype=bool)
        geom = self.geometry[radar]
        pos = self.predicted_positions(time_s)
        horiz2 = pos[:, 0] ** 2 + pos[:, 1] ** 2
        # ENU 'up' drops below the true height by d^2 / 2R away from the origin.
        height = (
            self.battery.frame.alt_m
            + pos[:, 2]
            + horiz2 / (2.0 * MEAN_EARTH_RADIUS_M)
            - self.horizon_ref_alt_m
        )
        mask, _, _, _ = visible(geom, pos - geom.enu_m, height)
        return mask

    def expected(self, radar: int, time_s: float, in_view: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """Tracks a miss by this radar's scan should count against.

        Tentative tracks: whenever the radar has them in view (M-of-N confirmation as usual). Firm
        tracks are fused from radars of very different reach and revisit, so one radar's misses mean
        something only if that radar has been holding the track: in view and detected in at least
        three of its last four looks. Then three misses in a row mean the target is gone (killed,
        masked) and the track ends within a few revisits instead of coasting into a neighbour; a radar
        at the edge of its reach for an unknown RCS, seeing the target now and then, never wears down
        a track another radar holds. A firm track nobody has updated for ``coast_max_s`` counts
        misses from every scan (time-based deletion; Blackman & Popoli 1999, §11.4).
        """
        tr = self.tracker
        if tr.ids.size == 0:
            return np.zeros(0, dtype=bool)
        looks = self.looks[radar]
        held = np.array([_held(looks.get(i, 0)) for i in tr.ids.tolist()], dtype=bool)
        stale = time_s - tr.last_update_s > self.coast_max_s
        return np.asarray((in_view & (~tr.is_confirmed | held)) | stale, dtype=np.bool_)

    def record_looks(
        self, radar: int, ids_before: IntArray, in_view: NDArray[np.bool_], updated: set[int]
    ) -> None:
        """Shift this scan's hit or miss into the radar's look history of each track in its view."""
        looks = self.looks[radar]
        for track_id in ids_before[in_view].tolist():
            looks[track_id] = ((looks.get(track_id, 0) << 1) | (track_id in updated)) & 0b1111
        for track_id in updated:
            if track_id not in looks:  # started by this scan
                looks[track_id] = 1


def _held(bits: int) -> bool:
    """At least three hits in the last four looks."""
    return bin(bits & 0b1111).count("1") >= 3


class Engine:
    """Runs one replication; create one per run."""

    def __init__(self, world: World, seed: int, run: int | None = None, *, trajectories: bool = True):
        self.world = world
        self.record_trajectories = trajectories
        self.seed = int(seed)
        self.run_index = run
        self.events = EventLog()
        threats = world.threats
        self.killed_s = np.full(threats.count, np.inf)
        self.first_detected_s = np.full(threats.count, np.inf)
        self.first_detected_range_m = np.full(threats.count, np.inf)
        self.first_track_s = np.full(threats.count, np.inf)
        self.outcomes = [
            ThreatOutcome(id=tid, type=tt) for tid, tt in zip(threats.ids, threats.types, strict=True)
        ]
        self.interceptors: list[InterceptorOutcome] = []
        self.trajectories = TrajectoryLog()
        self.batteries = [BatteryRuntime(world, b) for b in range(len(world.batteries))]
        # One random stream per radar, spawned in a fixed order from the run's seed.
        streams = iter(
            run_seed_sequence(self.seed, run).spawn(1 + sum(len(b.radars.ids) for b in world.batteries))
        )
        self.rng_c2 = np.random.default_rng(next(streams))
        self.scans: list[RadarScans] = [
            scan_radar(world, b, k, np.random.default_rng(next(streams)))
            for b, battery in enumerate(world.batteries)
            for k in range(len(battery.radars.ids))
        ]

    # -----------------------------------------------------------------------------------------
    def run(self) -> Result:
        """Visit every scan and decision instant in time order, then settle the fates."""
        times, kinds, who, which = self._schedule()
        for t, kind, j, k in zip(times.tolist(), kinds.tolist(), who.tolist(), which.tolist(), strict=True):
            self._fly_to(t)
            if kind == SCAN:
                self._scan(self.scans[j], k, t)
            else:
                self._decide(self.batteries[j], t)
        self._fly_to(self.world.duration_s)
        self._end_flights(self.world.duration_s)
        self._settle_fates()
        if self.record_trajectories:
            self._record_threat_trajectories()
            self._record_track_trajectories()
            self._record_interceptor_trajectories()
        for i, out in enumerate(self.outcomes):
            out.first_detected_s = _finite_or_none(self.first_detected_s[i])
            out.first_detected_range_m = _finite_or_none(self.first_detected_range_m[i])
            out.first_track_s = _finite_or_none(self.first_track_s[i])
        return Result(
            scenario=self.world.name,
            seed=self.seed,
            run=self.run_index,
            duration_s=self.world.duration_s,
            threats=self.outcomes,
            interceptors=self.interceptors,
            events=self.events.table(),
            trajectories=self.trajectories.table(),
            catalog_overrides=[o.as_dict() for o in self.world.catalog.overrides],
        )

    def _schedule(self) -> tuple[FloatArray, IntArray, IntArray, IntArray]:
        """All scan and decision instants, sorted by time (scans before decisions at equal times)."""
        times, kinds, who, which = [], [], [], []
        for j, rs in enumerate(self.scans):
            n = rs.time_s.size
            times.append(rs.time_s)
            kinds.append(np.full(n, SCAN))
            who.append(np.full(n, j))
            which.append(np.arange(n))
        for b, rt in enumerate(self.batteries):
            period = rt.battery.doctrine.decision_period_s
            t = np.arange(period, self.world.duration_s + 1e-9, period)
            times.append(t)
            kinds.append(np.full(t.size, DECIDE))
            who.append(np.full(t.size, b))
            which.append(np.zeros(t.size, dtype=np.int64))
        if not times:  # no batteries: nothing senses or decides
            empty = np.zeros(0, dtype=np.int64)
            return np.zeros(0), empty, empty, empty
        t_all = np.concatenate(times)
        k_all = np.concatenate(kinds).astype(np.int64)
        w_all = np.concatenate(who).astype(np.int64)
        x_all = np.concatenate(which).astype(np.int64)
        order = np.lexsort((x_all, w_all, k_all, t_all))
        return t_all[order], k_all[order], w_all[order], x_all[order]

    # -----------------------------------------------------------------------------------------
    def _scan(self, rs: RadarScans, k: int, t: float) -> None:
        """Hand one radar scan to its battery's tracker."""
        rt = self.batteries[rs.battery]
        rows = slice(int(rs.offsets[k]), int(rs.offsets[k + 1]))
        truth = rs.truth[rows]
        alive = truth < 0
        if self.killed_s.size:
            alive |= self.killed_s[np.maximum(truth, 0)] > t
        if rt.tracker.ids.size == 0 and not np.any(alive):
            return
        truth = truth[alive]
        z = rs.z_enu_m[rows][alive]
        cov = rs.r_enu_m2[rows][alive]
        ids_before = rt.tracker.ids
        in_view = rt.in_view(rs.radar, t)
        res = rt.tracker.step(t, z, cov, rt.expected(rs.radar, t, in_view))
        rt.record_looks(rs.radar, ids_before, in_view, set(res.track_of_measurement.tolist()) - {-1})
        real = truth >= 0
        if np.any(real):
            seen = truth[real]
            new = self.first_detected_s[seen] > t
            self.first_detected_range_m[seen[new]] = rs.range_m[rows][alive][real][new]
            self.first_detected_s[seen] = np.minimum(self.first_detected_s[seen], t)
            ids = self.world.threats.ids
            rng_km = rs.range_m[rows][alive][real] / 1000.0
            self.events.add_many(
                np.full(seen.size, t),
                "detect",
                battery=rt.battery.id,
                radar=rs.radar_id,
                threat=[ids[i] for i in seen],
                detail=[f"range_km={r:.1f}" for r in rng_km],
            )
        firm = set(rt.tracker.ids[rt.tracker.is_confirmed].tolist())
        for track_id, threat in zip(res.track_of_measurement.tolist(), truth.tolist(), strict=True):
            if track_id >= 0:
                if threat >= 0 or track_id not in rt.label:
                    rt.label[track_id] = threat
                if threat >= 0 and track_id in firm:  # a firm track now holding this threat
                    self.first_track_s[threat] = min(self.first_track_s[threat], t)
        engagement.refresh_tracks(rt.arsenal, rt.tracker.ids, rt.tracker.mean, rt.tracker.last_update_s)
        self._track_events(rt, res.confirmed, "track_confirm", t)
        self._track_events(rt, res.dropped_confirmed, "track_drop", t)
        for track_id in res.dropped.tolist():
            rt.label.pop(track_id, None)
            for radar_looks in rt.looks:
                radar_looks.pop(track_id, None)

    def _track_events(self, rt: BatteryRuntime, track_ids: IntArray, kind: str, t: float) -> None:
        for track_id in track_ids.tolist():
            threat = rt.label.get(track_id, -1)
            name = self.world.threats.ids[threat] if threat >= 0 else None
            if kind == "track_confirm":
                rt.arsenal.first_firm_s[track_id] = t
                if threat >= 0:
                    self.first_track_s[threat] = min(self.first_track_s[threat], t)
            self.events.add(
                t,
                kind,
                battery=rt.battery.id,
                threat=name,
                track=rt.track_name(track_id),
                detail=None if threat >= 0 else "false track",
            )

    def _decide(self, rt: BatteryRuntime, t: float) -> None:
        """The command-post cycle: take the firm picture, then evaluate, assign and launch."""
        engagement.sample_flying(rt.arsenal, t)
        tr = rt.tracker
        firm = tr.is_confirmed
        if not np.any(firm):
            return
        ids, mean, last = tr.ids[firm], tr.mean[firm], tr.last_update_s[firm]
        pos = mean[:, :3] + mean[:, 3:] * (t - last)[:, None]
        vel = mean[:, 3:]
        if self.record_trajectories:
            rt.picture.append((t, ids.copy(), pos, np.linalg.norm(vel, axis=1)))
        labels = [rt.label.get(i, -1) for i in ids.tolist()]
        decision = engagement.decide(rt.arsenal, self.world, t, ids, pos, vel, labels, last)
        names = self.world.threats.ids
        for track, value, asset, pk, kinds in decision.assigned:
            threat = rt.label.get(track, -1)
            target = self.world.assets.ids[asset] if asset >= 0 else "none"
            self.events.add(
                t,
                "assign",
                battery=rt.battery.id,
                threat=names[threat] if threat >= 0 else None,
                track=rt.track_name(track),
                detail=f"{kinds}; value={value:.3g}; pk={pk:.2f}; asset={target}",
            )
        for launch in decision.launches:
            meta = launch.meta
            self.events.add(
                t,
                "launch",
                battery=rt.battery.id,
                threat=names[meta.threat] if meta.threat >= 0 else None,
                track=rt.track_name(meta.track),
                interceptor=meta.id,
                detail=f"planned pk={launch.pk:.2f}; pip_range_km={meta.pip_range_m / 1000:.1f}; "
                f"pip_alt_m={meta.pip_alt_m:.0f}",
            )
            if meta.threat >= 0:
                self.outcomes[meta.threat].shots += 1

    # -----------------------------------------------------------------------------------------
    def _fly_to(self, t: float) -> None:
        """Fly every battery's interceptors up to ``t`` and settle the flights that ended, in time order."""
        ended: list[tuple[float, int, int]] = []
        for b, rt in enumerate(self.batteries):
            for slot in engagement.fly(rt.arsenal, t, self.world.step_s):
                ended.append((float(rt.arsenal.state.end_s[slot]), b, slot))
        for end_s, b, slot in sorted(ended):
            self._settle_flight(self.batteries[b], slot, end_s)

    def _settle_flight(self, rt: BatteryRuntime, slot: int, end_s: float, note: str | None = None) -> None:
        ars = rt.arsenal
        meta = ars.meta[slot]
        state = ars.state
        threat = meta.threat
        names = self.world.threats.ids
        target_name = names[threat] if threat >= 0 else None
        miss = float(state.miss_m[slot])
        weapon = engagement.weapon_type(self.world.catalog.interceptor(meta.type))
        common = {
            "battery": rt.battery.id,
            "threat": target_name,
            "track": rt.track_name(meta.track),
            "interceptor": meta.id,
        }
        result = "self-destruct"
        if state.status[slot] == flyout.INTERCEPT and threat >= 0 and self.killed_s[threat] >= end_s:
            miss = float(lethality.terminal_miss_m(miss, weapon.spec.terminal_error_m, self.rng_c2))
            pk = lethality.kill_probability_scalar(miss, weapon.lethal_radius_m, weapon.spec.pk_max)
            self.events.add(end_s, "intercept", **common, detail=f"miss_m={miss:.1f}; pk={pk:.2f}")
            if self.rng_c2.random() < pk:
                result = "kill"
                ars.destroyed.add(meta.track)
                self._kill(threat, end_s, meta.id)
                self.events.add(end_s, "kill", **common, detail=f"miss_m={miss:.1f}")
            else:
                result = "miss"
                self.events.add(end_s, "miss", **common, detail=f"miss_m={miss:.1f}")
        else:
            if note is None:
                note = (
                    "target destroyed"
                    if threat >= 0 and self.killed_s[threat] < end_s
                    else ("flight time exhausted or ground impact")
                )
            self.events.add(end_s, "self_destruct", **common, detail=note)
        eng = ars.engagements.get(meta.track)
        if eng is not None:
            eng.in_flight -= 1
            eng.last_end_s = max(eng.last_end_s, end_s)
        self.interceptors.append(
            InterceptorOutcome(
                id=meta.id,
                type=meta.type,
                battery=rt.battery.id,
                target=target_name if target_name is not None else rt.track_name(meta.track),
                launch_s=meta.launch_s,
                end_s=end_s,
                result=result,
                miss_distance_m=miss if result in ("kill", "miss") else None,
                planned_pk=meta.planned_pk,
                pip_range_m=meta.pip_range_m,
                pip_alt_m=meta.pip_alt_m,
            )
        )

    def _kill(self, threat: int, t: float, by: str) -> None:
        """A threat is destroyed: it leaves every battery's truth and its other interceptors destruct."""
        self.killed_s[threat] = t
        self.outcomes[threat].killed_by = by
        for rt in self.batteries:
            ars = rt.arsenal
            ars.truth.dead_s[threat] = min(ars.truth.dead_s[threat], t)
            chasing = [s for s in ars.flying if ars.meta[s].threat == threat]
            for slot in chasing:
                ars.flying.remove(slot)
                ars.state.status[slot] = flyout.SELF_DESTRUCT
                ars.state.end_s[slot] = t
                self._settle_flight(rt, slot, t, note="target destroyed")

    def _end_flights(self, t: float) -> None:
        """Interceptors still flying when the scenario ends are destroyed then."""
        for rt in self.batteries:
            ars = rt.arsenal
            for slot in list(ars.flying):
                ars.flying.remove(slot)
                ars.state.status[slot] = flyout.SELF_DESTRUCT
                ars.state.end_s[slot] = t
                self._settle_flight(rt, slot, t, note="scenario ended")

    def _record_interceptor_trajectories(self) -> None:
        """Interceptors at each decision cycle of their battery, plus launch and end points."""
        for rt in self.batteries:
            ars = rt.arsenal
            if not ars.meta:
                continue
            times = [t for t, slots, _, _ in ars.samples for _ in range(slots.size)]
            slots = [int(x) for _, sl, _, _ in ars.samples for x in sl.tolist()]
            pos = [p for _, _, ps, _ in ars.samples for p in ps]
            speed = [v for _, _, _, vs in ars.samples for v in vs.tolist()]
            for slot, meta in enumerate(ars.meta):
                times.append(meta.launch_s)
                slots.append(slot)
                pos.append(ars.launch_pos_m[slot])
                speed.append(0.0)
                end = float(ars.state.end_s[slot])
                if np.isfinite(end):
                    times.append(end)
                    slots.append(slot)
                    pos.append(ars.state.pos_m[slot].copy())
                    speed.append(float(np.linalg.norm(ars.state.vel_mps[slot])))
            order = np.lexsort((np.array(times), np.array(slots)))
            t_arr = np.array(times)[order]
            p_arr = np.array(pos)[order]
            enu = self.world.frame.ecef_to_enu(rt.battery.frame.enu_to_ecef(p_arr))
            lat, lon, alt = self.world.frame.enu_to_geodetic(enu)
            self.trajectories.add(
                time_s=t_arr,
                entity=[ars.meta[slots[i]].id for i in order.tolist()],
                kind="interceptor",
                battery=rt.battery.id,
                enu_m=enu,
                lat_deg=lat,
                lon_deg=lon,
                alt_m=alt,
                speed_mps=np.array(speed)[order],
            )

    def _record_track_trajectories(self) -> None:
        """Tracks as each battery saw them at its decision cycles, converted in one pass."""
        for rt in self.batteries:
            if not rt.picture:
                continue
            times = np.concatenate([np.full(ids.size, t) for t, ids, _, _ in rt.picture])
            names = [rt.track_name(i) for _, ids, _, _ in rt.picture for i in ids.tolist()]
            pos = np.concatenate([p for _, _, p, _ in rt.picture])
            speed = np.concatenate([v for _, _, _, v in rt.picture])
            enu = self.world.frame.ecef_to_enu(rt.battery.frame.enu_to_ecef(pos))
            lat, lon, alt = self.world.frame.enu_to_geodetic(enu)
            self.trajectories.add(
                time_s=times,
                entity=names,
                kind="track",
                battery=rt.battery.id,
                enu_m=enu,
                lat_deg=lat,
                lon_deg=lon,
                alt_m=alt,
                speed_mps=speed,
            )

    # -----------------------------------------------------------------------------------------
    def _settle_fates(self) -> None:
        """Each threat ends killed, leaked or survived: whichever of kill and leak came first."""
        threats = self.world.threats
        duration = self.world.duration_s
        for i, out in enumerate(self.outcomes):
            kill = self.killed_s[i]
            leak = threats.leak_s[i]
            if kill <= duration and kill <= leak:
                out.fate, out.fate_s = "killed", float(kill)
            elif leak <= duration:
                out.fate, out.fate_s = "leaked", float(leak)
                asset = self.world.assets.ids[threats.target_asset[i]]
                self.events.add(leak, "leak", threat=out.id, detail=f"reached {asset}")
            else:
                out.fate, out.fate_s = "survived", None

    def _end_s(self) -> FloatArray:
        """When each threat stops existing in the simulation."""
        t = self.world.threats
        fate_s = np.array([o.fate_s if o.fate_s is not None else np.inf for o in self.outcomes])
        return np.asarray(np.minimum(np.minimum(t.end_s, fate_s), self.world.duration_s), dtype=np.float64)

    def _record_threat_trajectories(self) -> None:
        t = self.world.threats
        stride = max(int(round(OUTPUT_STEP_S / TABLE_DT_S)), 1)
        end_s = self._end_s()
        for i in range(t.count):
            times = t.table_t0_s[i] + np.arange(0, int(t.table_n[i]), stride) * TABLE_DT_S
            times = times[times <= end_s[i] + 1e-9]
            if end_s[i] > t.start_s[i] and (times.size == 0 or times[-1] < end_s[i] - 1e-6):
                times = np.append(times, end_s[i])
            if times.size == 0:
                continue
            ecef = positions_ecef(t, np.full(times.size, i), times)
            self._add_path_rows(times, t.ids[i], "threat", None, ecef)

    def _add_path_rows(
        self, times: FloatArray, entity: str, kind: str, battery: str | None, ecef: FloatArray
    ) -> None:
        frame = self.world.frame
        enu = frame.ecef_to_enu(ecef)
        lat, lon, alt = frame.enu_to_geodetic(enu)
        if times.size > 1:
            speed = np.linalg.norm(np.diff(ecef, axis=0), axis=1) / np.maximum(np.diff(times), 1e-9)
            speed = np.append(speed, speed[-1])
        else:
            speed = np.zeros(times.size)
        self.trajectories.add(
            time_s=times,
            entity=entity,
            kind=kind,
            battery=battery,
            enu_m=enu,
            lat_deg=lat,
            lon_deg=lon,
            alt_m=alt,
            speed_mps=speed,
        )


def _finite_or_none(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def run_seed_sequence(seed: int, run: int | None = None) -> np.random.SeedSequence:
    """The seed sequence of a replication: ``SeedSequence(seed)``, or for Monte Carlo run i its i-th
    child (``SeedSequence(seed).spawn(i + 1)[i]``, built directly from the spawn key)."""
    if run is None:
        return np.random.SeedSequence(seed)
    return np.random.SeedSequence(seed, spawn_key=(int(run),))


def simulate(
    scenario: Scenario, seed: int | None = None, *, run: int | None = None, trajectories: bool = True
) -> Result:
    """Run one replication of ``scenario``.

    Parameters
    ----------
    seed : the random seed (default: the scenario's own ``seed``).
    run : Monte Carlo replication index: run i of a study with seed S uses the i-th child of
        ``numpy.random.SeedSequence(S)``; ``simulate(sc, seed=S, run=i)`` reproduces it exactly.
    trajectories : record trajectories.parquet rows (Monte Carlo studies switch this off; outcomes
        and events are the same either way).
    """
    return simulate_world(
        compile_world(scenario), scenario.seed if seed is None else seed, run=run, trajectories=trajectories
    )


def simulate_world(world: World, seed: int, *, run: int | None = None, trajectories: bool = True) -> Result:
    """Run one replication of an already compiled world (a study compiles once for many runs; the
    engine never modifies the world)."""
    result = Engine(world, seed, run=run, trajectories=trajectories).run()
    result.scene = scene_of(world)
    return result


def scene_of(world: World) -> dict[str, Any]:
    """Where things stand (for maps and the 3-D replay): origin, assets, batteries and their radars
    with the catalog figures a viewer needs to draw detection domes."""
    frame = world.frame

    def geodetic(ecef: FloatArray) -> dict[str, float]:
        lat, lon, alt = ecef_to_geodetic(ecef)
        return {
            "lat_deg": round(float(lat), 7),
            "lon_deg": round(float(lon), 7),
            "alt_m": round(float(alt), 2),
        }

    batteries = []
    for b in world.batteries:
        radars = []
        for k, rid in enumerate(b.radars.ids):
            spec = b.radars.specs[k]
            radars.append(
                {
                    "id": rid,
                    "type": spec.key,
                    "role": spec.role,
                    **geodetic(b.radars.ecef_m[k]),
                    "antenna_height_m": round(float(b.radars.antenna_height_m[k]), 2),
                    "max_range_m": spec.max_range_m,
                    "ref_range_m": spec.ref_range_m,
                    "ref_rcs_m2": spec.ref_rcs_m2,
                    "ref_pd": spec.ref_pd,
                    "min_elevation_deg": spec.min_elevation_deg,
                    "max_elevation_deg": spec.max_elevation_deg,
                }
            )
        loaded = {m: int(b.launchers.stock[:, j].sum()) for j, m in enumerate(b.launchers.missile_types)}
        batteries.append(
            {
                "id": b.id,
                "system": b.system,
                **geodetic(b.frame.origin_ecef_m),
                "radars": radars,
                "launchers": len(b.launchers.types),
                "loaded": loaded,
                "weapons": b.doctrine.weapons,
            }
        )
    assets = [
        {
            "id": a,
            **geodetic(world.assets.ecef_m[i]),
            "radius_m": float(world.assets.radius_m[i]),
            "value": float(world.assets.value[i]),
        }
        for i, a in enumerate(world.assets.ids)
    ]
    threats = [
        {
            "id": tid,
            "type": world.threats.types[i],
            "group": world.threats.group[i],
            "kind": world.threats.kind[i],
            "target": world.assets.ids[world.threats.target_asset[i]]
            if world.threats.target_asset[i] >= 0
            else None,
        }
        for i, tid in enumerate(world.threats.ids)
    ]
    return {
        "origin": {"lat_deg": frame.lat_deg, "lon_deg": frame.lon_deg, "alt_m": frame.alt_m},
        "refraction_k": world.refraction_k,
        "duration_s": world.duration_s,
        "assets": assets,
        "batteries": batteries,
        "threats": threats,
    }
