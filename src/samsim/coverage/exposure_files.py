"""Exposure files: exposure.json, exposure.parquet (one row per detection), a polar plot of the aspect
coverage per radar band (``aspect_<band>.png``) and report.html, written atomically into one folder."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.projections.polar import PolarAxes

from samsim.constants import RADAR_BANDS_GHZ
from samsim.coverage.exposure import ASPECT_BINS, ExposureResult, RadarExposure, aspect_bins
from samsim.output.files import atomic_dir, check_output_folder, write_parquet
from samsim.output.html import PAGE_CSS, figure_png

EXPOSURE_KIND = "samsim exposure"

_EXPOSURE_FILE = re.compile(r"exposure\.json|exposure\.parquet|aspect_[A-Za-z]+\.png|report\.html")

BAND_COLOURS = {
    "VHF": "#e8590c",
    "UHF": "#f08c00",
    "L": "#2f9e44",
    "S": "#1971c2",
    "C": "#6741d9",
    "X": "#c2255c",
}
"""One colour per band in the polar plots (long wavelengths warm, short ones cool)."""


def is_exposure_file(name: str) -> bool:
    """Whether ``name`` is one of the files :func:`write_exposure` writes."""
    return _EXPOSURE_FILE.fullmatch(name) is not None


def check_exposure_folder(out: str | os.PathLike[str]) -> None:
    """Refuse an ``out`` holding anything but exposure output, before the run."""
    check_output_folder(Path(out), EXPOSURE_KIND, is_exposure_file)


def _bands(result: ExposureResult) -> list[str]:
    order = [name for name, _, _ in RADAR_BANDS_GHZ]
    found = {r.band for a in result.aircraft for r in a.radars}
    return [b for b in order if b in found]


def polar_figure(result: ExposureResult, band: str) -> Figure:
    """Detections per 10° aspect bin about the airframe, every aircraft and radar of one band; nose up,
    right wing to the right (as seen from above)."""
    tab = result.detections.to_pydict()
    aspects = np.array([a for a, b in zip(tab["aspect_deg"], tab["band"], strict=True) if b == band])
    counts = np.bincount(
        np.minimum((aspects % 360.0 / (360.0 / ASPECT_BINS)).astype(np.int64), ASPECT_BINS - 1),
        minlength=ASPECT_BINS,
    )
    covered = aspect_bins(aspects) if aspects.size else np.zeros(ASPECT_BINS, dtype=bool)
    fig = Figure(figsize=(4.6, 4.6))
    ax = fig.add_subplot(projection="polar")
    assert isinstance(ax, PolarAxes)
    width = 2.0 * np.pi / ASPECT_BINS
    centres = (np.arange(ASPECT_BINS) + 0.5) * width
    ax.bar(centres, np.log10(1.0 + counts), width=width * 0.95, color=BAND_COLOURS.get(band, "#495057"))
    ax.set_theta_zero_location("N")
    ax.set_theta_direction(-1)
    ax.set_xticks(np.radians([0, 90, 180, 270]))
    ax.set_xticklabels(["nose", "right", "tail", "left"])
    top = max(float(np.log10(1.0 + counts.max())) if counts.size else 1.0, 1.0)
    ax.set_ylim(0.0, top)
    ticks = [t for t in (1, 10, 100, 1000, 10000) if np.log10(1 + t) <= top]
    ax.set_yticks([np.log10(1 + t) for t in ticks])
    ax.set_yticklabels([str(t) for t in ticks], fontsize=7)
    ax.set_title(
        f"{band} band: {int(counts.sum())} detections, {int(covered.sum())}/{ASPECT_BINS} aspect bins",
        fontsize=10,
    )
    return fig


def report_html(result: ExposureResult, figures: dict[str, str]) -> str:
    """The exposure page: one table row per aircraft and radar, then the polar plots per band."""
    several = result.runs > 1

    def cell(r: RadarExposure, name: str, scale: float, unit: str = "") -> str:
        if not several:
            return f"{scale * getattr(r, name):,.0f}{unit}"
        sp = r.over_runs[name]
        interval = f"{scale * sp.p5:,.0f}–{scale * sp.p95:,.0f}"
        return f"{scale * sp.mean:,.0f}{unit} <span class=muted>({interval})</span>"

    rows = []
    for a in result.aircraft:
        for r in a.radars:
            rows.append(
                f"<tr><td>{html.escape(a.id)}</td><td>{html.escape(a.type)}</td>"
                f"<td>{html.escape(r.battery)}</td><td>{html.escape(r.radar)}</td><td>{r.band}</td>"
                f"<td>{r.detections}</td><td>{cell(r, 'detected_s', 1.0)}</td>"
                f"<td>{cell(r, 'tracked_s', 1.0)}</td>"
                f"<td>{cell(r, 'aspect_coverage', 100.0, ' %')}</td></tr>"
            )
    runs_text = (
        f" · {result.runs} runs: mean (5–95 %) over the runs; detections and plots of run 0"
        if several
        else ""
    )
    body = "".join(rows) or "<tr><td colspan=9>no aircraft selected</td></tr>"
    imgs = "".join(
        f'<img alt="aspect coverage, {band} band" src="data:image/png;base64,{png}" style="width:32%">'
        for band, png in figures.items()
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>samsim exposure — {html.escape(result.scenario)}</title>
<style>{PAGE_CSS}</style></head><body>
<h1>{html.escape(result.scenario)}</h1>
<p class="muted">samsim exposure · seed {result.seed} · {result.duration_s:g} s simulated{runs_text}</p>
<h2>Exposure</h2>
<p>What each radar observed of each aircraft. <b>detected</b>: time during which the radar's latest look
had detected the aircraft (each detection holds until the next look); <b>tracked</b>: the part of it
while the radar's battery held a firm track on the aircraft; <b>aspect coverage</b>: share of the
{ASPECT_BINS} ten-degree bins about the airframe (0° nose-on) with at least one detection.</p>
<table><tr><th>aircraft</th><th>type</th><th>battery</th><th>radar</th><th>band</th><th>detections</th>
<th>detected (s)</th><th>tracked (s)</th><th>aspect coverage</th></tr>{body}</table>
<h2>Aspect coverage per band</h2>
<p class="muted">Detections per 10° bin about the airframe, every aircraft and radar of the band
(radial scale logarithmic; nose up, right wing right).</p>
{imgs or '<p class="muted">no detections</p>'}
</body></html>
"""


def write_exposure(result: ExposureResult, out: str | os.PathLike[str]) -> list[Path]:
    """Write exposure.json, exposure.parquet, aspect_<band>.png and report.html into ``out``."""
    out_path = Path(out)
    names = ["exposure.json", "exposure.parquet"]
    with atomic_dir(out_path, kind=EXPOSURE_KIND, owns=is_exposure_file) as tmp:
        (tmp / "exposure.json").write_text(
            json.dumps(result.as_dict(), indent=2, allow_nan=False) + "\n", encoding="utf-8"
        )
        write_parquet(result.detections, tmp / "exposure.parquet")
        figures: dict[str, str] = {}
        for band in _bands(result):
            fig = polar_figure(result, band)
            name = f"aspect_{band}.png"
            fig.savefig(tmp / name, dpi=110, bbox_inches="tight")
            figures[band] = figure_png(fig)
            names.append(name)
        (tmp / "report.html").write_text(report_html(result, figures), encoding="utf-8")
        names.append("report.html")
    return [out_path / n for n in names]
