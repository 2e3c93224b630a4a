"""Which radars radiate when: emission control (EMCON) and radars destroyed by anti-radiation missiles.

Every radar of every battery has an :class:`Emitter`: the time it starts radiating (the battery's
``radiate_from_s``), its silent intervals and the time it was destroyed. A battery's doctrine
``emcon`` fills the silent intervals:

* ``always_on``: none;
* ``blink``: from ``radiate_from_s`` on, every radar of the battery radiates ``blink_on_s`` then keeps
  silent ``blink_off_s``, in step (the system's ``emcon_*`` figures);
* ``shutdown_on_arm``: an ARM warning at ``t`` — any radar of the scenario holding a firm track of a
  fast target on a course towards one of the battery's radars (:func:`samsim.c2.emcon.arm_warning`) —
  silences every radar of the battery from ``t + switch_off_s`` to ``t + switch_off_s + hold_off_s +
  switch_on_s`` (off for ``hold_off_s``, then back on after ``switch_on_s``). Warnings repeat with the
  track, so a silence lasts until ``hold_off_s + switch_on_s`` after the last warning issued before the
  transmitters went off. Warnings pass between batteries without delay (one integrated defence).

A battery that moves (the scenario's ``moves``) is silent from each order to move until it is
deployed at the new site (reason ``move``), so everything below applies to it as to a silent radar.

The engine hands a radar's scan to its tracker only while the radar radiates (:meth:`Emitters.radiating`)
and reads what an ARM saw of its emitter at impact (:meth:`Emitter.last_emission_s`). A battery whose
engagement radar is silent cannot launch, and its semi-active (track-via-missile) interceptors reaching
their target while it is silent miss; once the engagement radar is destroyed every interceptor it was
guiding is lost (the engine destroys them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from samsim.arrays import BoolArray, FloatArray
from samsim.c2.emcon import arm_warning
from samsim.output.result import EventKind
from samsim.sim.world import CompiledBattery, World

ARM_WARNING_MIN_SPEED_MPS = 450.0
"""A firm track at least this fast (and below the ballistic class) is taken for an ARM. ASSUMED: above
a strike fighter's combat speed (Mach ~1.4) and every subsonic weapon; the AGM-88 flies Mach 1.9."""
ARM_WARNING_CPA_M = 2_000.0
"""... when its predicted horizontal closest approach to a radar is within this distance. ASSUMED: a
track's heading error of ~2° at 50 km, so an ARM is recognised well before impact."""


@dataclass
class Silence:
    """One silent interval of a radar, [start_s, end_s), and why."""

    start_s: float
    end_s: float
    reason: str


@dataclass
class Emitter:
    """The emission history of one radar during a run."""

    radiate_from_s: float
    silences: list[Silence] = field(default_factory=list)  # sorted, disjoint
    destroyed_s: float = math.inf

    def radiating(self, t: float) -> bool:
        """Whether the radar radiates at ``t``. Asked at every scan of every radar: a plain loop (no
        generator) that stops at the first silence starting after ``t`` (they are sorted and disjoint,
        so none later holds it)."""
        if t < self.radiate_from_s or t >= self.destroyed_s:
            return False
        for s in self.silences:
            if t < s.start_s:
                break
            if t < s.end_s:
                return False
        return True

    def silence(self, start_s: float, end_s: float, reason: str) -> None:
        """Keep the radar silent over [start_s, end_s), merged with the silences it overlaps or touches."""
        merged = Silence(start_s, end_s, reason)
        keep: list[Silence] = []
        for s in self.silences:
            if s.end_s < merged.start_s or s.start_s > merged.end_s:
                keep.append(s)
            else:
                if s.start_s <= merged.start_s:
                    merged.reason = s.reason
                merged.start_s = min(merged.start_s, s.start_s)
                merged.end_s = max(merged.end_s, s.end_s)
        keep.append(merged)
        self.silences = sorted(keep, key=lambda s: s.start_s)

    def last_emission_s(self, t: float) -> float:
        """The latest time up to ``t`` at which the radar radiated (-inf if it never did)."""
        time = min(t, self.destroyed_s)
        for s in self.silences:  # disjoint: at most one holds the time
            if s.start_s <= time < s.end_s:
                time = s.start_s
                break
        return time if time >= self.radiate_from_s else -math.inf


