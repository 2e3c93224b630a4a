"""Writing results safely: folders that appear whole or not at all, deterministic Parquet.

``atomic_dir`` builds a folder beside its destination and renames it into place, so an interrupted
run (Ctrl-C, a crash) never leaves a half-written output folder.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
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


@contextmanager
def atomic_dir(out: Path) -> Iterator[Path]:
    """Yield a fresh temporary folder beside ``out``; on success it replaces ``out`` in one rename.

    Interrupted or failing at any point (KeyboardInterrupt included), ``out`` is left either as it
    was or fully replaced, and nothing else stays beside it: the steps that create, swap and remove
    folders run with SIGINT and SIGTERM held, and whatever they leave when one of them fails is put
    back or removed (every folder they make carries this call's own prefix).
    """
    out = Path(out)
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


def write_parquet(table: pa.Table, path: Path) -> None:
    """Deterministic Parquet: no statistics timestamps, fixed row groups, zstd."""
    pq.write_table(table, path, compression="zstd", row_group_size=1 << 20, write_statistics=True)
