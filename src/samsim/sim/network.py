"""Command posts: several batteries fought as one integrated air defence.

A command post (the 55K6E of an S-400 regiment's 30K6E control system) keeps one air picture: a
single tracker (:class:`~samsim.sim.command_post.TrackPicture`, in the post's own local frame) fed by
the radar measurements of every battery it directs, each arriving after the link latency and carrying
the time it was measured, so the picture at a decision is as old as the links make it. Each decision
cycle it solves one weapon–target assignment over all its fire units
(:func:`samsim.sim.battery.decide`): every battery a group with its own fire channels, stocks, ready
launchers and intercept geometry from its own site. A battery fires on a network track only if its
own engagement radar holds it, unless its system may engage on remote tracks (catalog
``engage_on_remote``). Kill assessments and leaks reach the post after the link latency; from then on
nobody it directs fires at that threat.

When the post is destroyed or cut off (``commands[].destroyed_s`` / ``cut_s``) its batteries fight on
alone from then on, each from its own picture (which they keep all along when that can happen). A
battery with ``command: autonomous`` never joins a post.

Modelling choices (docs/models.md, "Network"): messages between any two units of one post take the
post's ``link_latency_s``; kill reports are correlated with the receivers' tracks perfectly (by the
threat they follow); orders reach the batteries at once (their delay is part of ``reaction_s``);
interceptors fired on a network track get their mid-course updates from the network picture.
"""

from __future__ import annotations

import numpy as np

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.geodesy import frame_map
from samsim.sim.battery import (
    ENGAGE_MAX_AGE_S,
    CommandDoctrine,
    FireUnit,
    battery_command_doctrine,
)
from samsim.sim.command_post import BatteryRuntime, TrackPicture
from samsim.sim.sensing import RadarGeometry
from samsim.sim.world import CompiledCommand, World
from samsim.tracking import StepResult


class CommandPost(TrackPicture):
    """A command post during a run: its fused picture and the batteries it directs."""

    def __init__(self, world: World, command: CompiledCommand, batteries: list[BatteryRuntime]):
        self.command = command
        self.members = [batteries[b] for b in command.batteries]
        frame = command.frame
        geometry: list[RadarGeometry] = []
        self.radar_offset: dict[int, int] = {}  # battery index -> index of its first radar here
        self.to_post: dict[int, tuple[FloatArray, FloatArray]] = {}  # battery frame -> post frame
        self.engagement_radar: list[int] = []  # per radar here: the member whose engagement radar it is
        for m, rt in enumerate(self.members):
            self.radar_offset[rt.index] = len(geometry)
            self.to_post[rt.index] = frame_map(rt.battery.frame, frame)
            for g in rt.geometry:
                enu = frame.ecef_to_enu(rt.battery.frame.enu_to_ecef(g.enu_m))
                geometry.append(
                    RadarGeometry(
                        enu_m=np.asarray(enu, np.float64),
                        spec=g.spec,
                        antenna_height_m=g.antenna_height_m,
                        refraction_k=g.refraction_k,
                    )
                )
                self.engagement_radar.append(m if g.spec.role == "engagement" else -1)
        # a column per member: when its own engagement radar last updated each track (-inf: never)
        super().__init__(
            command.id, frame, geometry, world.horizon_ref_alt_m, world.assets.ecef_m, len(self.members)
        )
        self.units = []
        for rt in self.members:
            rot, off = frame_map(frame, rt.battery.frame)
            self.units.append(FireUnit(rt.plan, rt.state, rt.recorder, rotation=rot, offset_m=off))
        # the post's reaction time bounds its units'; each fights by its own (CommandDoctrine.for_unit)
        self.doctrine: CommandDoctrine = battery_command_doctrine(self.members[0].plan, command.reaction_s)
        self.member_of = {rt.index: m for m, rt in enumerate(self.members)}  # world index -> member

    @property
    def latency_s(self) -> float:
        return self.command.link_latency_s

    @property
    def lost_s(self) -> float:
        return self.command.lost_s

    def receive(
        self,
        battery: int,
        radar: int,
        time_s: float,
        z_m: FloatArray,
        cov_m2: FloatArray,
        snr_db: FloatArray,
        range_m: FloatArray,
    ) -> StepResult:
        """Fuse one scan of a member's radar (measured at ``time_s``, battery-frame ENU)."""
        k = self.radar_offset[battery] + radar
        member = self.engagement_radar[k]  # its own engagement radar: the member holds what it updated
        return self.step(
            k,
            time_s,
            z_m,
            cov_m2,
            snr_db,
            range_m,
            stamp_col=self._col_extra + member if member >= 0 else -1,
            to_frame=self.to_post[battery],
        )

    def mark_held(self, res: StepResult, battery: int, time_s: float) -> None:
        """Battery ``battery`` (a world index) holds the tracks ``res`` updated (a strobe fix of its)."""
        self._held(res, self.member_of[battery], time_s)

    def _held(self, res: StepResult, member: int, time_s: float) -> None:
        self._aux[self._rows_updated_by(res), self._col_extra + member] = time_s

    def held_s(self, track_ids: IntArray) -> FloatArray:
        """(n, members): when each member's own engagement radar last updated each of these current
        tracks (-inf: never)."""
        rows, found = self._rows_of(np.asarray(track_ids, dtype=np.int64))
        held = self._aux[rows, self._col_extra : self._col_extra + len(self.members)]
        held[~found] = -np.inf
        return np.asarray(held, dtype=np.float64)

    def fire_units(self, t: float, active: BoolArray) -> list[FireUnit]:
        """The members still fighting under the post (``active``), each holding the firm tracks its
        own engagement radar updated within :data:`~samsim.sim.battery.ENGAGE_MAX_AGE_S`."""
        view = self.tracker.view()
        fresh = (t - self.held_s(view.ids[view.confirmed])) <= ENGAGE_MAX_AGE_S
        if active.all():  # every member (the engine's command cycle): no test per member
            for unit, holds in zip(self.units, fresh.T, strict=True):
                unit.holds = holds
            return list(self.units)
        units = []
        for m, unit in enumerate(self.units):
            if active[m]:
                unit.holds = fresh[:, m]
                units.append(unit)
        return units
