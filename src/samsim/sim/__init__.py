"""The simulation: a scenario compiled into arrays, radars scanned, batteries deciding, the engine loop.

``simulate(scenario, seed)`` runs one replication and returns a :class:`samsim.output.Result`.
"""

from __future__ import annotations

from samsim.sim.engine import Engine, run_seed_sequence, simulate, simulate_world
from samsim.sim.world import World, compile_world

__all__ = ["Engine", "World", "compile_world", "run_seed_sequence", "simulate", "simulate_world"]
