"""samsim: simulate and analyse ground-based long-range air-defence systems of the S-400 class.

The Python API mirrors the command line::

    import samsim
    scenario = samsim.load("examples/ankara-f16-trial.yaml")
    result = samsim.simulate(scenario, seed=1)
    print(result.totals)

The package is layered (docs/architecture.md): ``catalog`` is data, ``models``, ``tracking`` and ``c2``
pure computation, ``scenario`` and ``output`` the formats in and out, ``sim`` the engine, ``study`` and
``coverage`` what is made of it, ``cli`` and ``web`` the faces. The names below load on first use, so
``import samsim`` (and the ``samsim`` command) start quickly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from samsim._version import __version__

if TYPE_CHECKING:
    from samsim.coverage import coverage
    from samsim.output import Result, write_run
    from samsim.scenario import Scenario, ScenarioError, load, loads
    from samsim.sim import simulate
    from samsim.study import monte_carlo

_API = {
    "Result": "samsim.output",
    "Scenario": "samsim.scenario",
    "ScenarioError": "samsim.scenario",
    "coverage": "samsim.coverage",
    "load": "samsim.scenario",
    "loads": "samsim.scenario",
    "monte_carlo": "samsim.study",
    "simulate": "samsim.sim",
    "write_run": "samsim.output",
}

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


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'samsim' has no attribute {name!r}")
    value = getattr(importlib.import_module(_API[name]), name)
    if name != "coverage":  # the subpackage samsim.coverage owns that attribute (it is callable)
        globals()[name] = value
    return value
