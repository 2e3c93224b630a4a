"""How long the 3-D replay of a run takes to be ready in headless Chromium with software WebGL (the
browser of CI and of the end-to-end tests): from navigation to the status bar reading "ready", which
the page sets once the globe's tiles, the borders and place names, and every entity are drawn.

    .venv/bin/python -m tests.web.measure_replay examples/raid-48.yaml --repeat 3 [--dist OTHER_BUILD]

Simulates the scenario into a temporary run folder, serves it with ``samsim serve``'s app and loads
the replay ``--repeat`` times, each in a fresh browser context (no cache); prints every time, the
median, and the page's own breakdown (``window.__samsimTimings``) of the last load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from tests.web.chromium import VIEWPORT, AppServer, chromium


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--dist", type=Path, default=None, help="another build of the front end, to compare")
    args = parser.parse_args(argv)

    import samsim

    with tempfile.TemporaryDirectory(prefix="samsim-measure-") as tmp:
        result = samsim.simulate(samsim.load(args.scenario), seed=args.seed)
        folder = samsim.write_run(result, Path(tmp) / "run")
        server = AppServer()
        url = server.start(folder, args.dist) + "/#/replay/run"
        times: list[float] = []
        breakdown: object = None
        try:
            with chromium() as browser:
                for _ in range(args.repeat):
                    context = browser.new_context(viewport=VIEWPORT)
                    page = context.new_page()
                    started = time.perf_counter()
                    page.goto(url)
                    page.wait_for_selector(
                        "[data-testid=status][data-state=ready], [data-testid=status][data-state=error]",
                        timeout=180_000,
                    )
                    times.append(time.perf_counter() - started)
                    state = page.get_attribute("[data-testid=status]", "data-state")
                    if state != "ready":
                        raise SystemExit(f"the page reported an error: {page.inner_text('#banner')}")
                    breakdown = page.evaluate("window.__samsimTimings || null")
                    context.close()
        finally:
            server.stop()
    for i, t in enumerate(times, 1):
        print(f"load {i}: ready in {t:.2f} s")
    print(f"median: {statistics.median(times):.2f} s over {len(times)} loads ({args.scenario.name})")
    if breakdown:
        print("last load, ms since navigation:", json.dumps(breakdown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
