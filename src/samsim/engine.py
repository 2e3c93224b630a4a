"""The engine: one replication of a compiled world, as a story told in time order.

Threat motion is known in closed form (trajectory tables), so the engine only visits the times that
matter: radar scans, command-post decision cycles, interceptor flight and the leak times of threats.
Components report to one :class:`~samsim.results.EventLog`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from samsim.results import EventLog, InterceptorOutcome, Result, ThreatOutcome, TrajectoryLog
from samsim.scenario import Scenario
from samsim.world import TABLE_DT_S, World, compile_world

FloatArray = NDArray[np.float64]

OUTPUT_STEP_S = 1.0
"""Sampling interval of trajectories.parquet."""


class Engine:
    """Runs one replication; create one per run."""

    def __init__(self, world: World, seed: int):
        self.world = world
        self.seed = int(seed)
        self.events = EventLog()
        threats = world.threats
        self.killed_s = np.full(threats.count, np.inf)
        self.outcomes = [
            ThreatOutcome(id=tid, type=ttype) for tid, ttype in zip(threats.ids, threats.types, strict=True)
        ]
        self.interceptors: list[InterceptorOutcome] = []
        self.trajectories = TrajectoryLog()

    # -----------------------------------------------------------------------------------------
    def run(self) -> Result:
        self._settle_fates()
        self._record_threat_trajectories()
        return Result(
            scenario=self.world.name,
            seed=self.seed,
            duration_s=self.world.duration_s,
            threats=self.outcomes,
            interceptors=self.interceptors,
            events=self.events.table(),
            trajectories=self.trajectories.table(),
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
        world = self.world
        t = world.threats
        stride = max(int(round(OUTPUT_STEP_S / TABLE_DT_S)), 1)
        end_s = self._end_s()
        for i in range(t.count):
            n = int(t.table_n[i])
            k = np.arange(0, n, stride)
            times = t.table_t0_s[i] + k * TABLE_DT_S
            keep = times <= end_s[i] + 1e-9
            k, times = k[keep], times[keep]
            if end_s[i] > t.start_s[i] and (times.size == 0 or times[-1] < end_s[i] - 1e-6):
                times = np.append(times, end_s[i])
            if times.size == 0:
                continue
            from samsim.world import positions_ecef

            ecef = positions_ecef(t, np.full(times.size, i), times)
            self._add_track_rows(times, t.ids[i], "threat", None, ecef)

    def _add_track_rows(
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


def simulate(scenario: Scenario, seed: int | None = None) -> Result:
    """Run one replication of ``scenario`` (with ``seed``, default the scenario's own)."""
    world = compile_world(scenario)
    return Engine(world, scenario.seed if seed is None else seed).run()
