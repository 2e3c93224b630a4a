"""Output folders are safe: samsim writes only into a new or empty folder or one holding its own kind
of output, never touches anything else, and handles ``-o .``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from samsim import loads, simulate
from samsim.output import RUN_WRITERS, write_run
from samsim.output.files import OutputFolderError
from tests.conftest import ROOT
from tests.output.test_writers import SCENARIO


def test_a_folder_with_foreign_files_is_refused_and_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "important"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(OutputFolderError, match="notes.txt, which samsim did not write"):
        write_run(simulate(loads(SCENARIO), seed=1), out)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert (out / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["important"]


def test_a_previous_run_is_replaced_and_a_file_path_refused(tmp_path: Path) -> None:
    result = simulate(loads(SCENARIO), seed=1)
    out = write_run(result, tmp_path / "run")
    write_run(result, out)  # its own output: replaced
    assert sorted(p.name for p in out.iterdir()) == sorted(RUN_WRITERS)
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(OutputFolderError, match="not a folder"):
        write_run(result, target)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "samsim.cli", *args], cwd=cwd, capture_output=True, text=True, env=env
    )


def test_cli_run_and_coverage_refuse_foreign_folders_with_exit_2(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SCENARIO)
    out = tmp_path / "important"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    for command in (["run", str(scenario), "-o", str(out)], ["coverage", str(scenario), "-o", str(out)]):
        res = run_cli(*command, cwd=tmp_path)
        assert res.returncode == 2, res.stderr
        assert "notes.txt, which samsim did not write" in res.stderr and "Traceback" not in res.stderr
        assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_cli_run_into_the_working_directory(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "s.yaml").write_text(SCENARIO)
    for _ in range(2):  # into an empty folder, then over its own output
        res = run_cli("run", "../s.yaml", "-o", ".", "--quiet", cwd=work)
        assert res.returncode == 0, res.stderr
        assert sorted(p.name for p in work.iterdir()) == sorted(RUN_WRITERS)
    (work / "mine.txt").write_text("x")
    res = run_cli("run", "../s.yaml", "-o", ".", "--quiet", cwd=work)
    assert res.returncode == 2 and "mine.txt" in res.stderr
    assert (work / "mine.txt").read_text() == "x"
