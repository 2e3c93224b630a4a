"""The engine: one replication of a compiled world, as a story told in time order.

Threat motion is known in closed form (trajectory tables) and sensor scans are evaluated a window of
simulated time at a time just ahead of the loop (:mod:`samsim.sim.scan_windows`), so the loop only
visits the times that matter — a radar scan, a command-post decision cycle — and at each of them:
fly the interceptors up to now, hand the scan to the battery's tracker, and let the command post
decide. Components report to one
:class:`~samsim.output.result.EventLog`; trajectories are assembled afterwards by
:mod:`samsim.sim.recorder`.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import cast

import numpy as np
from numpy.typing import NDArray

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.geodesy import LocalFrame, ecef_to_geodetic
from samsim.jit import njit
from samsim.models import arm, flyout, lethality
from samsim.output.details import (
    RANGE_KM,
    Move,
    format_jam_strobe,
    format_magazine_empty,
    format_move,
    format_reload,
)
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
from samsim.sim import battery, deception, midcourse, moves, recorder, strobes
from samsim.sim.command_post import BatteryRuntime, TrackPicture
from samsim.sim.deception import DeceptionCounts
from samsim.sim.emitters import Emitter, Emitters
from samsim.sim.network import CommandPost
from samsim.sim.scan_windows import ScanWindows
from samsim.sim.sensing import RadarScans
from samsim.sim.weapons import weapon_type
from samsim.sim.world import World, compile_world
from samsim.tracking import StepResult

SCAN, NETSCAN, DECIDE, COMMAND, IMPACT = 0, 1, 2, 3, 4
"""Kinds of instants, in the order they are visited at equal times: a radar scan (the battery's own
picture), a scan arriving at a command post, a battery's cycle, a command post's cycle, an
anti-radiation missile reaching its radar."""
MOVE = -1
"""A battery ordered to move, or deployed at its new site: visited before anything else at its time."""


_UNREACHED = ("no_track", "out_of_envelope")


class Engine:
    """Runs one replication; create one per run."""

    def __init__(
        self,
        world: World,
        seed: int,
        run: int | None = None,
        *,
        trajectories: bool = True,
        keep_scans: bool = False,
    ):
        """``keep_scans``: keep every scan evaluated, for :attr:`scans` after the run (analyses of
        what the radars saw); otherwise a window of scans is freed once the loop is past it."""
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
        self._runtime_of_state = {id(rt.state): rt for rt in self.batteries}
        self.posts = [CommandPost(world, c, self.batteries) for c in world.commands]
        self.post_of: dict[int, CommandPost] = {rt.index: p for p in self.posts for rt in p.members}
        self.pictures: dict[str, TrackPicture] = {rt.name: rt for rt in self.batteries}
        self.pictures.update({p.name: p for p in self.posts})
        # A battery keeps its own picture when it fights alone at some time of the run.
        self.own_picture = [
            b not in self.post_of or np.isfinite(self.post_of[b].lost_s) for b in range(len(self.batteries))
        ]
        gone = np.minimum(threats.end_s, threats.leak_s)
        for rt in self.batteries:
            post = self.post_of.get(rt.index)
            rt.gone_s = gone + (post.latency_s if post is not None else 0.0)
        for post in self.posts:
            post.gone_s = gone + post.latency_s
        self.reason: dict[int, tuple[str, float]] = {}  # threat -> why not engaged, and when
        self.emitters = Emitters(world)
        # per battery state (by identity, as _runtime_of_state) the Emitter of its engagement radar
        # (None: it has none), asked for every fire unit at every decision cycle (_decide); the
        # states and emitters are the run's own objects throughout (a silence or a destruction
        # changes an emitter's fields, not the emitter)
        self._guiding_emitters: dict[int, Emitter | None] = {
            key: None
            if (k := self.emitters.engagement_radar(rt.index)) is None
            else self.emitters.radars[rt.index][k]
            for key, rt in self._runtime_of_state.items()
        }
        self.arm_notes: dict[int, str] = {}  # ARM threat index -> what its impact did
        # Three seed sequences per sensor (echoes, repeater jammers' copies, strobes), spawned in a
        # fixed order from the run's seed; its scans are evaluated a window at a time from them.
        sensors = [(b, k) for b, bat in enumerate(world.batteries) for k in range(len(bat.radars.ids))]
        n_radars = len(sensors)
        seqs = run_seed_sequence(self.seed, run).spawn(1 + 3 * n_radars)
        self.rng_c2 = np.random.default_rng(seqs[0])
        latency = [self.post_of[b].latency_s if b in self.post_of else 0.0 for b, _ in sensors]
        self.windows = ScanWindows(
            world,
            sensors,
            [(seqs[1 + j], seqs[1 + n_radars + j], seqs[1 + 2 * n_radars + j]) for j in range(n_radars)],
            self.killed_s,
            latency,
            keep=keep_scans,
        )
        self.deceit = deception.DeceptionTally(world)
        self.first_strobe_s = np.full(threats.count, np.inf)
        # per command post: (measured at, jammer, position, covariance) of strobe fixes on their way
        self.fixes_in_transit: dict[str, list[tuple[float, int, int, FloatArray, FloatArray]]] = {
            p.name: [] for p in self.posts
        }
        self.passive = strobes.PassiveNetwork([self.windows.empty_strobes(j) for j in range(n_radars)])
        # picture name -> {battery index: its interceptors in flight at that picture's tracks}: a
        # tracker step refreshes the mid-course data of those batteries only
        self.flying_at: dict[str, _FlightsAt] = {name: _FlightsAt() for name in self.pictures}
        self._post_flights: dict[str, midcourse.PostFlights] = {}  # per command post, made when needed
        # per command post: its members with interceptors in flight at its tracks, in order, as of
        # which change of them (_FlightsAt.changes)
        self._flying_members: dict[str, tuple[int, list[int]]] = {}
        # per picture: how many lost tracks under fire it remembered after its last step or refresh of
        # flights (only a decision cycle's hand-over, or the end of their flights, takes from them)
        self._lost_tracks: dict[str, int] = {}
        # per picture: how many of its steps gave a track another threat than it followed
        self._relabelled: dict[str, int] = {}
        # per picture: its ``label`` dict as an array indexed by track id (_relabel), and the
        # reused buffer of the tracks a step relabels (_relabel)
        self._labels: dict[str, IntArray] = {}
        self._changed_labels = np.empty(64, dtype=np.int64)
        self.fleet = battery.Fleet(
            [rt.plan for rt in self.batteries], [rt.state for rt in self.batteries], world.step_s
        )
        self._arm_shutdown = self.emitters.any_shutdown_on_arm  # fixed for the run
        self._alive_buffers = _AliveRows(64)
        self._sensor_code_table: dict[tuple[int, int], tuple[int, int]] = {}  # _sensor_codes

    @property
    def scans(self) -> list[RadarScans]:
        """Every scan of every sensor evaluated in the run (needs ``keep_scans``)."""
        return self.windows.all_scans()

    @property
    def deception_counts(self) -> list[DeceptionCounts]:
        """Per sensor, what repeater jammers did to its scans."""
        return self.windows.deception_counts()

    # -----------------------------------------------------------------------------------------
    def run(self) -> Result:
        """Visit every scan and decision instant in time order, then settle the fates."""
        # each sensor's emitter and scan times, looked up once a run rather than at every scan
        sensor_emitter = [self.emitters.radars[s.battery][s.radar] for s in self.windows.sensors]
        sensor_times = [s.time_s for s in self.windows.sensors]
        scan, fly, settle = self.windows.scan, self.fleet.fly, self._settle_flown
        jamming = self.windows.jamming  # else no scan holds a strobe
        for t, kind, j, k in _instants(*self._schedule()):
            flown = fly(t)  # _fly_to, inlined: visited at every instant, mostly with nothing ended
            if flown:
                settle(flown)
            if kind == SCAN:
                if sensor_emitter[j].radiating(t):  # silent or destroyed: deaf too
                    rs, i = scan(j, k, t)
                    self._scan(rs, i, t)
                    if jamming:
                        self._strobes(j, k, t)
            elif kind == NETSCAN:
                if sensor_emitter[j].radiating(float(sensor_times[j][k])):
                    rs, i = scan(j, k, t)
                    self._net_scan(rs, i, t)
            elif kind == DECIDE:
                self._battery_cycle(self.batteries[j], t)
            elif kind == COMMAND:
                self._command_cycle(self.posts[j], t)
            elif kind == MOVE:
                self._move(self.batteries[j], k, t)
            else:
                self._arm_impact(j, t)
        self._fly_to(self.world.duration_s)
        self._end_flights(self.world.duration_s)
        self._settle_fates()
        for t_ev, ev_kind, b, k, detail in self.emitters.events(self.world.duration_s):
            bat = self.world.batteries[b]
            self.events.add(t_ev, ev_kind, battery=bat.id, radar=bat.radars.ids[k], detail=detail)
        for i, out in enumerate(self.outcomes):
            if out.shots == 0:
                reason, when = self.reason.get(i, ("no_track", out.fate_s or self.world.duration_s))
                out.unengaged_reason, out.unengaged_reason_s = reason, when  # type: ignore[assignment]
            out.first_detected_s = _finite_or_none(self.first_detected_s[i])
            out.first_detected_range_m = _finite_or_none(self.first_detected_range_m[i])
            out.first_track_s = _finite_or_none(self.first_track_s[i])
            out.first_strobe_s = _finite_or_none(self.first_strobe_s[i])
            out.deception = self.deceit.threat(i)
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
        st = rt.state
        pending = sum((r.rounds for r in st.reloads), np.zeros_like(st.reserve))
        left = {
            m: int(st.stock[:, k].sum() + st.reserve[k] + pending[k])
            for k, m in enumerate(bat.launchers.missile_types)
        }
        emitters = self.emitters.radars[rt.index]
        return BatteryOutcome(
            id=bat.id,
            radars=[
                RadarOutcome(
                    id=i,
                    type=t,
                    destroyed_s=_finite_or_none(em.destroyed_s),
                    deception=self.deceit.radar(rt.index, k),
                )
                for k, (i, t, em) in enumerate(zip(bat.radars.ids, bat.radars.types, emitters, strict=True))
            ],
            fired=fired,
            left=left,
        )

    def _schedule(self) -> tuple[FloatArray, IntArray, IntArray, IntArray]:
        """All scan and decision instants, sorted by time (scans before decisions at equal times)."""
        times, kinds, who, which = [], [], [], []
        for j, sensor in enumerate(self.windows.sensors):
            scan_s = sensor.time_s
            n = scan_s.size
            times.append(scan_s)
            kinds.append(np.full(n, SCAN))
            who.append(np.full(n, j))
            which.append(np.arange(n))
            post = self.post_of.get(sensor.battery)
            if post is not None:  # the scan also reaches the command post, if it arrives before the loss
                arrive = scan_s + post.latency_s
                keep = np.flatnonzero((arrive < post.lost_s) & (arrive <= self.world.duration_s))
                times.append(arrive[keep])
                kinds.append(np.full(keep.size, NETSCAN))
                who.append(np.full(keep.size, j))
                which.append(keep)
        for b, rt in enumerate(self.batteries):
            period = rt.battery.doctrine.decision_period_s
            t = np.arange(period, self.world.duration_s + 1e-9, period)
            times.append(t)
            kinds.append(np.full(t.size, DECIDE))
            who.append(np.full(t.size, b))
            which.append(np.zeros(t.size, dtype=np.int64))
        for c, post in enumerate(self.posts):
            period = min(rt.battery.doctrine.decision_period_s for rt in post.members)
            t = np.arange(period, min(self.world.duration_s, post.lost_s - 1e-9) + 1e-9, period)
            times.append(t)
            kinds.append(np.full(t.size, COMMAND))
            who.append(np.full(t.size, c))
            which.append(np.zeros(t.size, dtype=np.int64))
        instants = [m for m in moves.move_instants(self.world) if m[0] <= self.world.duration_s]
        times.append(np.array([m[0] for m in instants], dtype=np.float64))
        kinds.append(np.full(len(instants), MOVE))
        who.append(np.array([m[1] for m in instants], dtype=np.int64))
        # which: 2 x site + (0: ordered to move there, 1: deployed there)
        which.append(np.array([2 * m[2] + m[3] for m in instants], dtype=np.int64))
        threats = self.world.threats
        arms = np.flatnonzero((threats.target_radar[:, 0] >= 0) & (threats.end_s <= self.world.duration_s))
        times.append(threats.end_s[arms])
        kinds.append(np.full(arms.size, IMPACT))
        who.append(arms)
        which.append(np.zeros(arms.size, dtype=np.int64))
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
        """One radar scan: its detections, and the battery's own tracker when it keeps its own picture."""
        rt = self.batteries[rs.battery]
        offsets = rs.offsets
        rows = slice(int(offsets[k]), int(offsets[k + 1]))
        size = rows.stop - rows.start
        buf = self._alive_rows_for(size)
        # its detect events go straight to the event log's stage (nothing else is reported before
        # they would have been: deceit.scan reports nothing)
        stage = self.events.number_stage("detect", RANGE_KM, size)
        n_alive, n = _scan_detections(
            rs.truth[rows],
            rs.range_m[rows],
            self.killed_s,
            t,
            self._threat_codes(),
            self.first_detected_s,
            self.first_detected_range_m,
            buf.alive,
            stage.threat,
            stage.value,
            stage.time_s,
            stage.battery,
            stage.radar,
            stage.n,
            *self._sensor_codes(rt, rs),
        )
        stage.n += n
        own = self.own_picture[rs.battery]
        if n_alive == 0 and (not own or len(rt.tracker) == 0):
            return
        alive = buf.alive[:size]
        if self.deceit.active:
            self.deceit.scan(rs, k, rows, alive, self.killed_s)
        if own:
            z, r, snr, range_m, truth = _alive_measurements(rs, rows.start, alive)
            res = rt.step(rs.radar, t, z, r, snr, range_m)
            self._after_step(rt, res, truth, t, self._pulled(rs, rows, alive))

    def _net_scan(self, rs: RadarScans, k: int, t: float) -> None:
        """A scan of a member's radar reaches its command post (measured one link latency ago)."""
        post = self.post_of[rs.battery]
        measured_s = float(rs.time_s[k])
        if self.fixes_in_transit[post.name]:
            self._deliver_fixes(post, measured_s, t)
        offsets = rs.offsets
        rows = slice(int(offsets[k]), int(offsets[k + 1]))
        size = rows.stop - rows.start
        buf = self._alive_rows_for(size)
        n = _copy_alive(
            rows.start, rows.stop, self.killed_s, measured_s, rs.truth, rs.z_enu_m, rs.r_enu_m2, rs.snr_db,
            rs.range_m, buf.alive, buf.truth, buf.z, buf.r, buf.snr, buf.range_m,
        )  # fmt: skip
        if n == 0 and len(post.tracker) == 0:
            return
        truth = buf.truth[:n]
        res = post.receive(
            rs.battery, rs.radar, measured_s, buf.z[:n], buf.r[:n], buf.snr[:n], buf.range_m[:n]
        )
        self._after_step(post, res, truth, t, self._pulled(rs, rows, buf.alive[:size]))

    def _alive_rows_for(self, size: int) -> _AliveRows:
        """The reused buffers of a scan's alive rows, grown (to twice) when a scan has ``size`` rows."""
        if self._alive_buffers.truth.size < size:
            self._alive_buffers = _AliveRows(2 * size)
        return self._alive_buffers

    def _pulled(self, rs: RadarScans, rows: slice, alive: BoolArray) -> BoolArray | None:
        """Which of a scan's ``alive`` rows ``rows`` were measured at a pulled-off range (None when
        no threat of the run deceives: nobody reads it then)."""
        if not self.deceit.active:
            return None
        return deception.pulled_rows(rs, rows)[alive]

    def _after_step(
        self, pic: TrackPicture, res: StepResult, truth: IntArray, t: float, pulled: BoolArray | None = None
    ) -> None:
        """What a picture's tracker step means: what its tracks follow, track events, fresher
        mid-course updates for the interceptors flying at its tracks. ``pulled`` marks measurements
        at a pulled-off range (deception)."""
        tr = pic.tracker
        view = tr.view()  # read only, and no step of this tracker before the end of this call
        tom = res.track_of_measurement
        if pulled is not None and self.deceit.active:
            firm_ids = view.ids[view.confirmed]
            self.deceit.step(pic.name, tom, truth, pulled, set(firm_ids.tolist()))
        if tom.size:
            labels = self._labels.get(pic.name)
            if labels is None:
                labels = self._labels[pic.name] = np.full(64, _NO_LABEL, dtype=np.int64)
            changed = self._changed_labels
            if changed.size < tom.size:
                changed = self._changed_labels = np.empty(2 * tom.size, dtype=np.int64)
            n_changed, relabelled = _relabel(
                tom, truth, labels, changed, view.ids, view.confirmed, self.first_track_s, t
            )
            if n_changed < 0:  # a track id past the array: grown, and the step taken again
                labels = self._grown_labels(pic.name, tom)
                n_changed, relabelled = _relabel(
                    tom, truth, labels, changed, view.ids, view.confirmed, self.first_track_s, t
                )
            if n_changed:  # the picture's dict, written in the order the tracks first changed
                label = pic.label
                ids = changed[:n_changed]
                for track_id, threat in zip(ids.tolist(), labels[ids].tolist(), strict=True):
                    label[track_id] = threat
            if relabelled:  # its interceptors in mid-course may turn (_refresh_flights)
                self._relabelled[pic.name] = self._relabelled.get(pic.name, 0) + 1
        flying = self.flying_at.get(pic.name)
        if flying:  # only batteries with interceptors flying at this picture's tracks have news
            for _, old, new in self._refresh_flights(pic, t, flying, view.ids, view.mean):
                # Its interceptor now flies at another threat; one fired at a false alarm or a
                # repeater's false target (label < 0) was counted on no threat.
                if old >= 0:
                    self.outcomes[old].shots -= 1
                self.outcomes[new].shots += 1
        if res.confirmed.size:
            self._track_events(pic, res.confirmed, "track_confirm", t)
        if res.dropped_confirmed.size:
            self._track_events(pic, res.dropped_confirmed, "track_drop", t)
        if res.dropped.size:
            held = self._labels.get(pic.name)
            # a step drops a track or two: element by element beats NumPy's masked assignment
            for track_id in res.dropped.tolist():
                if held is not None and track_id < held.size:
                    held[track_id] = _NO_LABEL
                pic.forget(track_id)
            self._lost_tracks[pic.name] = len(pic.memory.lost)
        if self._arm_shutdown:
            self._arm_warning(pic, t)

    def _labels_of(self, pic: TrackPicture, track_ids: IntArray) -> list[int]:
        """``pic.label.get(i, -1)`` of each of ``track_ids``, read from the picture's label array
        (:func:`_relabel`, which holds what the dict holds) where it reaches them all."""
        held = self._labels.get(pic.name)
        if held is None or track_ids.size == 0 or int(track_ids.max()) >= held.size:
            return [pic.label.get(i, -1) for i in track_ids.tolist()]
        got = held[track_ids]
        got[got == _NO_LABEL] = -1
        return got.tolist()  # type: ignore[no-any-return]

    def _grown_labels(self, name: str, track_of: IntArray) -> IntArray:
        """Picture ``name``'s labels as an array indexed by track id (:data:`_NO_LABEL`: none), the
        mirror of its ``label`` dict that :func:`_relabel` reads, grown (to twice) to hold the track
        ids ``track_of`` (tracker ids count up from 0)."""
        labels = self._labels[name]
        grown = np.full(2 * (int(track_of.max()) + 1), _NO_LABEL, dtype=np.int64)
        grown[: labels.size] = labels
        self._labels[name] = grown
        return grown

    def _refresh_flights(
        self, pic: TrackPicture, t: float, flying: _FlightsAt, track_ids: IntArray, mean: FloatArray
    ) -> list[tuple[int, int, int]]:
        """:func:`battery.refresh_tracks` for the batteries in ``flying``: a command post's units in
        one pass (:func:`midcourse.refresh_units`) where it applies, else unit by unit."""
        estimate_s = pic.estimate_s
        if isinstance(pic, CommandPost):
            name = pic.name
            fleet = self._post_flights.get(name)
            if fleet is None:
                fleet = self._post_flights[name] = midcourse.PostFlights(pic.units)
            # What the post's interceptors are as of: the count of launches and ends at its tracks,
            # unless a hand-over (fewer lost tracks) may have re-pointed some since the last step.
            lost = len(pic.memory.lost)
            handed_over = lost < self._lost_tracks.get(name, 0)
            self._lost_tracks[name] = lost
            stamp = None if handed_over else flying.changes
            held = self._flying_members.get(name)
            if held is None or held[0] != flying.changes:
                held = self._flying_members[name] = (flying.changes, sorted(pic.member_of[b] for b in flying))
            done = midcourse.refresh_units(
                fleet,
                held[1],
                name,
                track_ids,
                mean,
                estimate_s,
                pic.label,
                stamp,
                self._relabelled.get(name, 0),
            )
            if done is not None:
                return done
        changes = []
        for state, unit in self._flying_fire_states(pic, t, flying):
            changes += battery.refresh_tracks(state, pic.name, track_ids, mean, estimate_s, pic.label, unit)
        return changes

    def _arm_warning(self, pic: TrackPicture, t: float) -> None:
        """A firm track flying at a radar like an ARM silences the batteries whose doctrine says so
        (judged in a battery's frame: the picture's own, or a command post's first member's)."""
        if not self.emitters.any_shutdown_on_arm:
            return
        firm = pic.tracker.is_confirmed
        if not np.any(firm):
            return
        pos_all, vel_all = pic.predicted_states(t)
        pos, vel = pos_all[firm], vel_all[firm]
        if isinstance(pic, CommandPost):
            pos, vel = pic.units[0].to_battery(pos, vel)
            index = pic.members[0].index
        else:
            assert isinstance(pic, BatteryRuntime)
            index = pic.index
        self.emitters.warn(index, pos, vel, t)

    def _arm_impact(self, threat: int, t: float) -> None:
        """An ARM reaches the radar it was fired at: home on it, or on what its seeker remembers
        (:func:`samsim.models.arm.arm_miss_m`); the warhead destroys the radar or not."""
        if self.killed_s[threat] <= t:
            return
        b, k = (int(x) for x in self.world.threats.target_radar[threat])
        spec = self.world.catalog.threat(self.world.threats.types[threat])
        em = self.emitters.radars[b][k]
        last_s = em.last_emission_s(t)
        homing = t - last_s <= spec.seeker_window_s
        # The ARM flew at the site its radar had at launch; a radar that has moved away since is
        # not where it aims (nor where its seeker last saw it radiate).
        bat = self.world.batteries[b]
        aimed_ecef = bat.radar_ecef_at(float(self.world.threats.start_s[threat]))[k]
        moved_en_m = np.zeros(2)
        if bat.sites:
            lat, lon, _ = ecef_to_geodetic(aimed_ecef)
            local = LocalFrame(float(lat), float(lon), 0.0)
            moved_en_m = (local.ecef_to_enu(bat.radar_ecef_at(t)[k]) - local.ecef_to_enu(aimed_ecef))[:2]
            homing = homing and not np.any(moved_en_m)  # its path ends at the old site
        miss = arm.arm_miss_m(
            homing,
            moved_en_m,
            spec.terminal_cep_m,
            spec.memory_cep_m,
            spec.terminal_acquisition_m,
            self.rng_c2,
        )
        pk = float(lethality.kill_probability(miss, lethality.lethal_radius_m(spec.warhead_kg)))
        standing = em.destroyed_s > t
        hit = standing and bool(self.rng_c2.random() < pk)
        mode = (
            "homing" if homing else f"silent for {t - last_s:.1f} s" if last_s > -np.inf else "never radiated"
        )
        outcome = "radar destroyed" if hit else "radar survived" if standing else "radar already destroyed"
        self.arm_notes[threat] = (
            f"reached {bat.radars.ids[k]} of {bat.id}; {mode}; miss_m={miss:.1f}; pk={pk:.2f}; {outcome}"
        )
        if not hit:
            return
        self.emitters.destroy(b, k, t)
        name = self.world.threats.ids[threat]
        self.events.add(
            t,
            "radar_destroyed",
            battery=bat.id,
            radar=bat.radars.ids[k],
            threat=name,
            detail=f"by {name}; miss_m={miss:.1f}",
        )
        if self.emitters.engagement_radar(b) == k:  # the missiles it was guiding are lost
            rt = self.batteries[b]
            for slot in list(rt.state.flying):
                battery.destruct(rt.state, slot, t)
                self._settle_flight(rt, slot, t, note="engagement radar destroyed")

    def _move(self, rt: BatteryRuntime, which: int, t: float) -> None:
        """A battery ordered to move (its radars fall silent: :class:`~samsim.sim.emitters.Emitters`),
        or deployed at its new site: it radiates and fires from there."""
        index, deployed = divmod(which, 2)
        site = rt.battery.deployments[index]
        detail = format_move(
            Move(
                to_lat_deg=site.frame.lat_deg,
                to_lon_deg=site.frame.lon_deg,
                to_alt_m=site.frame.alt_m,
                distance_km=site.distance_m / 1000.0,
                at_s=site.move_at_s,
                stowed_s=site.stowed_s,
                arrived_s=site.arrived_s,
                ready_s=site.from_s,
            )
        )
        if not deployed:
            self.events.add(t, "move_start", battery=rt.battery.id, detail=detail)
            return
        # Interceptors launched from the old site and still flying (none when the move outlasts their
        # flight, as it does with the catalog's figures) fly in its frame and nothing guides them now.
        for slot in list(rt.state.flying):
            battery.destruct(rt.state, slot, t)
            self._settle_flight(rt, slot, t, note="battery moved")
        moves.resite(self.world, rt, site)
        self.fleet.update(rt.index, rt.plan, rt.state)
        post = self.post_of.get(rt.index)
        if post is not None:
            moves.resite_in_post(post, post.units, rt, post.radar_offset[rt.index], site)
            self._post_flights.pop(post.name, None)  # made again with the unit's new frame map
        if self.own_picture[rt.index]:
            self._age_out(rt, t)
        self.events.add(t, "move_end", battery=rt.battery.id, detail=detail)

    def _age_out(self, rt: BatteryRuntime, t: float) -> None:
        """A battery's own picture once it has deployed at a new site. No scan has updated it since the
        move was ordered: minutes (stow, march, deploy), far beyond any track's coasting limit (a few
        revisits), so the tracker drops every track now, as it would at the first scan from the new
        site, with the usual ``track_drop`` events. Dropping them rather than keeping their
        extrapolation over the move is what a real post would do with an air picture that old."""
        tr = rt.tracker
        n = tr.ids.size
        if n == 0:
            return
        res = tr.step(
            t,
            np.zeros((0, 3)),
            np.zeros((0, 3, 3)),
            np.zeros(n, dtype=bool),
            pd_track=np.zeros(n),
            pd_meas=np.zeros(0),
        )
        self._after_step(rt, res, np.zeros(0, dtype=np.int64), t)

    def _strobes(self, j: int, k: int, t: float) -> None:
        """Scan ``k`` of radar ``j``'s strobes: ``jam_strobe`` events, angle-only tracks, and the
        position fixes they triangulate, handed to the pictures of the fixes' batteries (a command
        post takes them at once: a modelling shortcut, the fixes are few)."""
        ss, i = self.windows.strobes(j, k)
        self.passive.scans[j] = ss
        rows, fixes = self.passive.update(j, i, t, self.killed_s)
        if rows.size:
            jam = ss.jammer[rows]
            self.first_strobe_s[jam] = np.minimum(self.first_strobe_s[jam], t)
            ids = self.world.threats.ids
            self.events.add_many(
                np.full(rows.size, t),
                "jam_strobe",
                battery=self.batteries[ss.battery].battery.id,
                radar=ss.radar_id,
                threat=[ids[i] for i in jam.tolist()],
                detail=[
                    format_jam_strobe(az, el, jnr)
                    for az, el, jnr in zip(
                        np.degrees(ss.az_rad[rows]), np.degrees(ss.el_rad[rows]), ss.jnr_db[rows], strict=True
                    )
                ],
            )
        for fix in fixes:
            z, cov = fix.z_enu_m[None, :], fix.cov_enu_m2[None, :, :]
            if self.own_picture[fix.battery]:
                rt = self.batteries[fix.battery]
                self._after_step(rt, rt.step_fix(t, z, cov), np.array([fix.jammer]), t)
            post = self.post_of.get(fix.battery)
            if post is not None and t + post.latency_s < post.lost_s:
                # The fix reaches the post one link latency later, in time order with the scans.
                m, o = post.to_post[fix.battery]
                self.fixes_in_transit[post.name].append(
                    (t, fix.battery, fix.jammer, z @ m.T + o, m @ cov @ m.T)
                )

    def _deliver_fixes(self, post: CommandPost, upto_s: float, t: float) -> None:
        """Hand a command post the strobe fixes measured up to ``upto_s`` (they arrive in time order).
        The battery whose radars' strobes made a fix holds its track as if its engagement radar had
        updated it, so it may fire on it with home-on-jam missiles."""
        transit = self.fixes_in_transit[post.name]
        while transit and transit[0][0] <= upto_s:
            measured_s, b, jammer, z, cov = transit.pop(0)
            res = post.step_fix(measured_s, z, cov)
            post.mark_held(res, b, measured_s)
            self._after_step(post, res, np.array([jammer]), t)

    def _sensor_codes(self, rt: BatteryRuntime, rs: RadarScans) -> tuple[int, int]:
        """The event log's codes of a sensor's battery and radar names, looked up once a run."""
        key = (rs.battery, rs.radar)
        codes = self._sensor_code_table.get(key)
        if codes is None:
            b, r = self.events.codes([rt.battery.id, rs.radar_id]).tolist()
            codes = self._sensor_code_table[key] = (b, r)
        return codes

    def _threat_codes(self) -> IntArray:
        """The event log's codes of the threats' names, looked up once a run: detections, the bulk
        of the events, are reported by code, without a name per event."""
        try:
            return self._threat_code_table
        except AttributeError:
            self._threat_code_table: IntArray = self.events.codes(self.world.threats.ids)
            return self._threat_code_table

    def _track_events(self, pic: TrackPicture, track_ids: IntArray, kind: EventKind, t: float) -> None:
        # looked up once per step rather than per track: a step confirms or drops several
        label, names, add, track_name = pic.label, self.world.threats.ids, self.events.add, pic.track_name
        confirm = kind == "track_confirm"
        for track_id in track_ids.tolist():
            threat = label.get(track_id, -1)
            name = names[threat] if threat >= 0 else None
            if confirm:
                pic.memory.first_firm_s[track_id] = t
                self.deceit.confirmed(threat)
                if threat >= 0:
                    self.first_track_s[threat] = min(self.first_track_s[threat], t)
            add(
                t,
                kind,
                battery=pic.name,
                threat=name,
                track=track_name(track_id),
                detail=None if threat >= 0 else "false track",
            )

    def _battery_cycle(self, rt: BatteryRuntime, t: float) -> None:
        """A battery's cycle: remember its interceptors, finish reloads, and when it fights alone,
        decide from its own picture."""
        if self.record_trajectories:  # its samples are read for trajectories.parquet only
            battery.record_flying(rt.recorder, rt.state, t)
        for r in battery.finish_reloads(rt.state, t):
            for m, n in zip(rt.battery.launchers.missile_types, r.rounds.tolist(), strict=True):
                if n:
                    detail = format_reload(m, int(n), r.launcher)
                    self.events.add(r.done_s, "reload", battery=rt.battery.id, detail=detail)
        post = self.post_of.get(rt.index)
        if post is not None and t < post.lost_s:
            return
        site = rt.battery.site_index(t)
        if site is None:  # on the move: its picture gets no scans and it cannot fire
            return
        unit = moves.own_unit(rt, rt.battery.deployments[site])
        unit.holds_from = partial(rt.holds, t)  # read only once some track could be engaged
        self._decide(rt, [unit], t)

    def _command_cycle(self, post: CommandPost, t: float) -> None:
        """A command post's cycle: one assignment over the fire units it directs."""
        self._deliver_fixes(post, t - post.latency_s, t)
        self._decide(post, post.fire_units(t, np.ones(len(post.members), dtype=bool)), t)

    def _decide(self, pic: TrackPicture, units: list[battery.FireUnit], t: float) -> None:
        """The decision cycle of a picture's post: take the firm picture, then evaluate, assign and
        launch; record why the threats on tracks left unengaged were."""
        for lost, new in pic.hand_over(t):
            for state, _ in self._fire_states(pic, t):
                battery.hand_over_flights(state, pic.name, lost, new)
        tr = pic.tracker
        firm = tr.is_confirmed
        if not firm.any():
            return
        ids, last = tr.ids[firm], tr.last_update_s[firm]
        pos, vel = pic.predicted_states(t, firm)
        if self.record_trajectories:
            pic.picture.append((t, ids.copy(), pos, vel))  # speeds: norms taken once, at the end
        id_list = ids.tolist()
        labels = self._labels_of(pic, ids)
        # No launch without the engagement radar radiating (emission control, ARM damage):
        # Emitters.can_guide with its emitter looked up once a run.
        guiding = self._guiding_emitters
        units = [u for u in units if (em := guiding[id(u.state)]) is not None and em.radiating(t)]
        # (no jam-only track: nothing to mark, as an all-False mask marks nothing)
        jam_only = np.array([i in pic.jam_only for i in id_list], dtype=bool) if pic.jam_only else None
        doctrine = pic.doctrine  # type: ignore[attr-defined]
        decision = battery.decide(
            pic.name,
            pic.memory,
            doctrine,
            pic.where,
            units,
            self.world,
            t,
            ids,
            pos,
            vel,
            labels,
            last,
            pic.gone_s,
            jam_only=jam_only,
            duplicate=partial(pic.duplicates, ids, t),  # asked only if some track could be engaged
        )
        for threat, reason in decision.reasons.items():
            # A reason given while the threat was within reach (and a shot possible but for it) is
            # not replaced by a later "out of reach": that it could have been engaged is the news.
            before = self.reason.get(threat)
            if reason in _UNREACHED and before is not None and before[0] not in _UNREACHED:
                continue
            self.reason[threat] = (reason, t)
        names = self.world.threats.ids
        for a in decision.assigned:
            threat = pic.label.get(a.track, -1)
            target = self.world.assets.ids[a.asset] if a.asset >= 0 else "none"
            self.events.add(
                t,
                "assign",
                battery=pic.name,
                threat=names[threat] if threat >= 0 else None,
                track=pic.track_name(a.track),
                detail=f"{a.types}; value={a.value:.3g}; pk={a.pk:.2f}; asset={target}",
            )
        fired: dict[int, BatteryRuntime] = {}
        for launch in decision.launches:
            meta = launch.meta
            rt = self._battery_of(launch)
            fired[rt.index] = rt
            self.fleet.launched(rt.index, t)
            at = self.flying_at.setdefault(meta.post, _FlightsAt())
            at[rt.index] = at.get(rt.index, 0) + 1
            self.events.add(
                t,
                "launch",
                battery=rt.battery.id,
                threat=names[meta.threat] if meta.threat >= 0 else None,
                track=pic.track_name(meta.track),
                interceptor=meta.id,
                detail=f"planned pk={launch.pk:.2f}; pip_range_km={meta.pip_range_m / 1000:.1f}; "
                f"pip_alt_m={meta.pip_alt_m:.0f}",
            )
            if meta.threat >= 0:
                self.outcomes[meta.threat].shots += 1
        for rt in fired.values():
            started, exhausted = battery.start_reloads(rt.plan, rt.state, t)
            types = rt.battery.launchers.missile_types
            for k in exhausted:
                self.events.add(
                    t, "magazine_empty", battery=rt.battery.id, detail=format_magazine_empty(types[k])
                )
            del started  # reported when done (reload events)

    def _fire_states(
        self, pic: TrackPicture, t: float
    ) -> list[tuple[battery.BatteryState, battery.FireUnit | None]]:
        """The batteries that fire at a picture's tracks at ``t``, each with its frame mapping."""
        if isinstance(pic, CommandPost):
            return [(unit.state, unit) for unit in pic.units]
        assert isinstance(pic, BatteryRuntime)
        site = pic.battery.site_index(t)
        return [(pic.state, moves.own_unit(pic, None if site is None else pic.battery.deployments[site]))]

    def _flying_fire_states(
        self, pic: TrackPicture, t: float, flying: dict[int, int]
    ) -> list[tuple[battery.BatteryState, battery.FireUnit | None]]:
        """:meth:`_fire_states` of the batteries in ``flying`` only (a command post's in member
        order, without visiting the members with nothing in flight)."""
        if isinstance(pic, CommandPost):
            units = pic.units
            return [(units[m].state, units[m]) for m in sorted(pic.member_of[b] for b in flying)]
        return [
            (state, unit)
            for state, unit in self._fire_states(pic, t)
            if self._runtime_of_state[id(state)].index in flying
        ]

    def _battery_of(self, holder: battery.FireUnit | battery.Launch) -> BatteryRuntime:
        """The battery whose runtime state a fire unit or a launch belongs to."""
        return self._runtime_of_state[id(holder.state)]

    # -----------------------------------------------------------------------------------------
    def _fly_to(self, t: float) -> None:
        """Fly every battery's interceptors up to ``t`` and settle the flights that ended, in time order."""
        flown = self.fleet.fly(t)
        if flown:
            self._settle_flown(flown)

    def _settle_flown(self, flown: list[tuple[int, int]]) -> None:
        """Settle the flights ``(battery, slot)`` that ended, in time order."""
        ended = [(float(self.batteries[b].state.flight.end_s[slot]), b, slot) for b, slot in flown]
        for end_s, b, slot in sorted(ended):
            self._settle_flight(self.batteries[b], slot, end_s)

    def _settle_flight(self, rt: BatteryRuntime, slot: int, end_s: float, note: str | None = None) -> None:
        state = rt.state
        meta = state.meta[slot]
        at = self.flying_at[meta.post]
        at[rt.index] -= 1
        if not at[rt.index]:
            del at[rt.index]
        threat = meta.threat
        names = self.world.threats.ids
        target_name = names[threat] if threat >= 0 else None
        miss = float(state.flight.miss_m[slot])
        common = {
            "battery": rt.battery.id,
            "threat": target_name,
            "track": self.pictures[meta.post].track_name(meta.track),
            "interceptor": meta.id,
        }
        result: InterceptorResult = "self-destruct"
        weapon = weapon_type(self.world.catalog.interceptor(meta.type))
        intercept = state.flight.status[slot] == flyout.INTERCEPT
        if intercept and weapon.spec.seeker != "active" and not self.emitters.can_guide(rt.index, end_s):
            # Track-via-missile / semi-active terminal guidance needs the engagement radar radiating.
            intercept, note = False, "no terminal guidance: engagement radar silent"
        if intercept and threat >= 0 and self.killed_s[threat] >= end_s:
            miss, pk, killed = battery.assess_intercept(weapon, miss, self.rng_c2)
            self.events.add(end_s, "intercept", **common, detail=f"miss_m={miss:.1f}; pk={pk:.2f}")
            if killed:
                result = "kill"
                self._kill(threat, end_s, meta.id, rt.index, meta)
                self.events.add(end_s, "kill", **common, detail=f"miss_m={miss:.1f}")
            else:
                result = "miss"
                self.events.add(end_s, "miss", **common, detail=f"miss_m={miss:.1f}")
        else:
            if note is None:
                note = (
                    "target destroyed"
                    if threat >= 0 and self.killed_s[threat] < end_s
                    else flyout.END_REASONS.get(int(state.flight.status[slot]), "fuze timer")
                )
            self.events.add(end_s, "self_destruct", **common, detail=note)
        eng = self.pictures[meta.post].memory.engagements.get(meta.track)
        if eng is not None:
            eng.in_flight -= 1
            eng.last_end_s = max(eng.last_end_s, end_s)
        self.interceptors.append(
            InterceptorOutcome(
                id=meta.id,
                type=meta.type,
                battery=rt.battery.id,
                target=target_name if target_name is not None else str(common["track"]),
                launch_s=meta.launch_s,
                end_s=end_s,
                result=result,
                miss_distance_m=miss if result in ("kill", "miss") else None,
                planned_pk=meta.planned_pk,
                pip_range_m=meta.pip_range_m,
                pip_alt_m=meta.pip_alt_m,
            )
        )

    def _kill(self, threat: int, t: float, by: str, shooter: int, meta: battery.InterceptorMeta) -> None:
        """A threat is destroyed: it leaves every battery's truth and its other interceptors destruct.

        Who knows it, and when: the post whose track it was fired at, and the shooter's own picture, at
        once (the battery's radar assesses the kill); every other picture of the shooter's command
        post (while the post stands) one link latency later; batteries outside that network only
        from their own radars (their track of it stops being updated).
        """
        self.killed_s[threat] = t
        self.windows.killed(threat, t)  # a jammer's jamming stops now
        self.outcomes[threat].killed_by = by
        shooter_post = self.post_of.get(shooter)
        networked = shooter_post is not None and t < shooter_post.lost_s
        for name, pic in self.pictures.items():
            if name == meta.post or pic is self.batteries[shooter]:
                known = t
            elif networked and (
                pic is shooter_post
                or (isinstance(pic, BatteryRuntime) and self.post_of.get(pic.index) is shooter_post)
            ):
                known = t + shooter_post.latency_s  # type: ignore[union-attr]
            else:
                continue
            pic.gone_s[threat] = min(pic.gone_s[threat], known)
        if isinstance(self.pictures[meta.post], BatteryRuntime):
            self.pictures[meta.post].memory.destroyed.add(meta.track)
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
                target = int(threats.target_asset[i])
                asset = self.world.assets.ids[target] if target >= 0 else "its radar"
                self.events.add(leak, "leak", threat=out.id, detail=self.arm_notes.get(i, f"reached {asset}"))
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
            for pic in [*self.batteries, *self.posts]:
                for part in _picture_parts(pic):
                    recorder.record_tracks(log, self.world, part)
            for rt in self.batteries:
                recorder.record_interceptors(log, self.world, rt)
        return log


