"""Portable floating point: the process environment under which a run gives the same bytes on any
x86-64 Linux machine (glibc), not only on machines with the same CPU.

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
- numba's compiler folds a math function of constants (``math.exp(-1.0 / tau)``) into a constant
  with the libm of the process that compiles, so a kernel compiled in a default run and read back
  from numba's cache carries the FMA variant's bits.

One differing bit in a detection probability can flip a draw, and the run goes another way. This
module names the environment that pins all four to one route: NumPy's build baseline, libm without
FMA, OpenBLAS's Nehalem kernels on one thread, and numba's ``generic`` x86-64 target, which also
gives portable runs cache entries of their own, compiled under the pinned libm. The bytes are then
the same for the same versions of samsim, its Python libraries and glibc; another C library (musl,
macOS, Windows) has its own libm, which this cannot pin. The variables are read when the libraries load
(glibc's when the process starts), so they must be set before the process starts: ``samsim
--portable COMMAND`` starts itself again under them, and a script can be run under
:func:`environment` (``env $(python -m samsim.portable) python script.py``).

The first portable run compiles every kernel once for the generic target (about a minute); later
ones read numba's cache and are about 5 % slower than default runs. Results differ from a default
run on the same machine by rounding.
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


_UNSET = ("NPY_DISABLE_CPU_FEATURES", "NUMBA_CPU_FEATURES")
"""Variables :func:`environment` removes: NumPy refuses to start with both of its lists set, and numba
would add the features to the generic target."""


def _numpy_baseline() -> str:
    """The CPU features NumPy was built for (its baseline), which it runs whatever it finds."""
    import numpy as np

    baseline: list[str] = np.__config__.CONFIG["SIMD Extensions"]["baseline"]
    return ",".join(baseline)


def environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (the current environment by default) with the variables that pin NumPy, libm, OpenBLAS
    and numba to their baseline routes and :data:`MARKER`, without those in :data:`_UNSET`. A
    ``GLIBC_TUNABLES`` already set is kept, with the CPU mask appended (glibc takes the last setting
    of a tunable)."""
    env = dict(os.environ if base is None else base)
    tunables = env.get("GLIBC_TUNABLES", "")
    env["GLIBC_TUNABLES"] = f"{tunables}:{_GLIBC_HWCAPS}" if tunables else _GLIBC_HWCAPS
    env["NPY_ENABLE_CPU_FEATURES"] = _numpy_baseline()
    env["NUMBA_CPU_NAME"] = "generic"
    env["OPENBLAS_CORETYPE"] = _OPENBLAS_CORE
    env["OPENBLAS_NUM_THREADS"] = "1"
    env[MARKER] = "1"
    for name in _UNSET:
        env.pop(name, None)
    return env


def active() -> bool:
    """Whether this process runs under :func:`environment` (its variables all set, not just the
    marker)."""
    env = os.environ
    if env.get(MARKER) != "1" or any(name in env for name in _UNSET):
        return False
    wanted = environment({})
    return env.get("GLIBC_TUNABLES", "").endswith(wanted.pop("GLIBC_TUNABLES")) and all(
        env.get(k) == v for k, v in wanted.items()
    )


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
    """``python -m samsim.portable``: the arguments that make ``env`` start a command under
    :func:`environment` (``-u NAME`` for a variable it removes, ``NAME=value`` for one it sets)."""
    current = os.environ
    words = [f"-u {name}" for name in _UNSET if name in current]
    words += [f"{k}={v}" for k, v in environment().items() if current.get(k) != v]
    print(" ".join(words))


if __name__ == "__main__":
    _main()
