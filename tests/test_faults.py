"""Fault injection (docs/reliability.md): SIGKILL of `samsim mc` at many moments then resume; a full disk and a
read-only OUT; Ctrl-C of `samsim run` at random moments and at every step of the atomic folder swap;
damaged, foreign, locked and half-written `results.duckdb` files.

What already lives elsewhere is not repeated: one SIGKILL at W=1 (tests/study/test_study_exec.py), garbage,
truncated and foreign databases (tests/study/test_study.py), SIGINT during a fresh `samsim run` and an
exception inside the output folder (tests/test_cli.py).

A full disk is a small tmpfs when the tests run as root (mount needs CAP_SYS_ADMIN), and everywhere a
per-file size limit (RLIMIT_FSIZE) in the child process. A read-only OUT is a tmpfs remounted read-only
as root (root ignores permission bits, so chmod proves nothing there), else a folder without write
permission. ``SAMSIM_FUZZ_EXAMPLES`` (the long mode of ``make fuzz``) raises the number of kills and
interrupts; docs/reliability.md has the figures.
"""

from __future__ import annotations

import functools
import hashlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import psutil
import pytest

from samsim import load, simulate, write_run
from samsim.study import StudyError, monte_carlo
from tests.conftest import EXAMPLES, ROOT
from tests.study.test_study_exec import MICRO, TABLES

LONG_EXAMPLES = int(os.environ.get("SAMSIM_FUZZ_EXAMPLES") or 0)
SEED = int(os.environ.get("SAMSIM_FAULT_SEED") or 20251125)
# MICRO runs in a few milliseconds; the study commits every 64 runs or so, so a kill point k lands
# mid-study. The long mode kills more often and needs a longer study.
RUNS = 2000 if LONG_EXAMPLES else 400


def says(stderr: str, phrases: tuple[str, ...]) -> bool:
    """Whether one of the phrases is in the message (Rich wraps long lines at any space)."""
    flat = " ".join(stderr.split())
    return any(p in flat for p in phrases)


def samsim(*args: str, timeout: float = 300, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "samsim.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        **kw,
    )


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def db_tables(out: Path) -> dict[str, list[tuple[Any, ...]]] | None:
    """Every row of the study tables (None when OUT has no database yet)."""
    path = out / "results.duckdb"
    if not path.exists():
        return None
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if not set(TABLES) <= names:
            return None  # killed before the schema was committed
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
    finally:
        con.close()


def runs_of(tables: dict[str, list[tuple[Any, ...]]] | None) -> set[tuple[int, int]]:
    return set() if tables is None else {(int(r[0]), int(r[1])) for r in tables["runs"]}


def only_runs(tables: dict[str, list[tuple[Any, ...]]], keep: set[tuple[int, int]]) -> dict[str, list[Any]]:
    return {t: [r for r in rows if (int(r[0]), int(r[1])) in keep] for t, rows in tables.items()}


