"""The forkserver's exception hook: a worker start-up cut short by a stopped study is silent, any
other failure is printed."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT

PROGRAM = textwrap.dedent(
    """
    import sys
    import samsim.study._forkserver
    try:
        raise {error}("semaphore /mp-xyz")
    except BaseException:
        sys.excepthook(*sys.exc_info())
    """
)


@pytest.mark.parametrize(
    ("error", "printed"),
    [("FileNotFoundError", False), ("EOFError", False), ("BrokenPipeError", False), ("ValueError", True)],
)
def test_only_a_start_up_cut_short_by_the_parent_is_silent(error: str, printed: bool) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROGRAM.format(error=error)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert ("Traceback" in proc.stderr) is printed
    assert (f"{error}: semaphore /mp-xyz" in proc.stderr) is printed


def test_the_parent_never_installs_the_hook() -> None:
    """The study's own process imports the executors, not the forkserver's module: its tracebacks
    are untouched."""
    program = "import sys, samsim.study.executors as e; e._mp_context(); print(sys.excepthook is sys.__excepthook__)"
    proc = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip() == "True"
