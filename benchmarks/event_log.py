"""Bytes per event of the engine's event log, and the cost of building its table at the end.

    .venv/bin/python benchmarks/event_log.py                  # 8 batteries × 96 threats, 20 min
    .venv/bin/python benchmarks/event_log.py -n 1 -m 48       # a smaller theatre

Runs one replication of a theatre scenario (benchmarks/theatre.py), then reports its events again into
the compact :class:`~samsim.output.result.EventLog` and into the log of Python tuples it replaced
(``TupleLog``, tests/output/test_event_log.py) as the engine does (each scan's detections and strobes
in one batch, detections by threat code with their ranges as numbers, everything else one event at a
time), under ``tracemalloc``: the memory the filled log
holds per event (Python objects and NumPy buffers: what ``tracemalloc`` sees), the size of the table
built from it (Arrow's own memory, which ``tracemalloc`` does not see), and the seconds filling the log
(under ``tracemalloc``, which slows it) and building its table take, wall and CPU. Prints a Markdown
table.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from theatre import theatre  # noqa: E402

import samsim  # noqa: E402
from samsim.output.details import RANGE_KM  # noqa: E402
from samsim.output.result import EventLog  # noqa: E402
from tests.output.test_event_log import TupleLog  # noqa: E402

BATCHED = ("detect", "jam_strobe")


def _batches(events: pa.Table) -> tuple[list[tuple[str, Any]], list[str]]:
    """The events as the engine reported them: ("many", kwargs) per scan batch, ("one", kwargs); and
    the threats' names. Detections name their threats by index into those names and give their
    ranges as numbers, as the engine does (codes looked up once a run, details written at the end)."""
    rows = events.to_pylist()
    names = sorted({r["threat"] for r in rows if r["threat"] is not None})
    index = {name: k for k, name in enumerate(names)}
    out: list[tuple[str, Any]] = []
    k = 0
    while k < len(rows):
        r = rows[k]
        if r["kind"] in BATCHED:
            key = (r["time_s"], r["kind"], r["battery"], r["radar"])
            j = k
            while (
                j < len(rows)
                and (rows[j]["time_s"], rows[j]["kind"], rows[j]["battery"], rows[j]["radar"]) == key
            ):
                j += 1
            batch = rows[k:j]
            kw = {
                "time_s": np.array([b["time_s"] for b in batch]),
                "kind": r["kind"],
                "battery": r["battery"],
                "radar": r["radar"],
                "threat": [b["threat"] for b in batch],
                "detail": [b["detail"] for b in batch],
            }
            if r["kind"] == "detect":
                kw["threat"] = np.array([index[b["threat"]] for b in batch])
                kw["detail"] = (RANGE_KM, np.array([RANGE_KM.parse(b["detail"]) for b in batch]))
            out.append(("many", kw))
            k = j
        else:
            out.append(("one", r))
            k += 1
    return out, names


def _fresh(text: str | None) -> str | None:
    return None if text is None else text.encode().decode()


def _measure(
    cls: type[EventLog] | type[TupleLog], batches: list[tuple[str, Any]], threats: list[str]
) -> dict[str, float]:
    gc.collect()
    tracemalloc.start()
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    log = cls()
    codes = log.codes(threats)
    for how, kw in batches:
        # details (and track names) are new strings for every event in the engine: make them here too
        if how == "many" and isinstance(kw["threat"], np.ndarray):
            log.add_many(**{**kw, "threat": codes[kw["threat"]]})
        elif how == "many":
            log.add_many(**{**kw, "detail": [_fresh(d) for d in kw["detail"]]})
        else:
            names = {c: kw[c] for c in kw if c not in ("time_s", "kind", "detail", "track")}
            log.add(kw["time_s"], kw["kind"], track=_fresh(kw["track"]), detail=_fresh(kw["detail"]), **names)
    fill_s, fill_cpu_s = time.perf_counter() - t0, time.process_time() - cpu0
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    t0, cpu0 = time.perf_counter(), time.process_time()
    table = log.table()
    table_s, table_cpu_s = time.perf_counter() - t0, time.process_time() - cpu0
    n = len(log)
    return {
        "events": n,
        "bytes_per_event": held / n,
        "log_mb": held / 2**20,
        "table_mb": table.nbytes / 2**20,
        "fill_s": fill_s,
        "fill_cpu_s": fill_cpu_s,
        "table_s": table_s,
        "table_cpu_s": table_cpu_s,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--batteries", type=int, default=8)
    ap.add_argument("-m", "--threats", type=int, default=96)
    ap.add_argument("--minutes", type=float, default=20.0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    scenario = samsim.loads(json.dumps(theatre(args.batteries, args.threats, args.minutes * 60)))
    events = samsim.simulate(scenario, seed=args.seed).events
    batches, threats = _batches(events)
    config = f"{args.batteries} × {args.threats} / {args.minutes:g} min, seed {args.seed}"
    print(f"{config}: {events.num_rows} events")
    print("| log | bytes per event | log MB | table MB | fill s (CPU) | table s (CPU) |")
    print("|---|---|---|---|---|---|")
    for name, cls in (("tuples (before)", TupleLog), ("compact columns", EventLog)):
        got = _measure(cls, batches, threats)
        print(
            f"| {name} | {got['bytes_per_event']:.0f} | {got['log_mb']:.1f} | {got['table_mb']:.1f} | "
            f"{got['fill_s']:.2f} ({got['fill_cpu_s']:.2f}) | "
            f"{got['table_s']:.2f} ({got['table_cpu_s']:.2f}) |",
            flush=True,
        )


if __name__ == "__main__":
    main()