@pytest.fixture(scope="module")
def micro(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scenario") / "micro.yaml"
    path.write_text(MICRO)
    return path


@pytest.fixture(scope="module")
def reference(micro: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The uninterrupted study every interrupted one must end identical to."""
    out = tmp_path_factory.mktemp("reference") / "study"
    monte_carlo(micro, out, RUNS)
    return out


def check_partial_state(
    out: Path, ref: dict[str, list[Any]], before: set[tuple[int, int]]
) -> set[tuple[int, int]]:
    """After a kill: the database opens, its runs are a superset of those committed before (none lost),
    appear once, and each run's rows are exactly the uninterrupted study's (nothing half-written)."""
    tables = db_tables(out)
    runs = runs_of(tables)
    assert before <= runs, f"runs lost: {sorted(before - runs)[:10]}"
    if tables is not None:
        assert len(tables["runs"]) == len(runs), "duplicate runs"
        expected = only_runs(ref, runs)
        for name in TABLES:
            assert Counter(tables[name]) == Counter(expected[name]), name
    return runs


# ---------------------------------------------------------------------------------------------
# SIGKILL of `samsim mc`, at moments chosen in the code and at random times

# A child that runs `samsim mc` and kills itself with SIGKILL at an exact point of the study.
KILL_AT = """
import os, signal, sys
from samsim.study import api, store
from samsim.cli import main

point, k = sys.argv[1], int(sys.argv[2])
calls = [0]


def at_call(fn, before):
    def wrapper(*args, **kwargs):
        calls[0] += 1
        if before and calls[0] == k:
            os.kill(os.getpid(), signal.SIGKILL)
        out = fn(*args, **kwargs)
        if not before and calls[0] == k:
            os.kill(os.getpid(), signal.SIGKILL)
        return out
    return wrapper


if point == "schema":  # the k-th CREATE TABLE is about to run, the earlier ones are uncommitted
    store._ddl = at_call(store._ddl, before=False)
elif point == "in-transaction":  # the k-th batch of runs is inserted but not committed
    store.Store._insert_children = at_call(store.Store._insert_children, before=False)
elif point == "between":  # right after the k-th commit
    store.Store.commit = at_call(store.Store.commit, before=False)
elif point == "export":  # before the k-th Parquet export
    api.export_parquet = at_call(api.export_parquet, before=True)  # looked up in api at call time
elif point == "summary":  # before summary.json (k=1) or report.html (k=2)
    api.write_text_atomic = at_call(api.write_text_atomic, before=True)
sys.argv = ["samsim", "mc", *sys.argv[3:]]
main()
"""

# The k of each kill point is drawn from these ranges (W=1, W=2): the parallel study commits many
# small batches at first, while its workers warm up.
_POINT_CALLS = {
    "schema": ((2, 4), (2, 4)),
    "in-transaction": ((2, 7), (4, 20)),
    "between": ((2, 7), (4, 20)),
    "export": ((1, 3), (1, 3)),
    "summary": ((1, 2), (1, 2)),
    "timer": ((1000, 3000), (1500, 5000)),  # milliseconds; the interpreter starts in about a second
}


def _kill_plan(workers: int, rng: random.Random) -> list[tuple[str, int]]:
    """The kill points of one study: (point, k), k the call at which it dies or, for 'timer', the
    milliseconds after the start."""
    names = {
        1: ["schema", "in-transaction", "timer", "export"],
        2: ["in-transaction", "between", "timer", "summary"],
    }[workers]
    if LONG_EXAMPLES:
        middle = ["in-transaction", "between", "timer"] * max(1, LONG_EXAMPLES // 1500)
        names = ["schema", *middle, "export", "summary"]
    return [(name, rng.randint(*_POINT_CALLS[name][workers - 1])) for name in names]


def _run_and_kill(micro: Path, out: Path, workers: int, point: str, k: int) -> int:
    """Start `samsim mc`, let it die at the kill point, then end whatever it left behind (orphaned
    worker processes, see test_workers_exit_when_the_study_is_killed); the study's return code."""
    args = [str(micro), "-o", str(out), "--runs", str(RUNS), "--workers", str(workers), "-q"]
    if point == "timer":
        cmd = [sys.executable, "-m", "samsim.cli", "mc", *args]
    else:
        cmd = [sys.executable, "-c", KILL_AT, point, str(k), *args]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        if point == "timer":
            try:
                proc.wait(timeout=k / 1000)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=300)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the session holds the study and its workers only
        except ProcessLookupError:
            pass
        assert proc.stderr is not None
        err = proc.stderr.read().decode()
        proc.stderr.close()
    assert "Traceback" not in err, err
    return proc.returncode


@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_at_many_moments_then_resume(
    micro: Path, reference: Path, tmp_path: Path, workers: int
) -> None:
    rng = random.Random(SEED + workers)
    ref = db_tables(reference)
    assert ref is not None
    out = tmp_path / "study"
    committed: set[tuple[int, int]] = set()
    log = []
    for point, k in _kill_plan(workers, rng):
        code = _run_and_kill(micro, out, workers, point, k)
        if code == 0:  # the study finished before the kill point came
            log.append(f"{point}:{k} finished")
            continue
        assert code == -signal.SIGKILL, code
        committed = check_partial_state(out, ref, committed)
        log.append(f"{point}:{k} -> {len(committed)}")
    print(f"W={workers}: " + ", ".join(log))
    kills = [entry for entry in log if "->" in entry]
    assert len(kills) >= 3, log
    res = samsim("mc", str(micro), "-o", str(out), "--runs", str(RUNS), "--workers", str(workers), "-q")
    assert res.returncode == 0, res.stderr
    assert db_tables(out) == ref
    for name in TABLES:
        assert (out / f"{name}.parquet").read_bytes() == (reference / f"{name}.parquet").read_bytes()
    assert (out / "summary.json").read_bytes() == (reference / "summary.json").read_bytes()
    assert sorted(p.name for p in out.iterdir() if ".tmp-" in p.name) == []


def test_workers_exit_when_the_study_is_killed(micro: Path, tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "samsim.cli",
            "mc",
            str(micro),
            "-o",
            str(tmp_path / "s"),
            "--runs",
            "5000",
            "--workers",
            "2",
            "-q",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        parent = psutil.Process(proc.pid)
        deadline = time.monotonic() + 60
        children: list[psutil.Process] = []
        while time.monotonic() < deadline and len(children) < 4:  # tracker, forkserver, 2 workers
            children = parent.children(recursive=True)
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        _, alive = psutil.wait_procs(children, timeout=3.0)
        assert alive == [], f"{len(alive)} processes outlived the study"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# ---------------------------------------------------------------------------------------------
# A full disk


@functools.cache
def can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    with tempfile.TemporaryDirectory() as d:
        if subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", d], capture_output=True
        ).returncode:
            return False
        subprocess.run(["umount", d], check=True)
    return True


def remount(path: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(path)], check=True, capture_output=True)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """``tmpfs(size)`` mounts a tmpfs of that size under tmp_path (root only, else the test is skipped)."""
    mounted: list[Path] = []

    def make(size: str) -> Path:
        if not can_mount():
            pytest.skip("mounting a tmpfs needs root (CAP_SYS_ADMIN)")
        path = tmp_path / f"disk{len(mounted)}"
        path.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
        mounted.append(path)
        return path

    yield make
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], check=False)