class Emitters:
    """Every radar's :class:`Emitter`, and the ARM-warning geometry of the batteries."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.radars: list[list[Emitter]] = [
            [Emitter(radiate_from_s=b.radiate_from_s) for _ in b.radars.ids] for b in world.batteries
        ]
        for b, bat in enumerate(world.batteries):
            if bat.doctrine.emcon == "blink":
                for em in self.radars[b]:
                    _blink(em, bat, world.duration_s)
        # A battery on the move radiates nothing from the order to move until it is deployed again.
        for b, bat in enumerate(world.batteries):
            for site in bat.sites[1:]:
                for em in self.radars[b]:
                    em.silence(site.move_at_s, site.from_s, "move")
        self._warned = [b.doctrine.emcon == "shutdown_on_arm" for b in world.batteries]
        roles = [[s.role for s in b.radars.specs] for b in world.batteries]
        # asked for every fire unit at every decision cycle (can_guide): looked up once
        self._engagement = [r.index("engagement") if "engagement" in r else None for r in roles]
        ecef = [bat.radars.ecef_m[k] for bat in world.batteries for k in range(len(bat.radars.ids))]
        self._owner = np.array(
            [b for b, bat in enumerate(world.batteries) for _ in bat.radars.ids], dtype=np.int64
        )
        # Every radar in each battery's frame, to judge that battery's tracks against all radars.
        self._radar_enu = [bat.frame.ecef_to_enu(np.array(ecef).reshape(-1, 3)) for bat in world.batteries]

    @property
    def any_shutdown_on_arm(self) -> bool:
        """Whether any battery shuts down on ARM warnings (else warnings need not be looked for)."""
        return any(self._warned)

    def radiating(self, battery: int, radar: int, t: float) -> bool:
        return self.radars[battery][radar].radiating(t)

    def engagement_radar(self, battery: int) -> int | None:
        """Index of the battery's engagement radar (None: it has none)."""
        return self._engagement[battery]

    def can_guide(self, battery: int, t: float) -> bool:
        """Whether the battery's engagement radar radiates at ``t`` (it can launch and guide)."""
        k = self._engagement[battery]  # engagement_radar and radiating, inlined: asked per fire unit
        return k is not None and self.radars[battery][k].radiating(t)

    def warn(self, battery: int, track_pos_m: FloatArray, track_vel_mps: FloatArray, t: float) -> list[int]:
        """ARM warnings from one battery's firm tracks (its frame) at ``t``: silence the radars of every
        ``shutdown_on_arm`` battery a track flies at; returns those batteries."""
        if not self.any_shutdown_on_arm or track_pos_m.shape[0] == 0:
            return []
        radar_enu = self._radar_enu[battery]
        if any(bat.sites for bat in self.world.batteries):  # where the radars stand now
            ecef = np.concatenate([bat.radar_ecef_at(t) for bat in self.world.batteries])
            radar_enu = self.world.batteries[battery].frame.ecef_to_enu(ecef)
        hits: BoolArray = arm_warning(
            track_pos_m,
            track_vel_mps,
            radar_enu,
            ARM_WARNING_MIN_SPEED_MPS,
            ARM_WARNING_CPA_M,
        )
        targeted = sorted(set(self._owner[np.any(hits, axis=0)].tolist()))
        silenced = [b for b in targeted if self._warned[b]]
        for b in silenced:
            e = self.world.batteries[b].spec.emcon
            off_s = t + e.switch_off_s
            for em in self.radars[b]:
                if em.destroyed_s > off_s:
                    em.silence(off_s, off_s + e.hold_off_s + e.switch_on_s, "shutdown_on_arm")
        return silenced

    def destroy(self, battery: int, radar: int, t: float) -> None:
        self.radars[battery][radar].destroyed_s = min(self.radars[battery][radar].destroyed_s, t)

    def events(self, duration_s: float) -> list[tuple[float, EventKind, int, int, str]]:
        """``(time, kind, battery, radar, detail)`` of every radar_off and radar_on of the run (a
        radar destroyed while silent never comes back on)."""
        out: list[tuple[float, EventKind, int, int, str]] = []
        for b, ems in enumerate(self.radars):
            for k, em in enumerate(ems):
                for s in em.silences:
                    start = max(s.start_s, em.radiate_from_s)
                    if start >= min(duration_s, em.destroyed_s) or start >= s.end_s:
                        continue
                    why = "moving" if s.reason == "move" else f"emcon={s.reason}"
                    out.append((start, "radar_off", b, k, why))
                    if s.end_s <= duration_s and s.end_s < em.destroyed_s:
                        out.append((s.end_s, "radar_on", b, k, why))
        return sorted(out)


def _blink(em: Emitter, battery: CompiledBattery, duration_s: float) -> None:
    """Blinking: on for ``blink_on_s``, off for ``blink_off_s``, from the time the radar starts."""
    e = battery.spec.emcon
    period = e.blink_on_s + e.blink_off_s
    if e.blink_off_s <= 0.0:
        return
    start = em.radiate_from_s + e.blink_on_s
    while start < duration_s:
        em.silence(start, start + e.blink_off_s, "blink")
        start += period