def _alive_measurements(
    rs: RadarScans, first: int, alive: BoolArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, IntArray]:
    """Positions, covariances, SNRs, ranges and truth of the ``alive`` rows of a scan whose rows
    begin at ``first``, as new arrays."""
    return _alive_rows(alive, first, rs.z_enu_m, rs.r_enu_m2, rs.snr_db, rs.range_m, rs.truth)


@njit
def _alive_rows(
    alive: BoolArray,
    first: int,
    z_enu_m: FloatArray,
    r_enu_m2: FloatArray,
    snr_db: FloatArray,
    range_m: FloatArray,
    truth: IntArray,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, IntArray]:
    """:func:`_alive_measurements` in one compiled call (copies, in order)."""
    rows = np.flatnonzero(alive) + first
    return z_enu_m[rows], r_enu_m2[rows], snr_db[rows], range_m[rows], truth[rows]


class _FlightsAt(dict[int, int]):
    """A picture's batteries with interceptors in flight at its tracks, and how many each
    (:attr:`Engine.flying_at`), counting every change (a launch, an end): what a command post's
    mid-course pass listed of them stands until the count moves (:meth:`Engine._refresh_flights`)."""

    changes = 0

    def __setitem__(self, key: int, value: int) -> None:
        self.changes += 1
        super().__setitem__(key, value)

    def __delitem__(self, key: int) -> None:
        self.changes += 1
        super().__delitem__(key)


