"""One replication of the reference raid (examples/raid-48.yaml): target < 0.5 s on one core.

    .venv/bin/python benchmarks/raid48.py [--runs 5] [--trajectories] [--profile]

The same measurement as benchmarks/engine.py with the raid as its scenario.
"""

from __future__ import annotations

from engine import main

if __name__ == "__main__":
    main()
