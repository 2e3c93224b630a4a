"""Fingerprints of samsim's results on a fixed set of scenarios: proof that a change meant only to
make samsim faster (or leaner) leaves every result as it was.

    .venv/bin/python benchmarks/fingerprint.py > before.txt     # on the old commit
    .venv/bin/python benchmarks/fingerprint.py > after.txt      # on the new one
    diff <(cut -d' ' -f1-6 before.txt) <(cut -d' ' -f1-6 after.txt)

One line per scenario and seed: the number of events and the SHA-256 (first 16 hex digits) of the
events table, of the trajectories table (both as Arrow IPC streams) and of the threat and interceptor
outcomes (summary.json's records as sorted JSON), then the replication's CPU seconds, which is not
part of the fingerprint. ``--quick`` runs the first four.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import pyarrow as pa

import samsim

sys.path.insert(0, str(Path(__file__).parent))
from theatre import theatre  # noqa: E402  (the benchmark's own scenario generator)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def table_digest(table: pa.Table) -> str:
    """SHA-256 of the table written as one Arrow IPC stream (schema and values)."""
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table.combine_chunks())
    return hashlib.sha256(sink.getvalue()).hexdigest()[:16]


def outcome_digest(result: samsim.Result) -> str:
    """SHA-256 of the threat and interceptor outcomes as sorted JSON."""
    records = [asdict(x) for x in result.threats] + [asdict(x) for x in result.interceptors]
    return hashlib.sha256(json.dumps(records, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _example(name: str) -> Callable[[], samsim.Scenario]:
    return lambda: samsim.load(EXAMPLES / name)


CASES: list[tuple[str, Callable[[], samsim.Scenario], int]] = [
    ("raid-48 s1", _example("raid-48.yaml"), 1),
    ("raid-48 s2", _example("raid-48.yaml"), 2),
    ("sead-strike s1", _example("sead-strike.yaml"), 1),
    ("escort-jamming s1", _example("escort-jamming.yaml"), 1),
    ("ukraine-kyiv s1", _example("ukraine-kyiv.yaml"), 1),
    ("regiment-ankara s1", _example("regiment-ankara.yaml"), 1),
    ("f35-nebosvu s1", _example("f35-training-ankara-nebosvu.yaml"), 1),
    ("theatre-8x96/20 s1", lambda: samsim.loads(json.dumps(theatre(8, 96, 1200.0, 30.0))), 1),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="only the first four scenarios")
    args = ap.parse_args()
    for name, make, seed in CASES[:4] if args.quick else CASES:
        scenario = make()
        cpu0 = time.process_time()
        result = samsim.simulate(scenario, seed=seed)
        cpu_s = time.process_time() - cpu0
        print(
            f"{name} events={result.events.num_rows} ev={table_digest(result.events)} "
            f"traj={table_digest(result.trajectories)} out={outcome_digest(result)} cpu_s={cpu_s:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
