"""Multi-target tracking: batched NCV Kalman and IMM filters, gating, GNN association, track management.

The public entry point is :class:`Tracker`; the kernels it is built from live in
:mod:`~samsim.tracking.models` (motion models), :mod:`~samsim.tracking.kalman`,
:mod:`~samsim.tracking.imm`, :mod:`~samsim.tracking.gating` and :mod:`~samsim.tracking.association`.
"""

from samsim.tracking.association import assign_dense, gnn
from samsim.tracking.gating import gate_pairs
from samsim.tracking.tracker import ScoreLogic, StepResult, Tracker

__all__ = ["ScoreLogic", "StepResult", "Tracker", "assign_dense", "gate_pairs", "gnn"]