def _fsize_limit(limit_bytes: int) -> Callable[[], None]:
    def apply() -> None:  # in the child, before exec; Python ignores SIGXFSZ, so writes fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return apply


DISK_FULL = ("No space left on device", "File too large")


@pytest.mark.parametrize("how", ["tmpfs", "rlimit"])
def test_disk_full_mid_study_fails_cleanly_and_resumes(
    micro: Path, reference: Path, tmp_path: Path, tmpfs: Callable[[str], Path], how: str
) -> None:
    ref = db_tables(reference)
    assert ref is not None
    # The study is begun on a roomy disk, then the disk fills while it is extended to RUNS runs: about
    # 64 kB more fit, a couple of hundred runs in the write-ahead log.
    out = (tmpfs("64m") if how == "tmpfs" else tmp_path) / "study"
    monte_carlo(micro, out, 20)
    begun = runs_of(db_tables(out))
    limit: dict[str, Any] = {}
    if how == "tmpfs":
        remount(out.parent, f"size={shutil.disk_usage(out.parent).used + (64 << 10)}")
    else:
        limit["preexec_fn"] = _fsize_limit(64 << 10)
    res = samsim("mc", str(micro), "-o", str(out), "--runs", str(RUNS), "-q", **limit)
    assert res.returncode in (1, 2), res.stderr
    assert "Traceback" not in res.stderr
    assert says(res.stderr, DISK_FULL), res.stderr
    if how == "tmpfs":
        remount(out.parent, "size=64m")
    committed = check_partial_state(out, ref, begun)
    print(f"disk full ({how}): {len(committed)} of {RUNS} runs committed; stderr: {res.stderr.strip()!r}")
    assert len(begun) < len(committed) < RUNS
    again = samsim("mc", str(micro), "-o", str(out), "--runs", str(RUNS), "-q")
    assert again.returncode == 0, again.stderr
    assert db_tables(out) == ref
    assert (out / "summary.json").read_bytes() == (reference / "summary.json").read_bytes()


