"""Read a ``samsim mc`` folder into the JSON of the study dashboard, also while the study runs.

``samsim mc`` holds ``results.duckdb`` open, with DuckDB's exclusive file lock, from its first to its
last batch, and writes the Parquet files only at the end: during a study neither can be read the
usual way (a read-only connection is refused while the writer holds the lock). DuckDB commits each
batch to the write-ahead log beside the file (``results.duckdb.wal``), so a copy of the file and its
log holds every committed batch: :class:`StudyData` copies both into a private folder whenever they
change, checks that neither changed during the copy (else it tries again later), and opens the copy
read-only, which replays the log. The study itself is never opened, locked or written.

A folder with Parquet files and no ``results.duckdb`` (made by hand, or moved without its database)
is read from the Parquet files.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import os
import shutil
import struct
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from numpy.typing import NDArray

from samsim.output.why import REASON_LABELS, reason_counts
from samsim.study import t_interval, wilson_interval
from samsim.web.data import DataError, finite, histogram, read_json, scalar

__all__ = ["STUDY_RUN_COLUMNS", "StudyData", "db_locked", "pooled_proportion"]

STUDY_TABLES = ("runs", "threat_outcomes", "interceptors")
STUDY_RUN_COLUMNS = (
    "group",
    "run",
    "seed",
    "threats",
    "killed",
    "leaked",
    "survived",
    "interceptors_fired",
)
"""Columns of the ``runs`` table that every study has; any other column is a swept parameter."""
DB = "results.duckdb"
WAL = DB + ".wal"
MIN_SNAPSHOT_INTERVAL_S = 1.0
"""While a study runs, its database changes with every batch; it is copied at most this often."""


def db_locked(path: Path) -> bool | None:
    """Whether another process holds a lock on ``path`` (``samsim mc`` writing it), asked with
    ``fcntl(F_GETLK)``, which takes no lock itself. None when the system cannot say."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        # struct flock on Linux: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid.
        query = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, query)
        return bool(struct.unpack("hhqqi4x", answer)[0] != fcntl.F_UNLCK)
    except OSError:
        return None
    finally:
        os.close(fd)


def pooled_proportion(k: NDArray[Any], m: NDArray[Any]) -> dict[str, Any]:
    """P = Σk / Σm over runs with k_r events among m_r trials each, and its 95 % Wilson interval with
    Kish's effective sample size, as ``samsim mc`` defines P(leak) and P(kill) in summary.json
    (docs/outputs.md): the outcomes of one run are not independent, so n_eff = p(1-p)/v with
    v = Σ(k_r - p·m_r)² / (Σm_r)², kept within [runs, Σm]; with one trial a run, n_eff = runs.

    With the same m in every run, v is the between-run variance Σ(y_r - p)²/runs² of the fractions
    y_r = k_r/m of summary.json.
    """
    k = np.asarray(k, dtype=np.float64)
    m = np.asarray(m, dtype=np.float64)
    runs, trials = int(k.size), float(m.sum())
    if runs == 0 or trials <= 0:
        return {"p": None, "lo": None, "hi": None, "k": int(k.sum()), "n": int(trials), "n_eff": None}
    p = float(k.sum()) / trials
    v = float(np.sum((k - p * m) ** 2)) / trials**2
    n_eff = trials if v <= 0 or p in (0.0, 1.0) else min(trials, max(float(runs), p * (1 - p) / v))
    lo, hi = wilson_interval(p * n_eff, n_eff)
    return {
        "p": round(p, 6),
        "lo": round(lo, 6),
        "hi": round(hi, 6),
        "k": int(k.sum()),
        "n": int(trials),
        "n_eff": round(n_eff, 6),
    }