class _AliveRows:
    """Buffers a scan's alive rows are copied into (:func:`_copy_alive`) on their way to a command
    post's tracker, and which rows of a scan are alive (:func:`_scan_detections`), reused from scan
    to scan: nobody keeps them past the scan."""

    def __init__(self, rows: int):
        self.alive = np.empty(rows, dtype=np.bool_)
        self.truth = np.empty(rows, dtype=np.int64)
        self.z = np.empty((rows, 3))
        self.r = np.empty((rows, 3, 3))
        self.snr = np.empty(rows)
        self.range_m = np.empty(rows)


@njit
def _copy_alive(
    first: int,
    stop: int,
    killed_s: FloatArray,
    t: float,
    truth: IntArray,
    z_enu_m: FloatArray,
    r_enu_m2: FloatArray,
    snr_db: FloatArray,
    range_m: FloatArray,
    alive: BoolArray,
    truth_out: IntArray,
    z_out: FloatArray,
    r_out: FloatArray,
    snr_out: FloatArray,
    range_out: FloatArray,
) -> int:
    """:func:`_alive_count` of a scan's rows ``first:stop`` (the mask into ``alive``) and
    :func:`_alive_rows` of them into the ``_out`` arrays, in one call; returns how many are alive."""
    mask = deception.alive_rows(truth[first:stop], killed_s, t)
    n = 0
    for i in range(stop - first):
        alive[i] = mask[i]
        if mask[i]:
            row = first + i
            truth_out[n] = truth[row]
            snr_out[n] = snr_db[row]
            range_out[n] = range_m[row]
            for a in range(3):
                z_out[n, a] = z_enu_m[row, a]
                for b in range(3):
                    r_out[n, a, b] = r_enu_m2[row, a, b]
            n += 1
    return n