def test_disk_full_while_creating_the_database_then_resume(micro: Path, tmp_path: Path) -> None:
    out = tmp_path / "s"
    res = samsim("mc", str(micro), "-o", str(out), "--runs", "20", "-q", preexec_fn=_fsize_limit(4096))
    assert res.returncode in (1, 2) and "Traceback" not in res.stderr
    assert says(res.stderr, DISK_FULL), res.stderr
    # The database this call began is not left behind, so the same command works once there is room.
    assert not (out / "results.duckdb").exists()
    again = samsim("mc", str(micro), "-o", str(out), "--runs", "20", "-q")
    assert again.returncode == 0, again.stderr
    assert runs_of(db_tables(out)) == {(0, r) for r in range(20)}


def test_file_size_limit_while_creating_is_not_called_a_damaged_database(micro: Path, tmp_path: Path) -> None:
    res = samsim(
        "mc", str(micro), "-o", str(tmp_path / "s"), "--runs", "5", "-q", preexec_fn=_fsize_limit(4096)
    )
    assert res.returncode != 0
    assert not says(res.stderr, ("cannot be read as a samsim study", "move it away")), res.stderr


def _raid_outputs(tmp_path: Path) -> tuple[Path, Path]:
    """OUT folders of raid-48 with seeds 1 and 2 (written in this process, as `samsim run` does)."""
    sc = load(EXAMPLES / "raid-48.yaml")
    old, new = tmp_path / "ref-old", tmp_path / "ref-new"
    write_run(simulate(sc, seed=1), old)
    write_run(simulate(sc, seed=2), new)
    return old, new


@pytest.mark.parametrize("how", ["tmpfs", "rlimit"])
def test_disk_full_run_keeps_the_previous_out(tmp_path: Path, tmpfs: Callable[[str], Path], how: str) -> None:
    sc = load(EXAMPLES / "raid-48.yaml")
    base = tmpfs("2m") if how == "tmpfs" else tmp_path / "disk"
    base.mkdir(exist_ok=True)
    out = base / "out"
    write_run(simulate(sc, seed=1), out)  # about 1.4 MB: a second copy does not fit in 2 MB
    before = digest(out)
    limit = {} if how == "tmpfs" else {"preexec_fn": _fsize_limit(256 << 10)}
    res = samsim("run", str(EXAMPLES / "raid-48.yaml"), "-o", str(out), "--seed", "2", "-q", **limit)
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    assert says(res.stderr, DISK_FULL), res.stderr
    assert digest(out) == before
    assert sorted(p.name for p in base.iterdir()) == ["out"]


# ---------------------------------------------------------------------------------------------
# A read-only OUT


class ReadOnly:
    """A folder that can be made read-only and writable again: a tmpfs remounted as root, or write
    permission removed otherwise (root ignores permission bits, so that proves nothing as root)."""

    def __init__(self, tmp_path: Path, tmpfs: Callable[[str], Path]):
        if os.geteuid() == 0:
            if not can_mount():
                pytest.skip(
                    "as root, a read-only folder needs a read-only mount, and mount is not allowed here"
                )
            self.path = tmpfs("64m")
            self.mounted = True
        else:
            self.path = tmp_path / "ro"
            self.path.mkdir()
            self.mounted = False

    def protect(self) -> None:
        if self.mounted:
            remount(self.path, "ro")
            return
        for p in [self.path, *self.path.rglob("*")]:
            p.chmod(0o555 if p.is_dir() else 0o444)

    def release(self) -> None:
        if self.mounted:
            remount(self.path, "rw")
            return
        for p in [self.path, *self.path.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)


READ_ONLY = ("Read-only file system", "Permission denied")


@pytest.fixture
def readonly(tmp_path: Path, tmpfs: Callable[[str], Path]) -> Iterator[ReadOnly]:
    ro = ReadOnly(tmp_path, tmpfs)
    yield ro
    ro.release()


