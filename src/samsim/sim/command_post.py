"""A battery's command post during a run: its radars' geometry, its tracker and what each track is,
its fire plan, runtime state and flight recorder.

The tracker fuses every radar of the battery centrally (:class:`samsim.tracking.Tracker`); this
module decides which radar's scan counts as a miss against which track (:meth:`BatteryRuntime.expected`).
"""

from __future__ import annotations

import numpy as np

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.constants import MEAN_EARTH_RADIUS_M
from samsim.sim.battery import BatteryState, FlightRecorder, initial_state
from samsim.sim.sensing import RadarGeometry, radar_geometry, visible
from samsim.sim.weapons import FirePlan, fire_plan
from samsim.sim.world import CompiledBattery, World
from samsim.tracking import Tracker

# Battery tracker settings (documented assumptions; see docs/models.md).
TRACK_Q_M2PS3 = 5.0  # NCV process-noise intensity for aircraft and missiles in cruise
TRACK_Q_MANOEUVRE_M2PS3 = 2000.0  # IMM manoeuvre mode (a few g over a revisit period)
TRACK_GATE = 4.0  # Mahalanobis distance; chi-square 3 d.o.f. beyond 99.5 %
TRACK_CONFIRM_HITS = 3
TRACK_CONFIRM_WINDOW = 5
TRACK_MAX_MISSES = 3
TRACK_INIT_VELOCITY_SIGMA_MPS = 1200.0  # a new track may be a 2 km/s ballistic missile: gate it in
COAST_REVISITS = 2.0  # a firm track not updated for this many of the slowest revisit periods is lost


def battery_tracker() -> Tracker:
    """The tracker of a battery's command post, with the settings above."""
    return Tracker(
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


class BatteryRuntime:
    """What a battery's command post holds during a run."""

    def __init__(self, world: World, index: int):
        self.index = index
        self.battery: CompiledBattery = world.batteries[index]
        self.geometry: list[RadarGeometry] = [
            radar_geometry(world, self.battery, k) for k in range(len(self.battery.radars.ids))
        ]
        self.tracker = battery_tracker()
        self.label: dict[int, int] = {}  # track id -> threat index it follows (-1: false track)
        # radar -> track id -> that radar's last four looks at the track (bit 0: latest; 1 = hit)
        self.looks: list[dict[int, int]] = [{} for _ in self.geometry]
        self.coast_max_s = COAST_REVISITS * max(g.spec.revisit_s for g in self.geometry)
        self.horizon_ref_alt_m = world.horizon_ref_alt_m
        # (time, track ids, battery-frame positions, speeds) at each decision cycle
        self.picture: list[tuple[float, IntArray, FloatArray, FloatArray]] = []
        self.plan: FirePlan = fire_plan(world, self.battery, self.geometry)
        self.state: BatteryState = initial_state(world, self.battery)
        self.recorder = FlightRecorder()

    def track_name(self, track_id: int) -> str:
        return f"{self.battery.id}/T{track_id}"

    def predicted_positions(self, time_s: float) -> FloatArray:
        tr = self.tracker
        dt = (time_s - tr.last_update_s)[:, None]
        return np.asarray(tr.mean[:, :3] + tr.mean[:, 3:] * dt, dtype=np.float64)

    def in_view(self, radar: int, time_s: float) -> BoolArray:
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

    def expected(self, radar: int, time_s: float, in_view: BoolArray) -> BoolArray:
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

    def record_looks(self, radar: int, ids_before: IntArray, in_view: BoolArray, updated: set[int]) -> None:
        """Shift this scan's hit or miss into the radar's look history of each track in its view."""
        looks = self.looks[radar]
        for track_id in ids_before[in_view].tolist():
            looks[track_id] = ((looks.get(track_id, 0) << 1) | (track_id in updated)) & 0b1111
        for track_id in updated:
            if track_id not in looks:  # started by this scan
                looks[track_id] = 1

    def forget(self, track_id: int) -> None:
        """A track was deleted: drop what the post knew about it."""
        self.label.pop(track_id, None)
        for radar_looks in self.looks:
            radar_looks.pop(track_id, None)


def _held(bits: int) -> bool:
    """At least three hits in the last four looks."""
    return bin(bits & 0b1111).count("1") >= 3
