"""The study database: the tables of ``OUT/results.duckdb`` (their columns, in DuckDB and Arrow), what
makes a study the same study, the store that checks an existing file before resuming it and commits each
task's runs in one transaction, and the files exported from it (sorted Parquet, text written through a
temporary file and a rename). Only the parent process opens the database."""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from samsim._version import __version__
from samsim.scenario import Scenario, validate_data
from samsim.study.errors import StudyError
from samsim.study.executors import ChunkRows
from samsim.study.sweep import Group, Sweep, build_groups, parse_sweeps, value_text

if TYPE_CHECKING:
    import duckdb

DB_NAME = "results.duckdb"
STUDY_FORMAT = 2  # 2: threats gained kind and unengaged_reason
PARQUET_ROW_GROUP = 65_536
DUCKDB_MEMORY_LIMIT = "512MB"  # the parent's buffer pool; larger queries spill to disk


def _canonical(base: Scenario) -> str:
    return json.dumps(
        base.model_dump(mode="json", exclude_none=True),
        sort_keys=True,
        separators=(",", ":"),
        allow_nan=False,
    )


def _terrain_digest(base: Scenario) -> str | None:
    path = base.terrain_path if base.source_path is not None else None
    if path is None or not path.is_file():
        return None
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _sweeps_json(sweeps: list[Sweep]) -> str:
    return json.dumps([{"path": s.path, "values": list(s.values)} for s in sweeps], separators=(",", ":"))