def _mean_interval(values: NDArray[Any]) -> dict[str, Any]:
    """Mean of per-run values with its 95 % t interval (as summary.json), min and max."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        return {"mean": None, "lo": None, "hi": None, "min": None, "max": None}
    mean = float(v.mean())
    lo = hi = None
    if v.size >= 2:
        lo, hi = t_interval(mean, float(v.std(ddof=1)), int(v.size))
    return {
        "mean": round(mean, 4),
        "lo": finite(lo, 4),
        "hi": finite(hi, 4),
        "min": finite(v.min()),
        "max": finite(v.max()),
    }


def _group_key(v: Any) -> str:
    return "" if v is None else str(v)


def _column(tab: pa.Table, name: str) -> NDArray[np.float64]:
    return np.asarray(tab.column(name).to_numpy(zero_copy_only=False), dtype=np.float64)


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


@dataclass(frozen=True)
class _Tables:
    runs: pa.Table
    outcomes: pa.Table
    interceptors: pa.Table
    study: dict[str, Any]
    """The ``study`` row of results.duckdb (seed, runs asked for, sweeps); empty from Parquet."""
    source: str
    snapshot: Path | None
    """The folder of the copied database, which :func:`samsim.study.scenario_for_group` can read."""


def _read_parquet_tables(folder: Path) -> _Tables:
    tabs = []
    for name in STUDY_TABLES:
        path = folder / f"{name}.parquet"
        if not path.is_file():
            tabs.append(pa.table({}))
            continue
        try:
            tabs.append(pq.read_table(path))
        except (OSError, pa.ArrowException) as exc:
            raise DataError(f"{path.name}: cannot be read ({type(exc).__name__})") from None
    return _Tables(tabs[0], tabs[1], tabs[2], {}, "parquet", None)


def _read_database(db: Path, snapshot: Path) -> _Tables:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        tabs = []
        for name in STUDY_TABLES:
            if name not in names:
                tabs.append(pa.table({}))
                continue
            rel = con.sql(f'SELECT * FROM "{name}"')  # name is one of STUDY_TABLES
            tabs.append(rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow())
        study: dict[str, Any] = {}
        if "study" in names:
            cur = con.execute("SELECT * FROM study")
            row = cur.fetchone()
            if row is not None:
                study = {d[0]: v for d, v in zip(cur.description, row, strict=True)}
    finally:
        con.close()
    return _Tables(tabs[0], tabs[1], tabs[2], study, "duckdb", snapshot)


class StudyData:
    """One ``samsim mc`` folder, re-read whenever its files change (a study in progress).

    ``work`` is a private folder for the copies of the database (the server's temporary folder).
    """

    def __init__(self, folder: Path, work: Path):
        self.folder = folder
        self.work = work
        self._lock = threading.Lock()
        self._stamp: tuple[Any, ...] | None = None
        self._copied_at = -math.inf
        self._copies = 0
        self.version = 0
        """Raised each time the tables change; the dashboard reloads when it does."""
        self.tables = _Tables(pa.table({}), pa.table({}), pa.table({}), {}, "none", None)
        self.summary: dict[str, Any] = {}
        self._loaded: dict[str, dict[str, int] | None] = {}
        self._kept: list[Path] = []
        self.refresh(force=True)

    # -- reading ----------------------------------------------------------------------------------
    def _files_stamp(self) -> tuple[Any, ...]:
        names = [f"{t}.parquet" for t in STUDY_TABLES] + [DB, WAL, "summary.json"]
        return tuple(_stat(self.folder / n) for n in names)

    def _copy_database(self) -> Path | None:
        """results.duckdb and its log copied into a new private folder, or None when they changed
        during the copy (a batch was being committed; the next request tries again)."""
        db, wal = self.folder / DB, self.folder / WAL
        self._copies += 1
        target = self.work / f"snapshot-{self._copies}"
        target.mkdir(parents=True, exist_ok=True)
        for _ in range(3):
            before = (_stat(db), _stat(wal))
            shutil.copyfile(db, target / DB)
            if before[1] is not None:
                with contextlib.suppress(FileNotFoundError):  # the study ended and checkpointed
                    shutil.copyfile(wal, target / WAL)
            elif (target / WAL).exists():
                (target / WAL).unlink()
            if (_stat(db), _stat(wal)) == before:
                return target
        shutil.rmtree(target, ignore_errors=True)
        return None

    def _read(self) -> _Tables | None:
        db = self.folder / DB
        if not db.is_file():
            return _read_parquet_tables(self.folder)
        import duckdb

        copy = self._copy_database()
        if copy is None:
            return None
        try:
            return _read_database(copy / DB, copy)
        except duckdb.Error:
            shutil.rmtree(copy, ignore_errors=True)
            # A database that is not a study (or damaged): the Parquet files, if any, still are.
            if any((self.folder / f"{t}.parquet").is_file() for t in STUDY_TABLES):
                return _read_parquet_tables(self.folder)
            return None

    def refresh(self, force: bool = False) -> None:
        """Re-read the tables if the study's files changed (at most once a second while it runs)."""
        stamp = self._files_stamp()
        with self._lock:
            if stamp == self._stamp:
                return
            if not force and time.monotonic() - self._copied_at < MIN_SNAPSHOT_INTERVAL_S:
                return
            self._copied_at = time.monotonic()
            tables = self._read()
            if tables is None:
                return  # keep what was read before; the stamp is not taken, so it is tried again
            runs = tables.runs
            if runs.num_columns and not {"group", "run"} <= set(runs.column_names):
                raise DataError("runs table: no 'group' and 'run' columns; not a samsim study")
            path = self.folder / "summary.json"
            summary = read_json(path) if path.is_file() else {}
            self.tables, self.summary, self._stamp = tables, summary, stamp
            self._loaded = {}
            self.version += 1
            # The copy before this one is kept: a replay being prepared may still read it.
            if tables.snapshot is not None:
                self._kept.append(tables.snapshot)
            while len(self._kept) > 2:
                shutil.rmtree(self._kept.pop(0), ignore_errors=True)

    @property
    def runs(self) -> pa.Table:
        return self.tables.runs

    @property
    def outcomes(self) -> pa.Table:
        return self.tables.outcomes

    @property
    def interceptors(self) -> pa.Table:
        return self.tables.interceptors

    @property
    def scenario_folder(self) -> Path:
        """Where :func:`samsim.web.replay.study_scenario` finds the study's scenario: the copy of the
        database (readable while the study runs), else the study folder (a ``scenario.yaml``)."""
        return self.tables.snapshot or self.folder

    def status(self) -> dict[str, Any]:
        """Whether ``samsim mc`` is writing the study, runs committed and asked for, and the version
        of the data (raised at every change)."""
        db = self.folder / DB
        asked = None
        study = self.tables.study
        if study.get("runs") is not None:
            sweeps = json.loads(study.get("sweeps") or "[]")
            asked = int(study["runs"]) * int(np.prod([len(s["values"]) for s in sweeps] or [1]))
        return {
            "running": db_locked(db) if db.is_file() else False,
            "runs": self.runs.num_rows,
            "runs_asked": asked,
            "version": self.version,
            "source": self.tables.source,
            "seed": scalar(study.get("seed", self.summary.get("seed"))),
        }

    # -- groups -----------------------------------------------------------------------------------
    @property
    def swept_columns(self) -> list[str]:
        return [c for c in self.runs.column_names if c not in STUDY_RUN_COLUMNS]

    def groups(self) -> list[dict[str, Any]]:
        """Each group (one point of a parameter sweep): its swept values and number of runs."""
        if self.runs.num_rows == 0:
            return []
        rows = self.runs.select(["group", *self.swept_columns]).to_pylist()
        groups: dict[str, dict[str, Any]] = {}
        for r in rows:
            key = _group_key(r["group"])
            if key not in groups:
                groups[key] = {
                    "group": scalar(r["group"]),
                    "runs": 0,
                    "values": {c: scalar(r[c]) for c in self.swept_columns},
                }
            groups[key]["runs"] += 1
        return sorted(groups.values(), key=lambda g: (str(type(g["group"])), g["group"]))

    def _in_group(self, tab: pa.Table, group: str | None) -> pa.Table:
        if group is None or tab.num_rows == 0 or "group" not in tab.column_names:
            return tab
        keys = pc.cast(tab.column("group"), pa.string())
        return tab.filter(pc.fill_null(pc.equal(keys, group), False))

    def has_group(self, group: str) -> bool:
        return any(_group_key(g["group"]) == group for g in self.groups())

    # -- statistics -------------------------------------------------------------------------------
    def overview(self, group: str | None) -> dict[str, Any]:
        runs = self._in_group(self.runs, group)
        n = runs.num_rows
        out: dict[str, Any] = {"runs": n, "groups": len(self.groups()), "swept": self.swept_columns}
        if n == 0:
            return out
        for col in ("threats", "killed", "leaked", "survived", "interceptors_fired"):
            if col in runs.column_names:
                out[f"mean_{col}"] = finite(_column(runs, col).mean(), 4)
        if "leaked" in runs.column_names:
            leaked = _column(runs, "leaked")
            k = int(np.sum(leaked == 0))
            lo, hi = wilson_interval(k, n)
            out["p_no_leak"] = {"p": round(k / n, 6), "lo": round(lo, 6), "hi": round(hi, 6), "k": k, "n": n}
        return out

    def p_leak(self, group: str | None, by: str = "threat") -> list[dict[str, Any]]:
        """P(leak) and P(kill) per threat (or per threat type) with 95 % Wilson intervals: per threat
        over its runs, per type pooled over the type's threats with Kish's effective sample size (as
        summary.json), since the threats of one run are not independent."""
        tab = self._in_group(self.outcomes, group)
        if tab.num_rows == 0:
            return []
        fate = tab.column("fate")
        shots = tab.column("shots") if "shots" in tab.column_names else pa.array(np.zeros(tab.num_rows))
        run_key = pc.binary_join_element_wise(
            pc.cast(tab.column("group"), pa.string()), pc.cast(tab.column("run"), pa.string()), ":"
        )
        work = pa.table(
            {
                "key": pc.cast(tab.column(by), pa.string()),
                "type": pc.cast(
                    tab.column("type") if "type" in tab.column_names else tab.column(by), pa.string()
                ),
                "run": run_key,
                "leaked": pc.cast(pc.fill_null(pc.equal(fate, "leaked"), False), pa.int64()),
                "killed": pc.cast(pc.fill_null(pc.equal(fate, "killed"), False), pa.int64()),
                "shots": pc.fill_null(pc.cast(shots, pa.float64()), 0.0),
                "first": pa.array(np.arange(tab.num_rows)),
            }
        )
        # Per key and run: the k_r of the pooled proportions; then per key, in order of appearance.
        per_run = work.group_by(["key", "run"], use_threads=False).aggregate(
            [
                ("first", "min"),
                ("type", "min"),
                ("leaked", "sum"),
                ("killed", "sum"),
                ("shots", "sum"),
                ("first", "count"),
            ]
        )
        order = pc.sort_indices(per_run, [("first_min", "ascending")])
        per_run = per_run.take(order)
        keys = per_run.column("key").to_pylist()
        out = []
        seen: dict[str, list[int]] = {}
        for i, key in enumerate(keys):
            seen.setdefault(key, []).append(i)
        types = per_run.column("type_min").to_pylist()
        m_all = _column(per_run, "first_count")
        leaked_all = _column(per_run, "leaked_sum")
        killed_all = _column(per_run, "killed_sum")
        shots_all = _column(per_run, "shots_sum")
        for key, rows in seen.items():
            idx = np.asarray(rows)
            m = m_all[idx]
            leak = pooled_proportion(leaked_all[idx], m)
            kill = pooled_proportion(killed_all[idx], m)
            trials = float(m.sum())
            row: dict[str, Any] = {by: key}
            if by != "type":
                row["type"] = types[rows[0]]
            row.update(
                {
                    "runs": int(idx.size),
                    "threats_per_run": round(trials / idx.size, 4),
                    "n": int(trials),
                    "n_eff": leak["n_eff"],
                    "leaked": leak["k"],
                    "killed": kill["k"],
                    "p_leak": leak["p"],
                    "p_leak_lo": leak["lo"],
                    "p_leak_hi": leak["hi"],
                    "p_kill": kill["p"],
                    "p_kill_lo": kill["lo"],
                    "p_kill_hi": kill["hi"],
                    "mean_shots": round(float(shots_all[idx].sum()) / trials, 4),
                }
            )
            out.append(row)
        return out

    def histograms(self, group: str | None) -> dict[str, Any]:
        runs = self._in_group(self.runs, group)
        out = {}
        for col in ("leaked", "interceptors_fired"):
            values = _column(runs, col) if col in runs.column_names else np.zeros(0)
            out[col] = histogram(values, from_zero=col == "leaked")
        return out

    def compare(self) -> list[dict[str, Any]]:
        """Every group side by side: P(leak) over all its threats (pooled, Kish's n_eff), P(no leak),
        and interceptors fired and threats leaked per run with 95 % t intervals."""
        out = []
        for g in self.groups():
            runs = self._in_group(self.runs, _group_key(g["group"]))
            leaked, threats = _column(runs, "leaked"), _column(runs, "threats")
            k = int(np.sum(leaked == 0))
            lo, hi = wilson_interval(k, runs.num_rows)
            out.append(
                {
                    **g,
                    "p_leak": pooled_proportion(leaked, threats),
                    "p_no_leak": {"p": round(k / runs.num_rows, 6), "lo": round(lo, 6), "hi": round(hi, 6)},
                    "leaked": _mean_interval(leaked),
                    "interceptors_fired": _mean_interval(_column(runs, "interceptors_fired")),
                }
            )
        return out

    def missiles(self, group: str | None, loaded: dict[str, int] | None) -> list[dict[str, Any]]:
        """Per interceptor type: missiles loaded at the start of a run (all batteries; None when the
        scenario is not at hand), fired and left per run (mean with 95 % t interval, min, max), and
        the runs that used up the type."""
        runs = self._in_group(self.runs, group)
        spent = self._in_group(self.interceptors, group)
        n = runs.num_rows
        types = list(loaded or {})
        if spent.num_rows and "type" in spent.column_names:
            types += [t for t in dict.fromkeys(spent.column("type").to_pylist()) if t not in types]
        index = {(r["group"], r["run"]): i for i, r in enumerate(runs.select(["group", "run"]).to_pylist())}
        counts = np.zeros((len(types), n))
        if spent.num_rows and n:
            col = {t: j for j, t in enumerate(types)}
            for r in spent.select(["group", "run", "type"]).to_pylist():
                i = index.get((r["group"], r["run"]))
                if i is not None and r["type"] in col:
                    counts[col[r["type"]], i] += 1
        out = []
        for j, t in enumerate(types):
            stock = (loaded or {}).get(t)
            left = stock - counts[j] if stock is not None else None
            out.append(
                {
                    "type": t,
                    "loaded": stock,
                    "fired": _mean_interval(counts[j]),
                    "left": _mean_interval(left) if left is not None else None,
                    "runs_used_up": int(np.sum(left <= 0)) if left is not None and stock else None,
                    "runs": n,
                }
            )
        return out

    def reasons(self, group: str | None) -> dict[str, Any]:
        """Why threats were not engaged, per threat type: the threats of the type over all runs, those
        no shot was fired at and each reason's count (summary.json ``unengaged_reason``), in the
        contract's order of reasons; ``reasons`` lists the reasons that occur, ``labels`` their names."""
        tab = self._in_group(self.outcomes, group)
        runs = self._in_group(self.runs, group).num_rows
        if tab.num_rows == 0 or "type" not in tab.column_names:
            return {"runs": runs, "reasons": [], "labels": {}, "types": []}
        types = [str(t) for t in tab.column("type").to_pylist()]
        reasons = (
            tab.column("unengaged_reason").to_pylist()
            if "unengaged_reason" in tab.column_names
            else [None] * tab.num_rows
        )
        by_reason = reason_counts(zip(types, reasons, strict=True))
        threats: dict[str, int] = {}
        for t in types:
            threats[t] = threats.get(t, 0) + 1
        rows = []
        for t, n in threats.items():
            counts = {r: per[t] for r, per in by_reason.items() if t in per}
            rows.append(
                {
                    "type": t,
                    "threats": n,
                    "not_engaged": sum(counts.values()),
                    "per_run": round(sum(counts.values()) / runs, 4) if runs else None,
                    "counts": counts,
                }
            )
        labels = {r: REASON_LABELS.get(r, r) for r in by_reason}
        return {
            "runs": runs,
            "reasons": list(by_reason),
            "labels": labels,
            "types": rows,
            "decoys": self._decoys(tab, group, runs),
        }

    def _decoys(self, outcomes: pa.Table, group: str | None, runs: int) -> dict[str, Any] | None:
        """Decoys (threats of kind ``decoy``) and the interceptors fired at them, over all runs and per
        run; None when the study has no decoy."""
        if "kind" not in outcomes.column_names or runs == 0:
            return None
        decoy = outcomes.filter(pc.fill_null(pc.equal(outcomes.column("kind"), "decoy"), False))
        if decoy.num_rows == 0:
            return None
        keys = set(zip(*(decoy.column(c).to_pylist() for c in ("group", "run", "threat")), strict=True))
        spent = self._in_group(self.interceptors, group)
        fired = 0
        if spent.num_rows and "target" in spent.column_names:
            cols = (spent.column(c).to_pylist() for c in ("group", "run", "target"))
            fired = sum(1 for key in zip(*cols, strict=True) if key in keys)
        return {
            "threats": decoy.num_rows,
            "interceptors": fired,
            "threats_per_run": round(decoy.num_rows / runs, 4),
            "interceptors_per_run": round(fired / runs, 4),
        }

    def loaded_cache(self, group: str | None) -> dict[str, int] | None | bool:
        """The stock per interceptor type computed for ``group`` (False: not computed yet)."""
        key = _group_key(group)
        return self._loaded[key] if key in self._loaded else False

    def remember_loaded(self, group: str | None, loaded: dict[str, int] | None) -> None:
        self._loaded[_group_key(group)] = loaded

    def runs_page(
        self, group: str | None, offset: int, limit: int, sort: str | None, descending: bool
    ) -> dict[str, Any]:
        """A page of the runs table. Every run of a study has the study's seed S; what tells runs apart
        is the run index i (run i draws from the i-th child of SeedSequence(S)), so ``seed`` is not a
        column of the page but its header, and each row says how to reproduce it."""
        runs = self._in_group(self.runs, group)
        if sort is not None:
            if sort not in runs.column_names:
                raise DataError(f"sort: unknown column {sort!r}")
            keys = [(sort, "descending" if descending else "ascending"), ("run", "ascending")]
            if sort == "run":
                keys = keys[:1]
            runs = runs.sort_by(keys)
        total = runs.num_rows
        page = runs.slice(offset, limit).to_pylist() if offset < total else []
        seeds = sorted({r["seed"] for r in page if r.get("seed") is not None})
        rows = []
        for r in page:
            row = {k: scalar(v) for k, v in r.items()}
            if row.get("seed") is not None:
                row["reproduce"] = f"--seed {row['seed']} --run {row['run']}"
            rows.append(row)
        return {
            "columns": [c for c in runs.column_names if c != "seed"],
            "seed": scalar(seeds[0]) if len(seeds) == 1 else None,
            "total": total,
            "offset": offset,
            "rows": rows,
        }

    def find_run(self, group: str, run: int) -> dict[str, Any] | None:
        if self.runs.num_rows == 0:
            return None
        tab = self._in_group(self.runs, group)
        tab = tab.filter(pc.equal(tab.column("run"), run))
        if tab.num_rows == 0:
            return None
        return {k: scalar(v) for k, v in tab.slice(0, 1).to_pylist()[0].items()}
