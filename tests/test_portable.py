"""samsim.portable: the environment that makes a run's bytes independent of the machine's CPU."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from samsim import portable
from samsim.cli import _asks_portable

ROOT = Path(__file__).resolve().parents[1]
SAMSIM = [sys.executable, "-m", "samsim.cli"]

# An older machine, without AVX-512, AVX2 or FMA, as far as NumPy, glibc's libm and OpenBLAS can tell
# (numba's target is the same for both: portable runs compile for the generic one).
OLDER_MACHINE = {
    "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
    "GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX,-AVX2,-FMA,-FMA4,-AVX512F",
    "OPENBLAS_CORETYPE": "Sandybridge",
}
HAS_FMA = "X86_V3" in np.__config__.CONFIG["SIMD Extensions"]["found"]  # AVX2 and FMA3


def test_environment_pins_numpy_libm_and_openblas() -> None:
    env = portable.environment({"PATH": "/bin"})
    assert env["PATH"] == "/bin"
    assert env["NPY_ENABLE_CPU_FEATURES"] == ",".join(np.__config__.CONFIG["SIMD Extensions"]["baseline"])
    assert env["GLIBC_TUNABLES"] == "glibc.cpu.hwcaps=-AVX,-AVX2,-FMA,-FMA4,-AVX512F"
    assert env["OPENBLAS_CORETYPE"] == "Nehalem"
    assert env["OPENBLAS_NUM_THREADS"] == "1"
    assert env["NUMBA_CPU_NAME"] == "generic"
    assert env[portable.MARKER] == "1"


def test_environment_keeps_other_tunables_and_drops_numpys_disable_list() -> None:
    env = portable.environment(
        {"GLIBC_TUNABLES": "glibc.malloc.check=3", "NPY_DISABLE_CPU_FEATURES": "X86_V4"}
    )
    assert env["GLIBC_TUNABLES"] == "glibc.malloc.check=3:glibc.cpu.hwcaps=-AVX,-AVX2,-FMA,-FMA4,-AVX512F"
    assert "NPY_DISABLE_CPU_FEATURES" not in env  # NumPy refuses to start with both lists set


def test_the_marker_alone_is_not_portable(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in portable.environment().items():
        monkeypatch.setenv(name, value)
    assert portable.active()
    monkeypatch.setenv("NUMBA_CPU_NAME", "skylake")
    assert not portable.active()
    monkeypatch.setenv("NUMBA_CPU_NAME", "generic")
    monkeypatch.setenv("NPY_DISABLE_CPU_FEATURES", "X86_V4")
    assert not portable.active()


def test_the_env_words_unset_what_the_environment_removes() -> None:
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": "X86_V4", "NUMBA_CPU_FEATURES": "+avx2"}
    words = _child("from samsim.portable import _main; _main()", env).split()
    assert words[:4] == ["-u", "NPY_DISABLE_CPU_FEATURES", "-u", "NUMBA_CPU_FEATURES"]
    assert "NUMBA_CPU_NAME=generic" in words and "SAMSIM_PORTABLE=1" in words


def _child(code: str, env: dict[str, str]) -> str:
    """What ``python -c code`` prints, run under ``env``."""
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return out.stdout


_FIGURES = """
import hashlib, math, numpy as np
x = np.random.default_rng(5).uniform(-40.0, 40.0, 20000)
p = np.abs(x) + 1e-6
numpy_route = np.concatenate([np.exp(x), np.log10(p), np.power(10.0, x / 10.0), np.arctan2(x, 1.5 - x)])
libm = np.array([math.exp(v) for v in x] + [math.log10(v) for v in p]
                + [math.pow(10.0, v / 10.0) for v in x] + [math.atan2(v, 1.5 - v) for v in x])
print(int((numpy_route != libm).sum()), hashlib.sha256(libm.tobytes()).hexdigest())
"""


def test_numpy_takes_libms_route_and_libm_its_baseline_one() -> None:
    """Under the environment NumPy's transcendental functions give libm's floats (it would use its
    own AVX-512 loops otherwise), and libm gives the same floats as on an emulated machine without
    FMA (where a default process takes other libm code)."""
    here = _child(_FIGURES, portable.environment())
    smaller = _child(_FIGURES, portable.environment({**os.environ, **OLDER_MACHINE}))
    differing, digest = here.split()
    assert differing == "0"
    assert smaller.split()[1] == digest


def _run_digest(tmp: Path, name: str, env: dict[str, str], *, portable_fp: bool) -> str:
    out = tmp / name
    cmd = [*SAMSIM, *(["--portable"] if portable_fp else []), "run", str(ROOT / "examples/raid-48.yaml")]
    subprocess.run([*cmd, "-o", str(out), "-q", "--seed", "2"], env=env, check=True, capture_output=True)
    h = hashlib.sha256()
    for file in ("summary.json", "events.parquet"):
        h.update((out / file).read_bytes())
    return h.hexdigest()


def test_portable_runs_give_the_same_bytes_on_an_older_machine(tmp_path: Path) -> None:
    """The end-to-end claim: `samsim --portable run` writes the same summary and events whether the
    CPU has AVX-512, AVX2 and FMA or not (emulated by the libraries' own switches)."""
    on_this_machine = _run_digest(tmp_path, "here", dict(os.environ), portable_fp=True)
    on_older = _run_digest(tmp_path, "older", {**os.environ, **OLDER_MACHINE}, portable_fp=True)
    assert on_older == on_this_machine
    if (
        "X86_V4" in np.__config__.CONFIG["SIMD Extensions"]["found"]
    ):  # the emulation is not vacuous: default runs do differ
        default_here = _run_digest(tmp_path, "default-here", dict(os.environ), portable_fp=False)
        default_older = _run_digest(
            tmp_path, "default-older", {**os.environ, **OLDER_MACHINE}, portable_fp=False
        )
        assert default_older != default_here


def test_the_command_says_when_it_runs_portable() -> None:
    out = subprocess.run([*SAMSIM, "--portable", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("(portable floating point)")
    plain = subprocess.run([*SAMSIM, "--version"], capture_output=True, text=True, check=True)
    assert "portable" not in plain.stdout


def test_only_the_flag_before_the_command_restarts() -> None:
    assert _asks_portable(["--portable", "run", "x.yaml"])
    assert _asks_portable(["--version", "--portable"])
    assert not _asks_portable(["run", "x.yaml", "--portable"])  # the command's argument, left to it
    assert not _asks_portable([])
