"""Writing results safely: folders that appear whole or not at all, deterministic Parquet.

``atomic_dir`` builds a folder beside its destination and renames it into place, so an interrupted
run (Ctrl-C, a crash) never leaves a half-written output folder.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while a few file-system steps must happen together (main thread only);
    a signal that arrives meanwhile is delivered when the block ends."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


_SWAPS = itertools.count()


def _remove_matching(folder: Path, prefix: str) -> None:
    for p in folder.glob(prefix + "*"):
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)


class OutputFolderError(ValueError):
    """An output folder holds something samsim did not write: it is left untouched."""


Owns = Callable[[str], bool]
"""Whether a file name belongs to one kind of samsim output (and may be replaced)."""


def check_output_folder(out: Path, kind: str, owns: Owns) -> None:
    """Refuse an output folder that samsim must not replace.

    ``out`` may be missing, empty, or hold only files ``owns`` recognises as ``kind`` output (a
    previous run of the same command); anything else raises :class:`OutputFolderError` naming what is
    there, before anything is written.
    """
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputFolderError(f"{out}: exists and is not a folder; choose a new or empty folder for -o")
    foreign = sorted(p.name for p in out.iterdir() if not owns(p.name) and not p.name.startswith(_IN_PLACE))
    if foreign:
        listed = ", ".join(foreign[:4]) + (f" and {len(foreign) - 4} more" if len(foreign) > 4 else "")
        raise OutputFolderError(
            f"{out}: holds {listed}, which samsim did not write; samsim replaces only a folder of its own "
            f"{kind} output: choose a new or empty folder for -o"
        )


_IN_PLACE = ".samsim-tmp-"


def _in_place(out: Path) -> bool:
    """Folders that cannot be swapped by a rename: the working directory (a shell sits in it) and
    mount points."""
    return out.exists() and (out.resolve() == Path.cwd().resolve() or os.path.ismount(out))


@contextmanager
def atomic_dir(out: Path, *, kind: str, owns: Owns) -> Iterator[Path]:
    """Yield a fresh temporary folder; on success its files replace ``out``'s ``kind`` output.

    ``out`` is checked first (:func:`check_output_folder`): a folder holding anything else is refused
    and never touched. The new folder is built beside ``out`` and renamed into place, so interrupted or
    failing at any point (KeyboardInterrupt included), ``out`` is left either as it was or fully
    replaced, and nothing else stays beside it: the steps that create, swap and remove folders run with
    SIGINT and SIGTERM held, and whatever they leave when one of them fails is put back or removed
    (every folder they make carries this call's own prefix). The working directory (``-o .``) and
    mount points cannot be renamed: there the new files are built inside ``out`` and moved over the old
    ones file by file, each rename atomic.
    """
    out = Path(out)
    check_output_folder(out, kind, owns)
    if _in_place(out):
        with _files_in_place(out, owns) as tmp:
            yield tmp
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    token = f"{os.getpid()}-{next(_SWAPS)}-"
    tmp_prefix, old_prefix = f".{out.name}.tmp-{token}", f".{out.name}.old-{token}"
    with _signals_deferred():
        try:
            tmp = Path(tempfile.mkdtemp(prefix=tmp_prefix, dir=out.parent))
        except BaseException:
            _remove_matching(out.parent, tmp_prefix)
            raise
    try:
        yield tmp
    except BaseException:
        with _signals_deferred():
            _remove_matching(out.parent, tmp_prefix)
        raise
    with _signals_deferred():
        try:
            if out.exists():
                holder = Path(tempfile.mkdtemp(prefix=old_prefix, dir=out.parent))
                os.replace(out, holder / out.name)
            os.replace(tmp, out)
        except BaseException:
            # Put things back: the new folder if it got into place, else the old one.
            held = [p / out.name for p in out.parent.glob(old_prefix + "*") if (p / out.name).exists()]
            if not out.exists() and held:
                os.replace(held[0], out)
            _remove_matching(out.parent, tmp_prefix)
            _remove_matching(out.parent, old_prefix)
            raise
        try:
            _remove_matching(out.parent, old_prefix)
        except BaseException:
            _remove_matching(out.parent, old_prefix)
            raise


@contextmanager
def _files_in_place(out: Path, owns: Owns) -> Iterator[Path]:
    """The in-place variant of :func:`atomic_dir`: a hidden temporary folder inside ``out``, then
    each new file renamed over the old one and the old output files the new run did not write
    removed."""
    prefix = f"{_IN_PLACE}{os.getpid()}-{next(_SWAPS)}-"
    with _signals_deferred():
        tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=out))
    try:
        yield tmp
        with _signals_deferred():
            new = {p.name for p in tmp.iterdir()}
            for p in tmp.iterdir():
                os.replace(p, out / p.name)
            for p in out.iterdir():
                if owns(p.name) and p.name not in new:
                    shutil.rmtree(p) if p.is_dir() else p.unlink()
    finally:
        with _signals_deferred():
            _remove_matching(out, prefix)


def write_parquet(table: pa.Table, path: Path) -> None:
    """Deterministic Parquet: no statistics timestamps, fixed row groups, zstd."""
    pq.write_table(table, path, compression="zstd", row_group_size=1 << 20, write_statistics=True)
