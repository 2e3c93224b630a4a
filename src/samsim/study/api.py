"""Monte Carlo studies: many replications of a scenario, their outcomes in DuckDB, statistics with
confidence intervals, resume after any interruption, local-process and Dask executors, parameter sweeps.

Determinism: run ``i`` of a study with seed ``S`` is ``simulate(scenario, seed=S, run=i)``: it uses the
i-th child of ``numpy.random.SeedSequence(S)``, so a study's tables do not depend on the number of
workers, the executor or the order in which runs finish. Every sweep group uses the same run seeds (common
random numbers), so differences between groups are not blurred by different random draws.

Workers return compact per-run rows; the parent process alone writes to ``OUT/results.duckdb``, a few
runs per transaction, so a study killed at any moment loses at most the runs in flight and re-running
the same command completes only the missing ones. At the end the tables are exported to Parquet (sorted,
so the files are identical whatever the executor), and ``summary.json`` and ``report.html`` are written,
each through a temporary file and a rename.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from samsim.scenario import Scenario
from samsim.study.errors import StudyError
from samsim.study.executors import Planner, execute
from samsim.study.statistics import compute_summary, histograms
from samsim.study.store import DB_NAME, TABLES, Store, StudyIdentity, export_parquet, write_text_atomic
from samsim.study.sweep import build_groups, load_base, parse_sweeps

if TYPE_CHECKING:
    import pandas as pd

MAX_RUNS = 100_000_000

ProgressCallback = Callable[[int, int], None]


def _clean_stale(out: Path) -> None:
    """Temporary files left by a study killed while writing its outputs."""
    for p in out.glob(".*.tmp-*"):
        if p.is_file():
            p.unlink(missing_ok=True)


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise StudyError([f"-o {out}: exists and is not a folder; choose a new OUT"])
    if out.is_dir() and not (out / DB_NAME).exists():
        others = [p.name for p in out.iterdir() if not re.fullmatch(r"\..*\.tmp-\d+", p.name)]
        if others:
            raise StudyError(
                [
                    f"-o {out}: exists and holds no study ({DB_NAME} missing; it has "
                    f"{', '.join(sorted(others)[:5])}{' …' if len(others) > 5 else ''}); "
                    "choose a new or empty OUT"
                ]
            )


@dataclass(frozen=True)
class StudyResult:
    """What a study produced: the content of summary.json and where each file is."""

    out: Path
    summary: dict[str, Any]
    runs: int  # per group
    groups: int
    new_runs: int  # runs completed by this call (the others were already in OUT)
    database: Path
    parquet: dict[str, Path]  # table name -> Parquet file
    summary_json: Path
    report_html: Path

    def table(self, name: str) -> pa.Table:
        """One of the study tables (``runs``, ``threat_outcomes``, ``interceptors``) from its Parquet."""
        return pq.read_table(self.parquet[name])

    def to_pandas(self) -> dict[str, pd.DataFrame]:
        """Every study table as a pandas DataFrame (``runs``, ``threat_outcomes``, ``interceptors``).

        Examples
        --------
        >>> frames = monte_carlo("examples/raid-48.yaml", "out/mc", 50).to_pandas()  # doctest: +SKIP
        >>> frames["threat_outcomes"].groupby("type")["fate"].value_counts(normalize=True)  # doctest: +SKIP
        """
        return {name: self.table(name).to_pandas() for name in self.parquet}


def monte_carlo(
    scenario: Scenario | str | Path,
    out: str | Path,
    runs: int,
    *,
    workers: int = 1,
    dask: str | None = None,
    seed: int | None = None,
    sweeps: Sequence[str] | Mapping[str, Sequence[Any]] | None = None,
    progress: ProgressCallback | None = None,
) -> StudyResult:
    """Run (or resume, or extend) a Monte Carlo study and write its files into ``out``.

    Parameters
    ----------
    scenario : a validated :class:`~samsim.scenario.Scenario` or the path of a scenario file.
    out : the study folder: ``results.duckdb`` (tables ``study``, ``runs``, ``threat_outcomes``,
        ``interceptors``), the tables as Parquet, ``summary.json`` and ``report.html``. If it already holds
        this study (same scenario content, sweeps and seed), only the missing runs are computed; a larger
        ``runs`` extends it. A different study there raises :class:`StudyError`.
    runs : replications per sweep group; run i uses the i-th child of ``SeedSequence(seed)``.
    workers : local worker processes (1: in this process); with ``dask="local"`` the LocalCluster size.
    dask : a Dask scheduler address (``tcp://host:8786``) or ``"local"`` to start a LocalCluster.
    seed : the study seed (default: the scenario's ``seed``).
    sweeps : ``["doctrine.salvo=1,2", ...]`` or ``{"doctrine.salvo": [1, 2]}``; see ``SWEEP_HELP``.
    progress : called as ``progress(done, total)`` after each committed batch of runs.

    Raises
    ------
    ScenarioError
        The scenario file is invalid.
    StudyError
        Bad arguments or sweeps (every problem listed), or ``out`` holds something else.
    RunFailed
        A replication raised (the runs committed before it stay in ``out``).
    """
    problems = []
    if isinstance(runs, bool) or not isinstance(runs, int) or not 1 <= runs <= MAX_RUNS:
        problems.append(f"--runs: must be an integer from 1 to {MAX_RUNS}, got {runs!r}")
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 1024:
        problems.append(f"--workers: must be an integer from 1 to 1024, got {workers!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63):
        problems.append(f"--seed: must be an integer from 0 to 2**63-1, got {seed!r}")
    if dask is not None and dask != "local" and not re.match(r"^[a-z+]+://\S+$|^[\w.\-]+:\d+$", dask):
        problems.append(f"--dask: expected 'local' or a scheduler address like tcp://host:8786, got {dask!r}")
    try:
        sweep_list = parse_sweeps(sweeps)
    except StudyError as exc:
        problems.extend(exc.problems)
        sweep_list = []
    if problems:
        raise StudyError(problems)
    base, data, lines, file = load_base(scenario)
    study_seed = base.seed if seed is None else int(seed)
    groups = build_groups(base, data, lines, file, sweep_list)
    identity = StudyIdentity.of(base, sweep_list, study_seed)
    out_path = Path(out)
    _check_out(out_path)
    out_path.mkdir(parents=True, exist_ok=True)
    store = Store(out_path / DB_NAME, identity, sweep_list, runs)
    try:
        _clean_stale(out_path)  # only once the database lock shows no other process works here
        missing = store.missing(groups, store.runs)
        total = store.runs * len(groups)
        done = total - int(sum(m.size for m in missing))
        if progress is not None:
            progress(done, total)
        planner = Planner(groups, study_seed, missing)
        by_index = {g.index: g for g in groups}
        new_runs = 0
        if planner.remaining:
            chunks = execute(planner, workers=workers, dask=dask)
            try:
                for rows in chunks:
                    added = store.commit(rows, by_index[rows.group], study_seed)
                    planner.feedback(rows)
                    new_runs += added
                    done += added
                    if progress is not None:
                        progress(done, total)
            finally:
                chunks.close()  # stops the executor (and its workers) on any error or Ctrl-C
        summary = compute_summary(
            store.con, identity=identity, sweeps=sweep_list, groups=groups, runs=store.runs
        )
        parquet = {name: out_path / f"{name}.parquet" for name in TABLES}
        for name, path in parquet.items():
            export_parquet(store.con, name, store.runs, path)
        hist = histograms(store.con, store.runs)
        from samsim.output.study_report import render_study_report

        summary_path = out_path / "summary.json"
        write_text_atomic(summary_path, json.dumps(summary, indent=2, allow_nan=False) + "\n")
        report_path = out_path / "report.html"
        write_text_atomic(report_path, render_study_report(summary, hist))
    finally:
        store.close()
    return StudyResult(
        out=out_path,
        summary=summary,
        runs=store.runs,
        groups=len(groups),
        new_runs=new_runs,
        database=out_path / DB_NAME,
        parquet=parquet,
        summary_json=summary_path,
        report_html=report_path,
    )
