"""report.html of a run and of a study: the palette shared with the replay and the dashboard, and a
map that shows batteries and assets with a legend for everything it draws."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib
import pytest
from matplotlib.colors import to_hex

from samsim import loads, simulate
from samsim.output.html import PAGE_CSS, PALETTE
from samsim.output.run_report import map_figure, render_run_report
from tests.web.conftest import TINY_SCENARIO

matplotlib.use("Agg")

SCENARIO = TINY_SCENARIO  # an asset, a battery and two F-16C


@pytest.fixture(scope="module")
def result() -> Any:
    return simulate(loads(SCENARIO))


def test_map_has_batteries_assets_and_a_legend_in_the_palette(result: Any) -> None:
    import matplotlib.pyplot as plt

    fig = map_figure(result)
    try:
        ax = fig.axes[0]
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert {"battery", "asset (disc: leak radius)", "threat killed here", "threat leaked here"} <= set(
            legend
        )
        assert {"threat, killed", "threat, leaked", "interceptor, kill", "interceptor, self-destruct"} <= set(
            legend
        )
        # Threat lines in the colour of their fate: killed is orange as in the replay, not green.
        fates = {t.fate for t in result.threats}
        colours = {to_hex(line.get_color()) for line in ax.get_lines()}
        assert {PALETTE["threat"][f] for f in fates} <= colours
        assert "#0a7d32" not in colours  # the green that killed threats used to have
        # The battery (white square edged in the battery colour) and the asset with its leak disc,
        # where the scene puts them: the asset at the origin, the battery ~16 km west-north-west.
        squares = [c for c in ax.collections if to_hex(c.get_edgecolor()[0]) == PALETTE["battery"]]
        (bx, by) = squares[0].get_offsets()[0]
        assert bx == pytest.approx(-13.7, abs=0.3) and by == pytest.approx(7.8, abs=0.3)
        disc = next(p for p in ax.patches if to_hex(p.get_edgecolor()) == PALETTE["asset"])
        assert disc.get_radius() == pytest.approx(3.0) and tuple(disc.center) == pytest.approx(
            (0, 0), abs=0.01
        )
        labels = {t.get_text() for t in ax.texts}
        assert {"bat", "city"} <= labels
        # No more unexplained purple dots: battery tracks are left to the replay.
        assert not any(
            to_hex(c.get_facecolor()[0]) == "#7a4fbf" for c in ax.collections if len(c.get_facecolor())
        )
    finally:
        plt.close(fig)


def test_run_report_page_uses_the_palette(result: Any, tmp_path: Path) -> None:
    page = render_run_report(result)
    for fate, colour in PALETTE["threat"].items():
        assert f".{fate}::before" in PAGE_CSS and colour in PAGE_CSS
        assert (
            f"class='{fate}'" in page
            or f'class="{fate}"' in page
            or fate not in {t.fate for t in result.threats}
        )
    assert "tracks are not" in page and 'alt="map"' in page


def test_study_report_single_group_takes_the_palette_colours(tmp_path: Path) -> None:
    import samsim

    (tmp_path / "s.yaml").write_text(SCENARIO)
    samsim.monte_carlo(tmp_path / "s.yaml", tmp_path / "mc", 3)
    page = (tmp_path / "mc" / "report.html").read_text()
    assert "interceptors histogram" in page and "leakers histogram" in page
