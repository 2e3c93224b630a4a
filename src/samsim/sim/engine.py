"""The engine: one replication of a compiled world, as a story told in time order.

Threat motion is known in closed form (trajectory tables) and sensor scans are evaluated up front
(:mod:`samsim.sim.sensors`), so the loop only visits the times that matter — a radar scan, a
command-post decision cycle — and at each of them: fly the interceptors up to now, hand the scan to
the battery's tracker, and let the command post decide. Components report to one
:class:`~samsim.output.result.EventLog`; trajectories are assembled afterwards by
:mod:`samsim.sim.recorder`.
"""

from __future__ import annotations

import numpy as np

from samsim.arrays import FloatArray, IntArray
from samsim.models import flyout
from samsim.output.result import (
    BatteryOutcome,
    EventKind,
    EventLog,
    InterceptorOutcome,
    InterceptorResult,
    RadarOutcome,
    Result,
    ThreatOutcome,
    TrajectoryLog,
)
from samsim.scenario import Scenario
from samsim.sim import battery, recorder
from samsim.sim.command_post import BatteryRuntime
from samsim.sim.sensing import RadarScans
from samsim.sim.sensors import scan_sensor
from samsim.sim.weapons import weapon_type
from samsim.sim.world import World, compile_world

SCAN, DECIDE = 0, 1


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
            ThreatOutcome(id=tid, type=tt, kind=outcome_kind(kind))
            for tid, tt, kind in zip(threats.ids, threats.types, threats.kind, strict=True)
        ]
        self.interceptors: list[InterceptorOutcome] = []
        self.batteries = [BatteryRuntime(world, b) for b in range(len(world.batteries))]
        # One random stream per sensor, spawned in a fixed order from the run's seed.
        streams = iter(
            run_seed_sequence(self.seed, run).spawn(1 + sum(len(b.radars.ids) for b in world.batteries))
        )
        self.rng_c2 = np.random.default_rng(next(streams))
        self.scans: list[RadarScans] = [
            scan_sensor(world, b, k, np.random.default_rng(next(streams)))
            for b, bat in enumerate(world.batteries)
            for k in range(len(bat.radars.ids))
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
            trajectories=self._trajectories().table(),
            catalog_overrides=[o.as_dict() for o in self.world.catalog.overrides],
            batteries=[self._battery_outcome(rt) for rt in self.batteries],
        )

    def _battery_outcome(self, rt: BatteryRuntime) -> BatteryOutcome:
        """A battery's radars and what it fired and has left, per missile type."""
        bat = rt.battery
        fired: dict[str, int] = dict.fromkeys(bat.launchers.missile_types, 0)
        for ic in self.interceptors:
            if ic.battery == bat.id:
                fired[ic.type] = fired.get(ic.type, 0) + 1
        left = {m: int(rt.state.stock[:, k].sum()) for k, m in enumerate(bat.launchers.missile_types)}
        return BatteryOutcome(
            id=bat.id,
            radars=[
                RadarOutcome(id=i, type=t) for i, t in zip(bat.radars.ids, bat.radars.types, strict=True)
            ],
            fired=fired,
            left=left,
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
        range_m = rs.range_m[rows][alive]
        z, cov, snr_db = rs.z_enu_m[rows][alive], rs.r_enu_m2[rows][alive], rs.snr_db[rows][alive]
        res = rt.step(rs.radar, t, z, cov, snr_db, range_m)
        real = truth >= 0
        if np.any(real):
            self._detections(rt, rs, t, truth[real], range_m[real])
        firm = set(rt.tracker.ids[rt.tracker.is_confirmed].tolist())
        for track_id, threat in zip(res.track_of_measurement.tolist(), truth.tolist(), strict=True):
            if track_id >= 0:
                if threat >= 0 or track_id not in rt.label:
                    rt.label[track_id] = threat
                if threat >= 0 and track_id in firm:  # a firm track now holding this threat
                    self.first_track_s[threat] = min(self.first_track_s[threat], t)
        battery.refresh_tracks(rt.state, rt.tracker.ids, rt.tracker.mean, rt.tracker.last_update_s)
        self._track_events(rt, res.confirmed, "track_confirm", t)
        self._track_events(rt, res.dropped_confirmed, "track_drop", t)
        for track_id in res.dropped.tolist():
            rt.forget(track_id)

    def _detections(
        self, rt: BatteryRuntime, rs: RadarScans, t: float, seen: IntArray, range_m: FloatArray
    ) -> None:
        """First detections and one ``detect`` event per threat a scan saw."""
        new = self.first_detected_s[seen] > t
        self.first_detected_range_m[seen[new]] = range_m[new]
        self.first_detected_s[seen] = np.minimum(self.first_detected_s[seen], t)
        ids = self.world.threats.ids
        self.events.add_many(
            np.full(seen.size, t),
            "detect",
            battery=rt.battery.id,
            radar=rs.radar_id,
            threat=[ids[i] for i in seen],
            detail=[f"range_km={r:.1f}" for r in range_m / 1000.0],
        )

    def _track_events(self, rt: BatteryRuntime, track_ids: IntArray, kind: EventKind, t: float) -> None:
        for track_id in track_ids.tolist():
            threat = rt.label.get(track_id, -1)
            name = self.world.threats.ids[threat] if threat >= 0 else None
            if kind == "track_confirm":
                rt.state.first_firm_s[track_id] = t
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
        battery.record_flying(rt.recorder, rt.state, t)
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
        # Fire only at what the engagement radar holds: freshness counts from its last detection.
        fc_s = rt.engagement_update_times_s(ids)
        decision = battery.decide(rt.plan, rt.state, rt.recorder, self.world, t, ids, pos, vel, labels, fc_s)
        names = self.world.threats.ids
        for a in decision.assigned:
            threat = rt.label.get(a.track, -1)
            target = self.world.assets.ids[a.asset] if a.asset >= 0 else "none"
            self.events.add(
                t,
                "assign",
                battery=rt.battery.id,
                threat=names[threat] if threat >= 0 else None,
                track=rt.track_name(a.track),
                detail=f"{a.types}; value={a.value:.3g}; pk={a.pk:.2f}; asset={target}",
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
            for slot in battery.fly(rt.plan, rt.state, t, self.world.step_s):
                ended.append((float(rt.state.flight.end_s[slot]), b, slot))
        for end_s, b, slot in sorted(ended):
            self._settle_flight(self.batteries[b], slot, end_s)

    def _settle_flight(self, rt: BatteryRuntime, slot: int, end_s: float, note: str | None = None) -> None:
        state = rt.state
        meta = state.meta[slot]
        threat = meta.threat
        names = self.world.threats.ids
        target_name = names[threat] if threat >= 0 else None
        miss = float(state.flight.miss_m[slot])
        common = {
            "battery": rt.battery.id,
            "threat": target_name,
            "track": rt.track_name(meta.track),
            "interceptor": meta.id,
        }
        result: InterceptorResult = "self-destruct"
        if state.flight.status[slot] == flyout.INTERCEPT and threat >= 0 and self.killed_s[threat] >= end_s:
            weapon = weapon_type(self.world.catalog.interceptor(meta.type))
            miss, pk, killed = battery.assess_intercept(weapon, miss, self.rng_c2)
            self.events.add(end_s, "intercept", **common, detail=f"miss_m={miss:.1f}; pk={pk:.2f}")
            if killed:
                result = "kill"
                state.destroyed.add(meta.track)
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
                    else "flight time exhausted or ground impact"
                )
            self.events.add(end_s, "self_destruct", **common, detail=note)
        eng = state.engagements.get(meta.track)
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
            state = rt.state
            state.truth.dead_s[threat] = min(state.truth.dead_s[threat], t)
            for slot in [s for s in state.flying if state.meta[s].threat == threat]:
                battery.destruct(state, slot, t)
                self._settle_flight(rt, slot, t, note="target destroyed")

    def _end_flights(self, t: float) -> None:
        """Interceptors still flying when the scenario ends are destroyed then."""
        for rt in self.batteries:
            for slot in list(rt.state.flying):
                battery.destruct(rt.state, slot, t)
                self._settle_flight(rt, slot, t, note="scenario ended")

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

    def _trajectories(self) -> TrajectoryLog:
        log = TrajectoryLog()
        if self.record_trajectories:
            recorder.record_threats(log, self.world, self._end_s())
            for rt in self.batteries:
                recorder.record_tracks(log, self.world, rt)
            for rt in self.batteries:
                recorder.record_interceptors(log, self.world, rt)
        return log


def outcome_kind(catalog_kind: str) -> str:
    """summary.json's threat ``kind`` (:data:`samsim.output.result.THREAT_KINDS`) of a catalog kind."""
    return {"cruise_missile": "cruise"}.get(catalog_kind, catalog_kind)


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
    result.scene = recorder.scene_of(world)
    return result
