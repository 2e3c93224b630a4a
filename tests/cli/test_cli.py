"""The command line: exit codes, messages, determinism, catalog, and the README's demo command."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT


def samsim(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "samsim.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=600,
    )


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_validate_ok_and_bad(tmp_path: Path) -> None:
    ok = samsim("validate", str(EXAMPLES / "ankara-f16-trial.yaml"))
    assert ok.returncode == 0, ok.stderr
    assert "valid" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("samsim: 1\nname: x\nduration_s: -3\nthreats: [{id: a, type: Nope}]\n")
    res = samsim("validate", str(bad))
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert f"{bad}:3: duration_s: must be greater than 0" in lines
    assert any(
        re.match(rf"{re.escape(str(bad))}:4: threats\[0\]\.type: unknown threat 'Nope'", ln) for ln in lines
    )
    assert "Traceback" not in res.stderr


def test_run_writes_outputs_and_is_deterministic(tmp_path: Path) -> None:
    scenario = str(EXAMPLES / "ankara-f16-trial.yaml")
    a = samsim("run", scenario, "-o", str(tmp_path / "a"), "--seed", "3")
    assert a.returncode == 0, a.stderr
    b = samsim("run", scenario, "-o", str(tmp_path / "b"), "--seed", "3", "--quiet")
    assert b.returncode == 0, b.stderr
    assert set(digest(tmp_path / "a")) == {
        "summary.json",
        "scene.json",
        "events.parquet",
        "trajectories.parquet",
        "report.html",
    }
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["seed"] == 3 and summary["scenario"] == "ankara-f16-trial"
    assert summary["totals"]["threats"] == 4 == len(summary["threats"])
    assert "high-1" in a.stdout
    # No temporary folders are left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_run_bad_scenario_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("samsim: 1\nname: x\n")
    res = samsim("run", str(bad), "-o", str(tmp_path / "out"))
    assert res.returncode == 2
    assert "duration_s: required field is missing" in res.stderr
    assert not (tmp_path / "out").exists()


def test_usage_errors_exit_2() -> None:
    assert samsim("run").returncode == 2
    assert samsim("frobnicate").returncode == 2
    assert samsim("catalog", "NoSuchThing").returncode == 2


def test_catalog_table_one_entry_and_json() -> None:
    res = samsim("catalog")
    assert res.returncode == 0 and "48N6E3" in res.stdout and "Iskander-M" in res.stdout
    one = samsim("catalog", "48N6E3")
    assert one.returncode == 0 and "WIKI-S400" in one.stdout and "250,000" in one.stdout
    data = json.loads(samsim("catalog", "48N6E3", "--json").stdout)
    assert data["figures"]["max_range_m"]["value"] == 250000
    assert data["figures"]["max_range_m"]["source"]
    assert "WIKI-S400" in data["sources"]


def test_makefile_demo_matches_readme() -> None:
    makefile = (ROOT / "Makefile").read_text()
    readme = (ROOT / "README.md").read_text()
    demo = re.search(r"^demo:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert demo is not None
    command = demo.group(1)
    assert "samsim run examples/ankara-f16-trial.yaml -o out/demo" in command
    first_screen = "\n".join(readme.splitlines()[:40])
    assert "make demo" in first_screen and "make test" in first_screen
    assert "out/demo" in readme


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_examples_validate(example: str) -> None:
    from samsim.scenario import load

    load(EXAMPLES / example)


def test_interrupted_write_leaves_nothing(tmp_path: Path) -> None:
    from samsim.output.files import atomic_dir

    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt), atomic_dir(out, kind="test", owns=lambda name: True) as tmp:
        (tmp / "summary.json").write_text("{}")
        raise KeyboardInterrupt
    assert not out.exists() and list(tmp_path.iterdir()) == []
    out.mkdir()
    (out / "summary.json").write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_dir(out, kind="test", owns=lambda name: True) as tmp:
        (tmp / "summary.json").write_text("new")
        raise KeyboardInterrupt
    assert (out / "summary.json").read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == [
        "out"
    ]


def test_sigint_during_run_writes_nothing(tmp_path: Path) -> None:
    import signal
    import time

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "samsim.cli",
            "run",
            str(EXAMPLES / "raid-48.yaml"),
            "-o",
            str(tmp_path / "o"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:  # the run beat the signal: then its output must be complete
        assert (tmp_path / "o" / "summary.json").exists()
        return
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