def test_read_only_out_fails_cleanly_and_the_study_survives(micro: Path, readonly: ReadOnly) -> None:
    small = readonly.path / "study"
    monte_carlo(micro, small, 30)
    extended = readonly.path / "extended"
    monte_carlo(micro, extended, 60)  # what extending the study must give once OUT is writable again
    before = (small / "results.duckdb").read_bytes()
    listing = sorted(p.name for p in small.iterdir())
    readonly.protect()
    for args in (
        [
            "mc",
            str(micro),
            "-o",
            str(small),
            "--runs",
            "30",
            "-q",
        ],  # complete: only the outputs are rewritten
        ["mc", str(micro), "-o", str(small), "--runs", "60", "-q"],  # extend
        ["mc", str(micro), "-o", str(readonly.path / "new"), "--runs", "5", "-q"],
        ["run", str(micro), "-o", str(readonly.path / "run"), "-q"],
    ):
        res = samsim(*args)
        assert res.returncode in (1, 2), (args, res.stderr)
        assert "Traceback" not in res.stderr
        assert says(res.stderr, READ_ONLY), (args, res.stderr)
    # A run into the study's folder is refused before the disk is even tried: it is not run output.
    res = samsim("run", str(micro), "-o", str(small), "-q")
    assert res.returncode == 2 and "which samsim did not write" in res.stderr, res.stderr
    assert (small / "results.duckdb").read_bytes() == before
    assert sorted(p.name for p in small.iterdir()) == listing
    readonly.release()
    res = samsim("mc", str(micro), "-o", str(small), "--runs", "60", "-q")
    assert res.returncode == 0, res.stderr
    assert db_tables(small) == db_tables(extended)


def test_read_only_out_is_not_called_an_internal_error_or_a_damaged_database(
    micro: Path, readonly: ReadOnly
) -> None:
    monte_carlo(micro, readonly.path / "study", 10)
    readonly.protect()
    for args in (
        ["run", str(micro), "-o", str(readonly.path / "run"), "-q"],
        ["mc", str(micro), "-o", str(readonly.path / "study"), "--runs", "10", "-q"],
    ):
        res = samsim(*args)
        assert res.returncode != 0
        for misleading in (
            "internal error",
            "please report",
            "cannot be read as a samsim study",
            "move it away",
        ):
            assert misleading not in res.stderr, (args, res.stderr)


# ---------------------------------------------------------------------------------------------
# Ctrl-C of `samsim run`