@njit
def _alive_count(truth: IntArray, killed_s: FloatArray, t: float) -> tuple[BoolArray, int]:
    """:func:`samsim.sim.deception.alive_rows` of a scan's rows, and how many are alive."""
    alive = deception.alive_rows(truth, killed_s, t)
    n_alive = 0
    for i in range(alive.size):
        if alive[i]:
            n_alive += 1
    return alive, n_alive


@njit
def _scan_detections(
    truth: IntArray,
    range_m: FloatArray,
    killed_s: FloatArray,
    t: float,
    codes: IntArray,
    first_s: FloatArray,
    first_range_m: FloatArray,
    alive_out: BoolArray,
    threats: NDArray[np.intc],
    range_km: FloatArray,
    time_s: FloatArray,
    battery: NDArray[np.intc],
    radar: NDArray[np.intc],
    at: int,
    battery_code: int,
    radar_code: int,
) -> tuple[int, int]:
    """A battery's scan at ``t`` (rows ``truth``, ``range_m``) in one pass: which rows are alive
    (:func:`_alive_count`, into ``alive_out``) and how many; the real threats among them noted as
    detected (:func:`_first_detections`), and their ``detect`` events, in the scan's order, from row
    ``at`` of the event log's stage (:class:`~samsim.output.result.NumberStage`): ``threats`` (``codes``:
    the event log's code of each threat, as C ints), ranges in km into ``range_km``, and ``t``,
    ``battery_code`` and ``radar_code`` into ``time_s``, ``battery`` and ``radar``; how many, second."""
    alive, n_alive = _alive_count(truth, killed_s, t)
    alive_out[: alive.size] = alive
    n = 0
    for i in range(truth.size):
        if alive[i] and truth[i] >= 0:
            n += 1
    seen = np.empty(n, dtype=np.int64)
    seen_range_m = np.empty(n)
    j = 0
    for i in range(truth.size):
        if alive[i] and truth[i] >= 0:
            seen[j] = truth[i]
            seen_range_m[j] = range_m[i]
            j += 1
    _first_detections(first_s, first_range_m, seen, seen_range_m, t)
    for j in range(n):
        threats[at + j] = codes[seen[j]]
        range_km[at + j] = seen_range_m[j] / 1000.0
        time_s[at + j] = t
        battery[at + j] = battery_code
        radar[at + j] = radar_code
    return n_alive, n


