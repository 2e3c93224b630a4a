"""Portable floating point: the process environment under which a run gives the same bytes on any
x86-64 machine, not only on machines with the same CPU.

Without it a result is byte-identical on one machine (and on machines with the same CPU model), but
the last bit of many floating-point results depends on the CPU, through four libraries that choose
their code for it:

- NumPy dispatches its float64 ``exp``, ``log``, ``log10``, ``power``, ``arctan2``, ``arcsin`` and
  others to AVX-512 or AVX2 loops when the CPU has them. On an AVX-512 machine 4-13 % of their
  results differ in the last bit from the baseline (SSE) route that an AVX2-only machine takes.
- glibc's libm, which Python's ``math``, NumPy's baseline loops and every numba kernel call, picks
  FMA variants of ``exp``, ``log``, ``pow``, ``sin``, ``cos``, ``atan`` ... on CPUs with FMA: 0.01-0.08 %
  of results differ from the variants without.
- OpenBLAS (NumPy's ``@`` on matrices) picks a kernel per CPU family, with different summation.
- numba compiles its kernels for the machine's own CPU model, and LLVM's code for two models
  (measured: Rocket Lake against Skylake-AVX512, both AVX-512) differs in the last bit of a few
  interceptor states.

One differing bit in a detection probability can flip a draw, and the run goes another way. This
module names the environment that pins all four to one route: NumPy's build baseline, libm without
FMA, OpenBLAS's Nehalem kernels on one thread, and numba's ``generic`` x86-64 target (numba's own
switch for code that runs the same anywhere). The variables are read when the libraries load
(glibc's when the process starts), so they must be set before the process starts: ``samsim
--portable COMMAND`` starts itself again under them, and a script can be run under
:func:`environment` (``env $(python -m samsim.portable) python script.py``).

The first portable run compiles every kernel once for the generic target (about a minute); later
ones read numba's cache. Results differ from a default run on the same machine by rounding.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

__all__ = ["MARKER", "active", "environment", "restart"]

MARKER = "SAMSIM_PORTABLE"
"""Set to ``1`` in a process started under :func:`environment`."""

# glibc's libm variants are chosen on these CPU features (sysdeps/x86_64/fpu/multiarch); masking them
# leaves the SSE2 code every x86-64 CPU runs.
_GLIBC_HWCAPS = "glibc.cpu.hwcaps=-AVX,-AVX2,-FMA,-FMA4,-AVX512F"
# The oldest core type NumPy's own baseline (x86-64-v2: SSE4.2) runs on.
_OPENBLAS_CORE = "Nehalem"


def _numpy_baseline() -> str:
    """The CPU features NumPy was built for (its baseline), which it runs whatever it finds."""
    import numpy as np

    baseline: list[str] = np.__config__.CONFIG["SIMD Extensions"]["baseline"]
    return ",".join(baseline)


def environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (the current environment by default) with the variables that pin NumPy, libm and
    OpenBLAS to their baseline routes, and :data:`MARKER`. A ``GLIBC_TUNABLES`` already set is kept,
    with the CPU mask appended (glibc takes the last setting of a tunable)."""
    env = dict(os.environ if base is None else base)
    tunables = env.get("GLIBC_TUNABLES", "")
    env["GLIBC_TUNABLES"] = f"{tunables}:{_GLIBC_HWCAPS}" if tunables else _GLIBC_HWCAPS
    env["NPY_ENABLE_CPU_FEATURES"] = _numpy_baseline()
    env.pop("NPY_DISABLE_CPU_FEATURES", None)  # NumPy refuses both at once
    env["NUMBA_CPU_NAME"] = "generic"
    env.pop("NUMBA_CPU_FEATURES", None)  # the generic target's: none
    env["OPENBLAS_CORETYPE"] = _OPENBLAS_CORE
    env["OPENBLAS_NUM_THREADS"] = "1"
    env[MARKER] = "1"
    return env


def active() -> bool:
    """Whether this process was started under :func:`environment`."""
    return os.environ.get(MARKER) == "1"


def restart(argv: list[str]) -> None:
    """Replace this process by the same command (``argv`` as ``sys.argv``) under :func:`environment`;
    never returns."""
    # the console script again by path (a module's file run as a script would put its folder, full of
    # names such as coverage.py, first on sys.path)
    script = argv[0] if argv and os.path.isfile(argv[0]) and not argv[0].endswith(".py") else None
    command = [sys.executable, script] if script else [sys.executable, "-m", "samsim.cli"]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [*command, *argv[1:]], environment())


def _main() -> None:
    """``python -m samsim.portable``: the variables as ``NAME=value`` words for ``env``."""
    current = os.environ
    print(" ".join(f"{k}={v}" for k, v in environment().items() if current.get(k) != v))


if __name__ == "__main__":
    _main()
