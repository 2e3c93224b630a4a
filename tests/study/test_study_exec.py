"""Monte Carlo executors and durability: in-process, local processes and a Dask LocalCluster give the same
tables; a study killed with SIGKILL and re-run ends identical to an uninterrupted one; memory stays flat
in the number of runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from samsim.study import monte_carlo
from tests.conftest import ROOT, TOWN, small_scenario, town_jets
from tests.study.test_study import TINY

TABLES = ("runs", "threat_outcomes", "interceptors")

# One threat, 20 s, one radar: a few milliseconds a run, still random (scan phases, noise).
MICRO = small_scenario(town_jets(20000), name="micro", seed=11, duration_s=20, site=TOWN)


def tables(out: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(out / "results.duckdb"), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
    finally:
        con.close()


def run_count(out: Path) -> int:
    con = duckdb.connect(str(out / "results.duckdb"), read_only=True)
    try:
        row = con.execute("SELECT count(*), count(DISTINCT run) FROM runs").fetchone()
        assert row is not None and row[0] == row[1], "duplicate runs"
        return int(row[0])
    finally:
        con.close()


def test_in_process_processes_and_dask_give_identical_tables(tmp_path: Path) -> None:
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(TINY)
    one = monte_carlo(scenario, tmp_path / "w1", 24, seed=3)
    two = monte_carlo(scenario, tmp_path / "w2", 24, seed=3, workers=2)
    dask = monte_carlo(scenario, tmp_path / "dask", 24, seed=3, workers=2, dask="local")
    ref = tables(one.out)
    assert len(ref["runs"]) == 24 and len(ref["threat_outcomes"]) == 48
    for other in (two, dask):
        assert tables(other.out) == ref
        for name in TABLES:
            assert other.parquet[name].read_bytes() == one.parquet[name].read_bytes()
        assert other.summary_json.read_bytes() == one.summary_json.read_bytes()
    assert json.loads(one.summary_json.read_text())["seed"] == 3


def _start(scenario: Path, out: Path, runs: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "samsim.cli",
            "mc",
            str(scenario),
            "-o",
            str(out),
            "--runs",
            str(runs),
            "--quiet",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_sigkill_mid_study_then_rerun_matches_uninterrupted(tmp_path: Path) -> None:
    scenario = tmp_path / "micro.yaml"
    scenario.write_text(MICRO)
    runs = 400
    ref = monte_carlo(scenario, tmp_path / "ref", runs)
    for attempt in range(4):
        out = tmp_path / f"killed-{attempt}"
        wal = out / "results.duckdb.wal"
        proc = _start(scenario, out, runs)
        # The schema is the first commit to the write-ahead log; kill once the log has grown past it,
        # i.e. after at least one batch of runs was committed, and while later ones are being computed.
        first = -1
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            size = wal.stat().st_size if wal.exists() else -1
            if first < 0 < size:
                first = size
            elif first > 0 and size > first:
                time.sleep(0.4 / (attempt + 1))  # a few more batches, fewer on each retry
                break
            time.sleep(0.005)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        assert proc.stderr is not None
        proc.stderr.close()
        if proc.returncode != -signal.SIGKILL:
            continue  # finished before the kill: try again
        done = run_count(out)
        print(f"attempt {attempt}: {done} of {runs} runs committed at the kill")
        if not 0 < done < runs:
            continue
        assert not (out / "summary.json").exists()
        rerun = subprocess.run(
            [
                sys.executable,
                "-m",
                "samsim.cli",
                "mc",
                str(scenario),
                "-o",
                str(out),
                "--runs",
                str(runs),
                "-q",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert rerun.returncode == 0, rerun.stderr
        assert run_count(out) == runs
        assert tables(out) == tables(ref.out)
        for name in TABLES:
            assert (out / f"{name}.parquet").read_bytes() == ref.parquet[name].read_bytes()
        assert (out / "summary.json").read_bytes() == ref.summary_json.read_bytes()
        return
    pytest.fail("could not kill the study between its first and last commit")


def test_memory_is_flat_in_the_number_of_runs(tmp_path: Path) -> None:
    scenario = tmp_path / "micro.yaml"
    scenario.write_text(MICRO)
    code = textwrap.dedent(
        f"""
        import json, resource, sys
        from samsim.study import monte_carlo

        def peak_mb():
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

        monte_carlo({str(scenario)!r}, {str(tmp_path / "warm")!r}, 20)
        out = {str(tmp_path / "study")!r}
        monte_carlo({str(scenario)!r}, out, 200)
        small = peak_mb()
        res = monte_carlo({str(scenario)!r}, out, 2000)
        assert res.new_runs == 1800
        print(json.dumps({{"small_mb": small, "large_mb": peak_mb()}}))
        """
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert res.returncode == 0, res.stderr
    peaks = json.loads(res.stdout.strip().splitlines()[-1])
    # 1800 more runs (3600 more rows) may not cost more than a small constant.
    print(peaks)
    assert peaks["large_mb"] - peaks["small_mb"] < 20.0, peaks


def test_study_tables_as_pandas(tmp_path: Path) -> None:
    (tmp_path / "micro.yaml").write_text(MICRO)
    result = monte_carlo(tmp_path / "micro.yaml", tmp_path / "out", 3)
    frames = result.to_pandas()
    assert set(frames) == set(TABLES)
    assert sorted(frames["runs"]["run"]) == [0, 1, 2]
    assert len(frames["threat_outcomes"]) == 3 and set(frames["threat_outcomes"]["threat"]) == {"jet"}
    assert frames["threat_outcomes"].shape[0] == len(tables(tmp_path / "out")["threat_outcomes"])


def test_sigterm_stops_a_study_cleanly_and_it_resumes(tmp_path: Path) -> None:
    """SIGTERM is an orderly stop like Ctrl-C: exit 143, a one-line message, no leaked-semaphore
    warning or traceback, and the same command finishes the study."""
    (tmp_path / "micro.yaml").write_text(MICRO)
    out = tmp_path / "out"
    base = [sys.executable, "-m", "samsim.cli", "mc", str(tmp_path / "micro.yaml"), "-o", str(out), "-q"]
    proc = subprocess.Popen(
        [*base, "--runs", "600", "--workers", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not (out / "results.duckdb").exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    time.sleep(2.0)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:  # finished before the signal: nothing to check
        return
    assert proc.returncode == 143, err
    assert "terminated:" in err and "leaked semaphore" not in err and "Traceback" not in err
    done = subprocess.run(
        [*base, "--runs", "600", "--workers", "2"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert run_count(out) == 600
