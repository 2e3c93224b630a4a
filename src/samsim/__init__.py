"""samsim: simulate and analyse ground-based long-range air-defence systems of the S-400 class.

The Python API mirrors the command line::

    import samsim
    scenario = samsim.load("examples/ankara-f16-trial.yaml")
    result = samsim.simulate(scenario, seed=1)
    print(result.totals)

The package is layered (``docs/architecture.md``): ``catalog`` and ``scenario`` are data, ``models``,
``tracking`` and ``c2`` pure computation, ``sim`` the engine, ``output``, ``study`` and ``coverage``
what is made of its results, ``cli`` and ``web`` the faces.
"""

from __future__ import annotations

from samsim._version import __version__
from samsim.coverage import coverage
from samsim.output import Result, write_run
from samsim.scenario import Scenario, ScenarioError, load, loads
from samsim.sim import simulate
from samsim.study import monte_carlo

__all__ = [
    "Result",
    "Scenario",
    "ScenarioError",
    "__version__",
    "coverage",
    "load",
    "loads",
    "monte_carlo",
    "simulate",
    "write_run",
]
