"""A Ctrl-C swallowed by a C callback (numba's compiler calls back into Python through ctypes, where
an exception cannot propagate) is handed back to the main thread instead of printed and dropped."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from samsim.cli.app import _deliver_interrupts_again


def test_a_swallowed_ctrl_c_is_raised_again_in_the_main_thread() -> None:
    seen: list[object] = []
    hook = _deliver_interrupts_again(seen.append)
    with pytest.raises(KeyboardInterrupt):
        hook(SimpleNamespace(exc_type=KeyboardInterrupt))
        for _ in range(100):  # the interrupt is raised at the next check of pending signals
            time.sleep(0.01)
    assert seen == []


def test_other_unraisable_exceptions_go_to_the_previous_hook() -> None:
    seen: list[object] = []
    hook = _deliver_interrupts_again(seen.append)
    event = SimpleNamespace(exc_type=ValueError)
    hook(event)
    assert seen == [event]


def test_a_ctrl_c_inside_a_ctypes_callback_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes
    import sys

    def callback() -> None:
        raise KeyboardInterrupt  # as when Ctrl-C lands in llvmlite's object-cache callback

    c_callback = ctypes.CFUNCTYPE(None)(callback)
    monkeypatch.setattr(sys, "unraisablehook", _deliver_interrupts_again(sys.unraisablehook))
    with pytest.raises(KeyboardInterrupt):
        c_callback()  # ctypes cannot propagate it: without the hook it is printed and dropped
        for _ in range(100):
            time.sleep(0.01)


def test_a_ctrl_c_delivered_again_while_stopping_does_not_kill_the_process() -> None:
    """The command is already stopping on one Ctrl-C when a second arrives (re-delivered from a
    callback, or pressed again): it still exits 130 with its message, not by the signal (-2)."""
    import subprocess
    import sys
    import textwrap

    program = textwrap.dedent(
        """
        import time
        from types import SimpleNamespace
        from samsim.cli import app
        say = app.err_console.print
        def say_slowly(*args, **kwargs):  # the re-delivery lands while the command stops, not before
            time.sleep(0.05)
            say(*args, **kwargs)
        app.err_console.print = say_slowly
        hook = app._deliver_interrupts_again(lambda unraisable: None)
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            hook(SimpleNamespace(exc_type=KeyboardInterrupt))  # a re-delivery on its way (10 ms)
            app._stop_interrupted()
        """
    )
    for _ in range(5):
        proc = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False)
        assert proc.returncode == 130, proc.stderr
        assert "interrupted; nothing was written" in proc.stderr


def test_a_ctrl_c_while_the_commands_load_exits_130_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # An extension module interrupted while it initialises raises ImportError("initialization
    # failed") caused by the KeyboardInterrupt; it used to escape as a traceback with exit status 1.
    import builtins

    import samsim.cli as cli

    real_import = builtins.__import__

    def interrupted_import(name: str, *args: object, **kwargs: object) -> object:
        if name == "samsim.cli.app":
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt as exc:
                raise ImportError("initialization failed") from exc
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", interrupted_import)
    monkeypatch.setattr("sys.argv", ["samsim", "run"])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    assert stop.value.code == 130
    assert capsys.readouterr().err.strip() == "interrupted; nothing was written"
    # anything else still surfaces
    assert cli.interrupted(ImportError("no module")) is False


def test_a_ctrl_c_delivered_again_while_a_command_exits_interrupted_does_not_kill_the_process() -> None:
    """A command reports its own Ctrl-C and exits 130 (``typer.Exit(130)``, as ``samsim run`` does)
    while a re-delivered one is on its way: the exit stays 130, not death by the signal (-2, which CI
    saw when a Ctrl-C landed in numba's compiler)."""
    import subprocess
    import sys
    import textwrap

    program = textwrap.dedent(
        """
        import sys, time
        from types import SimpleNamespace
        import typer
        from samsim.cli import app
        def interrupted_command(standalone_mode=False):
            hook = app._deliver_interrupts_again(lambda unraisable: None)
            hook(SimpleNamespace(exc_type=KeyboardInterrupt))  # a re-delivery on its way (10 ms)
            raise typer.Exit(130)
        app.app = interrupted_command
        exit_now = sys.exit
        def exit_slowly(code):  # the re-delivery lands while the process exits
            time.sleep(0.05)
            exit_now(code)
        sys.exit = exit_slowly
        app.main()
        """
    )
    for _ in range(3):
        proc = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False)
        assert proc.returncode == 130, proc.stderr
        assert "Traceback" not in proc.stderr