@njit
def _first_detections(
    first_s: FloatArray, first_range_m: FloatArray, seen: IntArray, range_m: FloatArray, t: float
) -> None:
    """Note a scan at ``t`` that saw threats ``seen`` at ``range_m``: the range of those first seen
    now (the last of a threat's rows when it is seen twice), then the first detection times."""
    new = np.empty(seen.size, dtype=np.bool_)
    for n in range(seen.size):
        new[n] = first_s[seen[n]] > t
    for n in range(seen.size):
        if new[n]:
            first_range_m[seen[n]] = range_m[n]
    for n in range(seen.size):
        first_s[seen[n]] = min(first_s[seen[n]], t)


_NO_LABEL = np.iinfo(np.int64).min
"""A track id the picture holds no label for (a threat index is >= 0, a false one's < 0)."""


@njit
def _relabel(
    track_of: IntArray,
    truth: IntArray,
    labels: IntArray,
    changed: IntArray,
    firm_ids: IntArray,
    firm: BoolArray,
    first_track_s: FloatArray,
    t: float,
) -> tuple[int, bool]:
    """What a step at ``t`` that updated track ``track_of[n]`` (< 0: none) with a measurement of
    threat ``truth[n]`` means for the tracks' labels (``labels``: threat per track id, updated in
    place, :data:`_NO_LABEL` for none): a track follows the last threat that updated it; a track
    only false targets or false alarms updated keeps what it had, or the first of them when it is
    new. Writes the track ids whose label changed, in the order of their changes, to ``changed``
    (as long as ``track_of``); notes the threats on firm tracks (:func:`_first_firm`). Returns how
    many changes, and whether a track took a threat it did not follow (a new one included); -1 and
    nothing done when a track id is past ``labels``."""
    for n in range(track_of.size):
        if track_of[n] >= labels.size:
            return -1, False
    n_changed = 0
    relabelled = any_real = False
    for n in range(track_of.size):
        track, threat = track_of[n], truth[n]
        if track < 0:
            continue
        if threat >= 0:
            if labels[track] != threat:
                labels[track] = threat
                changed[n_changed] = track
                n_changed += 1
                relabelled = True
            any_real = True
        elif labels[track] == _NO_LABEL:
            labels[track] = threat
            changed[n_changed] = track
            n_changed += 1
    if any_real:
        _first_firm(firm_ids, firm, track_of, truth, first_track_s, t)
    return n_changed, relabelled