def test_sigint_at_random_moments_leaves_the_old_or_the_new_out(tmp_path: Path) -> None:
    old, new = _raid_outputs(tmp_path)
    old_digest, new_digest = digest(old), digest(new)
    rng = random.Random(SEED)
    work = tmp_path / "work"
    outcomes = Counter()
    for _ in range(3 if not LONG_EXAMPLES else max(3, LONG_EXAMPLES // 250)):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        shutil.copytree(old, work / "out")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "samsim.cli",
                "run",
                str(EXAMPLES / "raid-48.yaml"),
                "-o",
                str(work / "out"),
                "--seed",
                "2",
                "-q",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        delay = rng.uniform(0.3, 3.0)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        # 130: interrupted in samsim; -SIGINT: while Python imported samsim or shut down after the run.
        assert proc.returncode in (0, 130, -signal.SIGINT), (proc.returncode, err)
        assert "Traceback" not in err or proc.returncode == -signal.SIGINT, err
        assert sorted(p.name for p in work.iterdir()) == ["out"], sorted(p.name for p in work.iterdir())
        now = digest(work / "out")
        assert now in (old_digest, new_digest)
        if proc.returncode == 0:
            assert now == new_digest
        said = "traceback" if "Traceback" in err else "interrupted" if "interrupted" in err else "-"
        outcomes[(proc.returncode, "new" if now == new_digest else "old", said)] += 1
    print(f"SIGINT outcomes ((exit code, OUT, message), count): {sorted(outcomes.items())}")


def test_ctrl_c_of_run_says_it_was_interrupted(
    micro: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    from contextlib import redirect_stderr, redirect_stdout

    import samsim.sim.engine
    from samsim import cli

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(samsim.sim.engine, "simulate", interrupted)
    monkeypatch.setattr(sys, "argv", ["samsim", "run", str(micro), "-o", str(tmp_path / "out")])
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err), pytest.raises(SystemExit) as done:
        cli.main()
    assert done.value.code == 130
    assert list(tmp_path.iterdir()) == []
    assert "interrupted" in err.getvalue()


_SWAP_STEPS = ["after-temp-folder-made", "after-old-folder-made", "between-the-renames", "before-old-removed"]


@pytest.mark.parametrize("step", _SWAP_STEPS)
def test_sigint_at_each_step_of_the_folder_swap(
    micro: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    import samsim.output.files as results

    sc = load(micro)
    out, new = tmp_path / "out", tmp_path / "new"
    write_run(simulate(sc, seed=1), out)
    write_run(simulate(sc, seed=2), new)
    old_digest, new_digest = digest(out), digest(new)
    shutil.rmtree(new)
    calls = Counter()

    def interrupt_on(name: str, nth: int, fn: Callable[..., Any], after: bool) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            if calls[name] == nth and not after:
                raise KeyboardInterrupt  # what SIGINT's handler raises at this point
            value = fn(*args, **kwargs)
            if calls[name] == nth and after:
                raise KeyboardInterrupt
            return value

        return wrapper

    if step == "after-temp-folder-made":
        monkeypatch.setattr(results.tempfile, "mkdtemp", interrupt_on("mkdtemp", 1, tempfile.mkdtemp, True))
    elif step == "after-old-folder-made":
        monkeypatch.setattr(results.tempfile, "mkdtemp", interrupt_on("mkdtemp", 2, tempfile.mkdtemp, True))
    elif step == "between-the-renames":
        monkeypatch.setattr(results.os, "replace", interrupt_on("replace", 1, os.replace, True))
    else:
        monkeypatch.setattr(results.shutil, "rmtree", interrupt_on("rmtree", 1, shutil.rmtree, False))
    result = simulate(sc, seed=2)
    with pytest.raises(KeyboardInterrupt):
        write_run(result, out)
    monkeypatch.undo()
    # Interrupted anywhere, OUT is the old run or the new one, and nothing else is left beside it.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert digest(out) in (old_digest, new_digest)


# ---------------------------------------------------------------------------------------------
# Damaged, foreign, locked databases


@pytest.fixture(scope="module")
def finished(micro: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A finished study of 60 runs, and the same study extended to 80 runs (the expected result of
    resuming it with --runs 80)."""
    base = tmp_path_factory.mktemp("finished")
    monte_carlo(micro, base / "s60", 60)
    monte_carlo(micro, base / "s80", 80)
    return base / "s60", base / "s80"


def _damaged_copy(src: Path, dst: Path, damage: Callable[[Path], None]) -> Path:
    shutil.copytree(src, dst)
    damage(dst / "results.duckdb")
    return dst / "results.duckdb"


def _overwrite(offset: int, n: int = 64, seed: int = 0) -> Callable[[Path], None]:
    def damage(db: Path) -> None:
        raw = bytearray(db.read_bytes())
        raw[offset : offset + n] = random.Random(seed + offset).randbytes(n)
        db.write_bytes(bytes(raw))

    return damage


def _sql(statement: str) -> Callable[[Path], None]:
    def damage(db: Path) -> None:
        con = duckdb.connect(str(db))
        con.execute(statement)
        con.close()

    return damage


@pytest.mark.parametrize(
    ("damage", "fragment"),
    [
        (lambda db: db.write_bytes(b""), "cannot be read as a samsim study database"),
        (_overwrite(0, 4096), "cannot be read as a samsim study database"),
        (_sql("DELETE FROM study"), "damaged study metadata (0 rows)"),
        (_sql("INSERT INTO study SELECT * FROM study"), "damaged study metadata (2 rows)"),
        (_sql("DROP TABLE interceptors"), "not a samsim study database"),
        (_sql("ALTER TABLE runs ADD COLUMN extra INTEGER"), "table runs has unexpected columns"),
        (_sql("UPDATE study SET hash = 'x'"), "holds a different study"),
        (_sql('CREATE UNIQUE INDEX by_run ON runs ("group", run)'), "carries an index (index)"),
        (
            _sql(
                "CREATE TABLE keyed AS SELECT * FROM runs; DROP TABLE runs; ALTER TABLE keyed RENAME TO runs; "
                'ALTER TABLE runs ADD PRIMARY KEY ("group", run)'
            ),
            "carries an index (primary key)",
        ),
    ],
    ids=[
        "zero-length",
        "random-first-block",
        "no-study-row",
        "two-study-rows",
        "table-missing",
        "extra-column",
        "other-identity",
        "index",
        "primary-key",
    ],
)
def test_damaged_database_is_refused_and_left_untouched(
    micro: Path, finished: tuple[Path, Path], tmp_path: Path, damage: Callable[[Path], None], fragment: str
) -> None:
    db = _damaged_copy(finished[0], tmp_path / "s", damage)
    before = db.read_bytes()
    with pytest.raises(StudyError) as err:
        monte_carlo(micro, tmp_path / "s", 80)
    assert fragment in str(err.value) and str(tmp_path / "s") in str(err.value)
    assert db.read_bytes() == before


def test_junk_write_ahead_log_is_ignored_and_the_study_resumes(
    micro: Path, finished: tuple[Path, Path], tmp_path: Path
) -> None:
    # A WAL that is not DuckDB's (no valid header) holds no committed run: DuckDB discards it.
    db = _damaged_copy(finished[0], tmp_path / "s", lambda db: None)
    Path(f"{db}.wal").write_bytes(random.Random(1).randbytes(5000))
    res = monte_carlo(micro, tmp_path / "s", 80)
    assert res.new_runs == 20
    assert db_tables(tmp_path / "s") == db_tables(finished[1])


def test_database_in_use_by_another_process_is_refused(
    micro: Path, finished: tuple[Path, Path], tmp_path: Path
) -> None:
    db = _damaged_copy(finished[0], tmp_path / "s", lambda db: None)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys, time; c = duckdb.connect({str(db)!r}); print('open', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        before = db.read_bytes()
        with pytest.raises(StudyError, match="in use by another process"):
            monte_carlo(micro, tmp_path / "s", 80)
        assert db.read_bytes() == before
    finally:
        holder.communicate(timeout=60)  # closing stdin lets it exit


def test_corrupt_database_is_not_reported_as_in_use(
    micro: Path, finished: tuple[Path, Path], tmp_path: Path
) -> None:
    _damaged_copy(finished[0], tmp_path / "s", _overwrite(4096 + 16))  # inside DuckDB's first database header
    with pytest.raises(StudyError) as err:
        monte_carlo(micro, tmp_path / "s", 80)
    assert "in use by another process" not in str(err.value)


def test_damage_anywhere_in_the_database_is_refused_and_left_untouched(
    micro: Path, finished: tuple[Path, Path], tmp_path: Path
) -> None:
    # The tables carry no index, so reading every stored value reads every block in use (DuckDB checks
    # each block's checksum as it reads it) before the first write. The long mode damages each page at
    # several places (its start holds the block checksum when a block begins there).
    raw = (finished[0] / "results.duckdb").read_bytes()
    used_pages = [p for p in range(len(raw) // 4096) if any(raw[p * 4096 : (p + 1) * 4096])]
    expected = db_tables(finished[1])
    failures = []
    offsets = (0, 200, 2100, 4032) if LONG_EXAMPLES else (200,)
    for page, offset in ((p, o) for p in used_pages for o in offsets):
        out = tmp_path / f"p{page}-{offset}"
        db = _damaged_copy(finished[0], out, _overwrite(page * 4096 + offset))
        before = db.read_bytes()
        try:
            monte_carlo(micro, out, 80)
        except StudyError:
            if db.read_bytes() != before:
                failures.append(f"page {page}+{offset}: refused but modified")
            continue
        except Exception as exc:  # noqa: BLE001 - any other error is the failure being looked for
            modified = db.read_bytes() != before
            failures.append(
                f"page {page}+{offset}: {type(exc).__name__}{' after modifying the file' if modified else ''}"
            )
            continue
        if db_tables(out) != expected:
            failures.append(f"page {page}+{offset}: resumed on damaged data")
    assert failures == [], failures