@dataclass(frozen=True)
class StudyIdentity:
    """What makes a study the same study: scenario content (and its DEM), sweeps, seed."""

    scenario_name: str
    scenario_json: str
    terrain_sha256: str | None
    sweeps_json: str
    seed: int
    scenario_path: str | None = None  # not part of the identity: the same study may move

    @classmethod
    def of(cls, base: Scenario, sweeps: list[Sweep], seed: int) -> StudyIdentity:
        """The identity of a study of ``base`` with these sweeps and this seed."""
        return cls(
            scenario_name=base.name,
            scenario_json=_canonical(base),
            terrain_sha256=_terrain_digest(base),
            sweeps_json=_sweeps_json(sweeps),
            seed=seed,
            scenario_path=str(base.source_path) if base.source_path is not None else None,
        )

    @property
    def hash(self) -> str:
        content = {
            "format": STUDY_FORMAT,
            "scenario": json.loads(self.scenario_json),
            "terrain_sha256": self.terrain_sha256,
            "sweeps": json.loads(self.sweeps_json),
            "seed": self.seed,
        }
        text = json.dumps(content, sort_keys=True, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The key of every table but ``study``: one row per run of a group (runs) or per threat or interceptor of it.
_KEY_COLUMNS: list[tuple[str, str, pa.DataType]] = [
    ("group", "INTEGER", pa.int32()),
    ("run", "INTEGER", pa.int32()),
]
_RUNS_FIXED = [
    ("threats", "INTEGER", pa.int32()),
    ("killed", "INTEGER", pa.int32()),
    ("leaked", "INTEGER", pa.int32()),
    ("survived", "INTEGER", pa.int32()),
    ("interceptors_fired", "INTEGER", pa.int32()),
]
_THREAT_COLUMNS = [
    *_KEY_COLUMNS,
    ("threat", "VARCHAR", pa.string()),
    ("type", "VARCHAR", pa.string()),
    ("fate", "VARCHAR", pa.string()),
    ("fate_s", "DOUBLE", pa.float64()),
    ("shots", "INTEGER", pa.int32()),
    ("first_detected_s", "DOUBLE", pa.float64()),
    ("first_track_s", "DOUBLE", pa.float64()),
    ("killed_by", "VARCHAR", pa.string()),
    ("kind", "VARCHAR", pa.string()),
    ("unengaged_reason", "VARCHAR", pa.string()),
]
_INTERCEPTOR_COLUMNS = [
    *_KEY_COLUMNS,
    ("id", "VARCHAR", pa.string()),
    ("type", "VARCHAR", pa.string()),
    ("battery", "VARCHAR", pa.string()),
    ("target", "VARCHAR", pa.string()),
    ("launch_s", "DOUBLE", pa.float64()),
    ("end_s", "DOUBLE", pa.float64()),
    ("result", "VARCHAR", pa.string()),
    ("miss_distance_m", "DOUBLE", pa.float64()),
]
_STUDY_COLUMNS = [
    ("format", "INTEGER"),
    ("hash", "VARCHAR"),
    ("scenario", "VARCHAR"),
    ("seed", "BIGINT"),
    ("runs", "BIGINT"),
    ("sweeps", "VARCHAR"),
    ("scenario_json", "VARCHAR"),
    ("terrain_sha256", "VARCHAR"),
    ("samsim_version", "VARCHAR"),
    ("scenario_path", "VARCHAR"),  # where the scenario file was: replays resolve its terrain from it
]
_ARROW_TYPES = {"BOOLEAN": pa.bool_(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(), "VARCHAR": pa.string()}
TABLES = ("runs", "threat_outcomes", "interceptors")


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        text = f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return text.splitlines()[0] if text else type(exc).__name__


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _runs_columns(sweeps: list[Sweep]) -> list[tuple[str, str, pa.DataType]]:
    cols = [*_KEY_COLUMNS, ("seed", "BIGINT", pa.int64())]
    cols += [(s.path, s.column_type, _ARROW_TYPES[s.column_type]) for s in sweeps]
    return cols + _RUNS_FIXED


def _ddl(table: str, cols: Sequence[tuple[Any, ...]], key: str = "") -> str:
    body = ", ".join(f"{_q(name)} {kind}" for name, kind, *_ in cols)
    return f"CREATE TABLE {table} ({body}{key})"


class Store:
    """The study's DuckDB file; only the parent process opens it."""

    def __init__(self, path: Path, identity: StudyIdentity, sweeps: list[Sweep], runs: int):
        import duckdb

        self.path = path
        self.sweeps = sweeps
        self.runs_columns = _runs_columns(sweeps)
        created = not path.exists()
        if not created:
            # Every check first, on a read-only connection: a file that is refused is never touched.
            try:
                self.con: duckdb.DuckDBPyConnection = duckdb.connect(str(path), read_only=True)
            except (duckdb.Error, OSError) as exc:
                raise StudyError([self._unreadable(exc)]) from None
            try:
                self._check_or_create(identity, runs)
            except (duckdb.Error, OSError) as exc:
                raise StudyError([self._unreadable(exc)]) from None
            finally:
                self.con.close()
        try:
            self.con = duckdb.connect(str(path), config={"memory_limit": DUCKDB_MEMORY_LIMIT})
        except (duckdb.Error, OSError) as exc:
            if created:
                self._remove_files()
            raise StudyError([self._unreadable(exc)]) from None
        try:
            self.runs = self._check_or_create(identity, runs)
        except StudyError:
            self.con.close()
            raise
        except (duckdb.Error, OSError) as exc:
            self.con.close()
            if created:  # a database this call began and could not finish is not left behind
                self._remove_files()
            raise StudyError([self._unreadable(exc)]) from None

    def _read_only(self) -> bool:
        row = self.con.execute("SELECT current_setting('access_mode')").fetchone()
        return row is not None and str(row[0]).lower() == "read_only"

    def _remove_files(self) -> None:
        for f in (self.path, self.path.with_name(self.path.name + ".wal")):
            f.unlink(missing_ok=True)

    def _verify(self) -> None:
        """Read every stored value once, so that damage anywhere in the file (DuckDB checks each block's
        checksum as it reads it) is found before anything is written into it.

        That proves the whole file only because the tables carry no index: an index (a primary key) is
        stored in blocks of its own that no scan reads, and DuckDB reads them first at the next insert,
        after it has begun rewriting the file. So no table has one (the store checks each run's presence
        itself, in the transaction that inserts it), and a file whose tables do is refused."""
        indexed = self.con.execute(
            "SELECT table_name, constraint_type FROM duckdb_constraints() "
            "WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY') "
            "UNION ALL SELECT table_name, 'INDEX' FROM duckdb_indexes()"
        ).fetchall()
        if indexed:
            table, kind = indexed[0]
            raise StudyError(
                [
                    f"{self.path}: table {table} carries an index ({kind.lower()}), which this samsim "
                    "version cannot verify before writing; it was left untouched: choose a new OUT"
                ]
            )
        for table in ("study", *TABLES):
            self.con.execute(f"SELECT count(*), sum(hash(COLUMNS(*))) FROM {_q(table)}").fetchall()

    def _unreadable(self, exc: Exception) -> str:
        text = _first_line(exc)
        lowered = text.lower()
        if "could not set lock" in lowered or "conflicting lock" in lowered:
            return (
                f"{self.path}: in use by another process ({text}); wait for that study to finish or "
                "choose another OUT"
            )
        if any(
            s in lowered
            for s in ("read-only file system", "permission denied", "no space left", "file too large")
        ):
            return f"{self.path}: cannot be written ({text})"
        return (
            f"{self.path}: cannot be read as a samsim study database ({text}). It was left untouched: "
            "move it away, or choose a new OUT"
        )

    def _check_or_create(self, identity: StudyIdentity, runs: int) -> int:
        con = self.con
        listed = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()
        tables = {r[0] for r in listed}
        if not tables and self._read_only():
            return runs  # an empty file (a creation killed early): the writable pass creates the tables
        if not tables:
            con.begin()
            con.execute(_ddl("study", [(n, k) for n, k in _STUDY_COLUMNS]))
            con.execute(_ddl("runs", self.runs_columns))  # no primary key: see _verify
            con.execute(_ddl("threat_outcomes", _THREAT_COLUMNS))
            con.execute(_ddl("interceptors", _INTERCEPTOR_COLUMNS))
            con.execute(
                f"INSERT INTO study VALUES ({', '.join('?' * len(_STUDY_COLUMNS))})",
                [
                    STUDY_FORMAT,
                    identity.hash,
                    identity.scenario_name,
                    identity.seed,
                    runs,
                    identity.sweeps_json,
                    identity.scenario_json,
                    identity.terrain_sha256,
                    __version__,
                    identity.scenario_path,
                ],
            )
            con.commit()
            return runs
        expected = {"study": [n for n, _ in _STUDY_COLUMNS]}
        expected["runs"] = [n for n, *_ in self.runs_columns]
        expected["threat_outcomes"] = [n for n, *_ in _THREAT_COLUMNS]
        expected["interceptors"] = [n for n, *_ in _INTERCEPTOR_COLUMNS]
        if "study" not in tables or not set(TABLES) <= tables:
            raise StudyError(
                [
                    f"{self.path}: not a samsim study database (tables: {', '.join(sorted(tables))}); "
                    "it was left untouched: choose a new OUT"
                ]
            )
        cols = [r[0] for r in con.execute("SELECT column_name FROM (DESCRIBE study)").fetchall()]
        if cols != expected["study"]:
            raise StudyError([f"{self.path}: written by an incompatible samsim version; choose a new OUT"])
        rows = con.execute(f"SELECT {', '.join(expected['study'])} FROM study").fetchall()
        if len(rows) != 1:
            raise StudyError([f"{self.path}: damaged study metadata ({len(rows)} rows); choose a new OUT"])
        meta = dict(zip(expected["study"], rows[0], strict=True))
        if meta["format"] != STUDY_FORMAT:
            raise StudyError([f"{self.path}: study format {meta['format']} is not {STUDY_FORMAT}; new OUT"])
        if meta["hash"] != identity.hash:
            raise StudyError([self._difference(meta, identity)])
        for table in TABLES:
            have = [r[0] for r in con.execute(f"SELECT column_name FROM (DESCRIBE {table})").fetchall()]
            if have != expected[table]:
                raise StudyError([f"{self.path}: table {table} has unexpected columns; choose a new OUT"])
        stored = int(meta["runs"])
        if runs < stored:
            raise StudyError(
                [
                    f"--runs {runs}: {self.path.parent} holds a study of {stored} runs per group; ask for "
                    f"--runs {stored} (or more, to extend it), or choose a new OUT"
                ]
            )
        self._verify()  # before the first write into an existing file
        if runs > stored and not self._read_only():
            con.execute("UPDATE study SET runs = ?", [runs])
        return runs

    def _difference(self, meta: dict[str, Any], identity: StudyIdentity) -> str:
        what = []
        if meta["scenario_json"] != identity.scenario_json:
            what.append(
                f"the scenario differs (stored: {meta['scenario']!r}, now: {identity.scenario_name!r})"
            )
        if meta["terrain_sha256"] != identity.terrain_sha256:
            what.append("the terrain file differs")
        if meta["sweeps"] != identity.sweeps_json:
            what.append(f"the sweeps differ (stored: {_describe_sweeps(meta['sweeps'])})")
        if int(meta["seed"]) != identity.seed:
            what.append(f"the seed differs (stored: {meta['seed']}, now: {identity.seed})")
        reason = "; ".join(what) or "its identity hash differs"
        return (
            f"{self.path.parent}: holds a different study — {reason}. Results of different studies are "
            "never mixed: choose a new OUT (e.g. -o "
            f"{self.path.parent.name}-2), or repeat the original scenario, --sweep and --seed to resume it"
        )

    def missing(self, groups: list[Group], runs: int) -> list[NDArray[np.int64]]:
        """Per group, the runs below ``runs`` not yet in the database, in increasing order."""
        out = []
        for g in groups:
            have = np.zeros(runs, dtype=bool)
            done = self.con.execute(
                'SELECT run FROM runs WHERE "group" = ? AND run < ?', [g.index, runs]
            ).fetchnumpy()["run"]
            have[np.asarray(done, dtype=np.int64)] = True
            out.append(np.flatnonzero(~have).astype(np.int64))
        return out

    def commit(self, rows: ChunkRows, group: Group, seed: int) -> int:
        """Insert one task's runs in one transaction, skipping any already present; returns how many
        runs were new."""
        import duckdb

        if not rows.runs:
            return 0
        con = self.con
        con.begin()
        try:
            present = {
                int(r[0])
                for r in con.execute(
                    'SELECT run FROM runs WHERE "group" = ? AND run BETWEEN ? AND ?',
                    [rows.group, min(rows.runs), max(rows.runs)],
                ).fetchall()
            }
            keep = [k for k, r in enumerate(rows.runs) if r not in present]
            if keep:
                self._insert_runs(rows, keep, group, seed)
                self._insert_children(rows, present)
            con.commit()
        except BaseException as exc:
            try:
                con.rollback()
            except duckdb.Error:
                pass  # a failed write (disk full) may already have ended the transaction
            if isinstance(exc, duckdb.Error):
                raise StudyError([f"{self.path}: cannot be written ({_first_line(exc)})"]) from None
            raise
        return len(keep)

    def _insert_runs(self, rows: ChunkRows, keep: list[int], group: Group, seed: int) -> None:
        n = len(keep)
        data: dict[str, Any] = {
            "group": [rows.group] * n,
            "run": [rows.runs[k] for k in keep],
            "seed": [seed] * n,
        }
        for sweep in self.sweeps:
            data[sweep.path] = [group.values[sweep.path]] * n
        for j, (name, _, _) in enumerate(_RUNS_FIXED):
            data[name] = [rows.totals[k][j] for k in keep]
        schema = pa.schema([(name, typ) for name, _, typ in self.runs_columns])
        self._append("runs", pa.table(data, schema=schema))

    def _insert_children(self, rows: ChunkRows, present: set[int]) -> None:
        for table, cols, src in (
            ("threat_outcomes", _THREAT_COLUMNS, rows.threats),
            ("interceptors", _INTERCEPTOR_COLUMNS, rows.interceptors),
        ):
            runs = src["run"]
            if not runs:
                continue
            take = [k for k, r in enumerate(runs) if r not in present] if present else range(len(runs))
            data: dict[str, Any] = {"group": [rows.group] * len(take), "run": [runs[k] for k in take]}
            for name, _, _ in cols[len(_KEY_COLUMNS) :]:
                column = src[name]
                data[name] = [column[k] for k in take]
            schema = pa.schema([(name, typ) for name, _, typ in cols])
            self._append(table, pa.table(data, schema=schema))

    def _append(self, table: str, data: pa.Table) -> None:
        if data.num_rows == 0:
            return
        self.con.register("_chunk", data)
        try:
            self.con.execute(f"INSERT INTO {table} SELECT * FROM _chunk")
        finally:
            self.con.unregister("_chunk")

    def close(self) -> None:
        self.con.close()


def _describe_sweeps(text: str) -> str:
    try:
        items = json.loads(text)
    except ValueError:
        return "?"
    if not items:
        return "none"
    return " ".join(f"{i['path']}={','.join(value_text(v) for v in i['values'])}" for i in items)


def scenario_for_group(out: str | Path, group: int) -> Scenario:
    """The scenario that produced sweep group ``group`` of the study in ``out``.

    Rebuilt from the content stored in ``results.duckdb`` with the same sweep rules as ``samsim mc``,
    so ``simulate(scenario_for_group(out, g), seed=S, run=i)`` replays run i of group g exactly. A
    scenario with a DEM resolves it next to the original scenario file, which must still hold the
    same terrain (checked by its SHA-256). Raises :class:`StudyError` when that is not possible.
    """
    import duckdb

    db = Path(out) / DB_NAME
    if not db.is_file():
        raise StudyError([f"{out}: no {DB_NAME}: not a samsim mc folder"])
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StudyError([f"{db}: cannot be opened ({first}); a study still running locks it"]) from None
    try:
        rows = con.execute(
            "SELECT scenario_json, sweeps, scenario_path, terrain_sha256 FROM study"
        ).fetchall()
    except duckdb.Error as exc:
        raise StudyError([f"{db}: no readable study table ({exc})"]) from None
    finally:
        con.close()
    if len(rows) != 1:
        raise StudyError([f"{db}: the study table should hold one row, it holds {len(rows)}"])
    scenario_json, sweeps_json, scenario_path, terrain_sha = rows[0]
    where = f"{db}:study"
    data = json.loads(scenario_json)
    base, problems = validate_data(copy.deepcopy(data), {}, where)
    if base is None:
        raise StudyError([f"the study's scenario is not valid in this samsim version: {problems[0]}"])
    if scenario_path:
        base.read_from(Path(scenario_path))
    if terrain_sha is not None and _terrain_digest(base) != terrain_sha:
        raise StudyError(
            [f"the study's terrain ({base.terrain_path}) is missing or has changed since the study"]
        )
    stored = json.loads(sweeps_json or "[]")
    sweep_list = parse_sweeps({s["path"]: s["values"] for s in stored}) if stored else []
    for g in build_groups(base, data, {}, where, sweep_list):
        if g.index == group:
            return g.scenario
    raise StudyError([f"the study has no sweep group {group}"])


_ORDER = {
    "runs": '"group", run',
    "threat_outcomes": '"group", run, rowid',
    "interceptors": '"group", run, rowid',
}


def _tmp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it: ``path`` is whole or absent."""
    tmp = _tmp_name(path)
    try:
        with tmp.open("w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def export_parquet(con: duckdb.DuckDBPyConnection, table: str, runs: int, path: Path) -> None:
    """Stream a table, sorted, into Parquet with fixed-size row groups (identical bytes for identical
    rows, memory bounded by one row group)."""
    reader = con.sql(
        f"SELECT * FROM {table} WHERE run < $n ORDER BY {_ORDER[table]}", params={"n": runs}
    ).to_arrow_reader(PARQUET_ROW_GROUP)
    tmp = _tmp_name(path)
    try:
        with pq.ParquetWriter(tmp, reader.schema, compression="zstd") as writer:
            pending: list[pa.RecordBatch] = []
            count = 0
            for batch in reader:
                pending.append(batch)
                count += batch.num_rows
                while count >= PARQUET_ROW_GROUP:
                    block = pa.Table.from_batches(pending, schema=reader.schema)
                    writer.write_table(block.slice(0, PARQUET_ROW_GROUP), row_group_size=PARQUET_ROW_GROUP)
                    rest = block.slice(PARQUET_ROW_GROUP)
                    pending = rest.to_batches()
                    count = rest.num_rows
            if count:
                block = pa.Table.from_batches(pending, schema=reader.schema)
                writer.write_table(block, row_group_size=PARQUET_ROW_GROUP)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