@njit
def _first_firm(
    firm_ids: IntArray,
    firm: BoolArray,
    track_of: IntArray,
    truth: IntArray,
    first_track_s: FloatArray,
    t: float,
) -> None:
    """A step at ``t`` updated track ``track_of[n]`` with a measurement of threat ``truth[n]``:
    threats on tracks that were firm (``firm`` over the increasing ``firm_ids``) have been
    tracked since ``t`` at the latest."""
    for n in range(track_of.size):
        track, threat = track_of[n], truth[n]
        if track < 0 or threat < 0:
            continue
        at = np.searchsorted(firm_ids, track)
        if at < firm_ids.size and firm_ids[at] == track and firm[at]:
            first_track_s[threat] = min(first_track_s[threat], t)


class _PicturePart:
    """Some of a picture's decision cycles, for :func:`recorder.record_tracks`: a picture's whole run
    of tracks converted at once would be a peak of memory growing with simulated time."""

    def __init__(self, pic: TrackPicture, cycles: list[tuple[float, IntArray, FloatArray, FloatArray]]):
        self.picture, self.name, self.frame, self.track_name = cycles, pic.name, pic.frame, pic.track_name


def _picture_parts(pic: TrackPicture, rows: int = 1 << 16) -> Iterator[TrackPicture]:
    """A picture's decision cycles in consecutive parts of about ``rows`` track rows."""
    start, held = 0, 0
    for k, (_, ids, _, _) in enumerate(pic.picture):
        held += ids.size
        if held >= rows:
            yield cast(TrackPicture, _PicturePart(pic, pic.picture[start : k + 1]))
            start, held = k + 1, 0
    if start < len(pic.picture):
        yield cast(TrackPicture, _PicturePart(pic, pic.picture[start:]))


def _instants(
    times: FloatArray, kinds: IntArray, who: IntArray, which: IntArray, chunk: int = 4096
) -> Iterator[tuple[float, int, int, int]]:
    """The schedule's instants as Python scalars, converted a chunk at a time (a whole run's at once
    would be a list of Python objects growing with simulated time)."""
    for lo in range(0, times.size, chunk):
        hi = lo + chunk
        part = (times[lo:hi], kinds[lo:hi], who[lo:hi], which[lo:hi])
        yield from zip(*(a.tolist() for a in part), strict=True)


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
