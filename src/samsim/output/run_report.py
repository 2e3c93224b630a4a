"""Self-contained HTML reports (work offline: plots are embedded as base64 PNG, no external assets)."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

import numpy as np

from samsim.output.html import PAGE_CSS, PALETTE, figure_png, result_colour
from samsim.output.why import (
    REASON_LABELS,
    REASON_TEXT,
    battery_rows,
    deception_rows,
    decoy_shots,
    reason_counts,
    stock_series,
)

if TYPE_CHECKING:
    from samsim.output.result import Result

FATE_COLOURS: dict[str, str] = PALETTE["threat"]
"""Threat colour by fate (the palette of every samsim page)."""


def _fmt(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _sites_km(result: Result) -> tuple[list[tuple[str, float, float, float]], list[tuple[str, float, float]]]:
    """Assets (id, east, north, leak radius) and batteries (id, east, north) in km of the local
    frame, from the run's scene (empty when the scene has no origin)."""
    from samsim.geodesy import LocalFrame

    scene = result.scene or {}
    origin = scene.get("origin")
    if not origin:
        return [], []
    frame = LocalFrame(float(origin["lat_deg"]), float(origin["lon_deg"]), float(origin["alt_m"]))

    def en(item: dict[str, Any]) -> tuple[float, float]:
        enu = frame.geodetic_to_enu(item["lat_deg"], item["lon_deg"], item.get("alt_m", 0.0))
        return float(enu[0]) / 1000.0, float(enu[1]) / 1000.0

    assets = [(str(a["id"]), *en(a), float(a.get("radius_m", 0.0)) / 1000.0) for a in scene.get("assets", [])]
    batteries = [(str(b["id"]), *en(b)) for b in scene.get("batteries", [])]
    return assets, batteries


def map_figure(result: Result) -> Any:
    """The map of report.html as a matplotlib figure: threats by fate and interceptors by result in
    the palette's colours, where threats were killed (×) or leaked (◆), batteries and assets (with
    their leak radius), and a legend of all of it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle

    traj = result.trajectories
    fig, ax = plt.subplots(figsize=(8, 7))
    ends: dict[str, tuple[float, float]] = {}
    if traj.num_rows:
        kind = np.asarray(traj.column("kind").to_pylist())
        entity = np.asarray(traj.column("entity").to_pylist())
        east = traj.column("east_m").to_numpy() / 1000.0
        north = traj.column("north_m").to_numpy() / 1000.0
        fate = {t.id: t.fate for t in result.threats}
        outcome = {i.id: i.result for i in result.interceptors}
        for name in dict.fromkeys(entity[kind == "interceptor"]):
            sel = entity == name
            colour = result_colour(outcome.get(str(name)))
            ax.plot(east[sel], north[sel], lw=0.8, color=colour, alpha=0.85, zorder=2)
        for name in dict.fromkeys(entity[kind == "threat"]):
            sel = entity == name
            ax.plot(
                east[sel],
                north[sel],
                lw=1.2,
                color=FATE_COLOURS.get(fate.get(str(name), ""), "#555"),
                zorder=3,
            )
            ends[str(name)] = (float(east[sel][-1]), float(north[sel][-1]))
        # Battery tracks (the batteries' estimates of the threats) are left out: they lie on the
        # threats' own lines and only blur them; the replay shows them on request.
    for t in result.threats:
        if t.fate in ("killed", "leaked") and t.id in ends:
            x, y = ends[t.id]
            if t.fate == "killed":
                ax.scatter([x], [y], marker="x", s=30, color=FATE_COLOURS["killed"], zorder=5, linewidths=1.5)
            else:
                ax.scatter([x], [y], marker="D", s=26, color=FATE_COLOURS["leaked"], edgecolors="k", zorder=5)
    assets, batteries = _sites_km(result)
    for aid, x, y, radius in assets:
        ax.add_patch(
            Circle(
                (x, y), radius, facecolor=PALETTE["asset"], alpha=0.25, edgecolor=PALETTE["asset"], zorder=4
            )
        )
        ax.scatter([x], [y], marker="o", s=60, color=PALETTE["asset"], edgecolors="k", zorder=6)
        ax.annotate(
            aid, (x, y), xytext=(6, -12), textcoords="offset points", fontsize=8, color="#1b5e20", zorder=7
        )
    for bid, x, y in batteries:
        ax.scatter(
            [x],
            [y],
            marker="s",
            s=70,
            facecolor="white",
            edgecolors=PALETTE["battery"],
            linewidths=2.5,
            zorder=6,
        )
        ax.annotate(
            bid,
            (x, y),
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=8,
            color=PALETTE["battery"],
            zorder=7,
        )
    ax.set_xlabel("east (km)")
    ax.set_ylabel("north (km)")
    ax.set_aspect("equal", adjustable="datalim")
    ax.grid(alpha=0.3)
    interceptors = PALETTE["interceptor"]
    handles = [
        *(Line2D([], [], color=c, lw=1.5, label=f"threat, {f}") for f, c in FATE_COLOURS.items()),
        *(
            Line2D([], [], color=c, lw=1, label=f"interceptor, {r.replace('_', '-')}")
            for r, c in interceptors.items()
        ),
        Line2D([], [], marker="x", ls="", color=FATE_COLOURS["killed"], label="threat killed here"),
        Line2D([], [], marker="D", ls="", color=FATE_COLOURS["leaked"], mec="k", label="threat leaked here"),
        Line2D([], [], marker="s", ls="", mfc="white", mec=PALETTE["battery"], mew=2, label="battery"),
        Line2D([], [], marker="o", ls="", color=PALETTE["asset"], mec="k", label="asset (disc: leak radius)"),
    ]
    ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
    return fig


def _map_png(result: Result) -> str:
    import matplotlib.pyplot as plt

    fig = map_figure(result)
    out = figure_png(fig)
    plt.close(fig)
    return out


def _timeline_png(result: Result) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    threats = result.threats
    fig, ax = plt.subplots(figsize=(9, max(2.0, 0.22 * len(threats) + 1)))
    by_threat: dict[str, list[float]] = {}
    for ic in result.interceptors:
        by_threat.setdefault(ic.target, []).append(ic.launch_s)
    for y, t in enumerate(threats):
        end = t.fate_s if t.fate_s is not None else result.duration_s
        if t.first_detected_s is not None:
            ax.plot(
                [t.first_detected_s, end], [y, y], color=PALETTE["detection"], lw=3, solid_capstyle="butt"
            )
        if t.first_track_s is not None:
            ax.plot([t.first_track_s, end], [y, y], color=PALETTE["track"], lw=3, solid_capstyle="butt")
        launches = by_threat.get(t.id, [])
        ax.scatter(
            launches, [y] * len(launches), marker="^", color=PALETTE["interceptor"]["kill"], s=18, zorder=3
        )
        if t.fate_s is not None:
            ax.scatter(
                [t.fate_s],
                [y],
                marker="x" if t.fate == "killed" else "D",
                color=FATE_COLOURS[t.fate],
                s=30,
                zorder=4,
            )
    ax.set_yticks(range(len(threats)))
    ax.set_yticklabels([t.id for t in threats], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, result.duration_s)
    ax.set_xlabel("time (s)  —  grey: detected, pink: firm track, ▲ launch, × kill, ◆ leak")
    ax.grid(axis="x", alpha=0.3)
    out = figure_png(fig)
    plt.close(fig)
    return out


def _value_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(", ", ": "))
    return str(value)


def _overrides_html(result: Result) -> str:
    """The "Scenario overrides" section: each changed catalog figure beside its catalog value."""
    if not result.catalog_overrides:
        return ""
    rows = "".join(
        f"<tr><td>{html.escape(str(o['kind']))}</td><td>{html.escape(str(o['entry']))}</td>"
        f"<td>{html.escape(o['field'] or '(new entry)')}</td><td>{html.escape(_value_text(o['value']))}</td>"
        f"<td>{html.escape(_value_text(o['original']))}</td><td>{html.escape(o['base'] or '—')}</td></tr>"
        for o in result.catalog_overrides
    )
    return (
        '<h2>Scenario overrides</h2>\n<p class="muted">Catalog figures this scenario changes (its '
        "<code>catalog:</code> section); <i>catalog value</i> is the built-in one, of the base entry "
        "for a new entry.</p>\n<table><tr><th>kind</th><th>entry</th><th>field</th><th>scenario value</th>"
        f"<th>catalog value</th><th>based on</th></tr>{rows}</table>\n"
    )


def stock_figure(result: Result) -> Any:
    """Missiles over time, one panel per battery and missile type: rounds left (loaded and reserve)
    and rounds on the launchers as steps, a mark where the type ran out on the launchers
    (``magazine_empty``) and where its last round was fired; None when the run reports no batteries."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = stock_series(result)
    if not series:
        return None
    colours = PALETTE["stock"]
    ncols = min(3, len(series))
    nrows = -(-len(series) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 2.3 * nrows), squeeze=False, sharex=True)
    for ax in axes.flat[len(series) :]:
        ax.set_visible(False)
    end = float(result.duration_s)
    for ax, s in zip(axes.flat, series, strict=False):
        ax.step(
            [*s.time_s, end], [*s.total_left, s.total_left[-1]], where="post", color=colours["left"], lw=1.6
        )
        if s.ready is not None:
            ax.step(
                [*s.time_s, end],
                [*s.ready, s.ready[-1]],
                where="post",
                color=colours["ready"],
                lw=1.2,
                ls="--",
            )
        for t in s.empty_s:
            ax.axvline(t, color=colours["empty"], lw=1, ls=":")
        if s.out_s is not None:
            ax.scatter([s.out_s], [0], marker="v", s=40, color=colours["empty"], zorder=4)
        ax.set_title(f"{s.battery} · {s.missile_type}", fontsize=9)
        ax.set_ylim(bottom=0, top=max(1, max(s.total_left), max(s.ready or [0])) * 1.1)
        ax.set_xlim(0, end)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("time (s)", fontsize=8)
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=colours["left"], lw=1.6, label="rounds left (loaded and reserve)"),
        Line2D([], [], color=colours["ready"], lw=1.2, ls="--", label="rounds on the launchers"),
        Line2D([], [], color=colours["empty"], lw=1, ls=":", label="launchers empty (magazine_empty)"),
        Line2D([], [], color=colours["empty"], marker="v", ls="", label="last round fired"),
    ]
    fig.legend(
        handles=handles, loc="lower center", ncol=2, fontsize=8, frameon=False, bbox_to_anchor=(0.5, 1.0)
    )
    fig.tight_layout()
    return fig


def _stock_png(result: Result) -> str | None:
    import matplotlib.pyplot as plt

    fig = stock_figure(result)
    if fig is None:
        return None
    out = figure_png(fig)
    plt.close(fig)
    return out


def _why_html(result: Result) -> str:
    """Why threats were not engaged (counts per reason and type, with what each reason means), missiles
    per battery with the stock chart, interceptors spent on decoys, radars destroyed."""
    parts = []
    counts = reason_counts((t.type, t.unengaged_reason) for t in result.threats)
    if counts:
        rows = "".join(
            f"<tr><td>{html.escape(REASON_LABELS.get(r, r))}</td><td>{sum(per.values())}</td>"
            f"<td>{html.escape(', '.join(f'{n} {t}' for t, n in per.items()))}</td>"
            f"<td class='muted'>{html.escape(REASON_TEXT.get(r, ''))}</td></tr>"
            for r, per in counts.items()
        )
        parts.append(
            "<h2>Why threats were not engaged</h2>\n<table data-section='reasons'><tr><th>reason</th>"
            f"<th>threats</th><th>by type</th><th>meaning</th></tr>{rows}</table>\n"
        )
    decoy_fired, decoys = decoy_shots(result)
    if decoys:
        parts.append(
            f"<p data-section='decoys'><b>{decoy_fired}</b> interceptor{'s' if decoy_fired != 1 else ''} "
            f"spent on <b>{decoys}</b> decoy{'s' if decoys != 1 else ''} "
            "(threats of kind <i>decoy</i>).</p>\n"
        )
    stocks = battery_rows(result)
    if stocks:
        rows = "".join(
            f"<tr><td>{html.escape(b.battery)}</td><td>{html.escape(b.missile_type)}</td><td>{b.fired}</td>"
            f"<td>{b.left}</td><td>{_fmt(b.empty_s)}</td></tr>"
            for b in stocks
        )
        parts.append(
            "<h2>Missiles per battery</h2>\n<table data-section='missiles'><tr><th>battery</th>"
            "<th>missile</th>"
            "<th>fired</th><th>left</th><th>launchers empty at (s)</th></tr>"
            f"{rows}</table>\n"
        )
        png = _stock_png(result)
        if png is not None:
            parts.append(
                f'<img alt="stock" src="data:image/png;base64,{png}">\n<p class="muted">Rounds left count '
                "loaded and reserve rounds (only launches lower them); rounds on the launchers fall with "
                "launches and rise with reloads.</p>\n"
            )
    parts.append(_deception_html(result))
    destroyed = [(b.id, r) for b in result.batteries for r in b.radars if r.destroyed_s is not None]
    if destroyed:
        rows = "".join(
            f"<tr><td>{html.escape(bid)}</td><td>{html.escape(r.id)}</td><td>{html.escape(r.type)}</td>"
            f"<td>{_fmt(r.destroyed_s)}</td></tr>"
            for bid, r in destroyed
        )
        parts.append(
            "<h2>Radars destroyed</h2>\n<table data-section='radars-destroyed'><tr><th>battery</th>"
            f"<th>radar</th><th>type</th><th>destroyed at (s)</th></tr>{rows}</table>\n"
        )
    return "".join(parts)


def _deception_html(result: Result) -> str:
    """What repeater jammers put into each radar's measurements and did to the trackers (nothing
    without a repeater jammer; definitions in docs/outputs.md)."""
    radars, jammers = deception_rows(result)
    if not jammers:
        return ""
    r_rows = "".join(
        f"<tr><td>{html.escape(r.battery)}</td><td>{html.escape(r.radar)}</td><td>{r.looks}</td>"
        f"<td>{r.pulled_off}</td><td>{r.false_targets}</td><td>{r.blanked}</td></tr>"
        for r in radars
    )
    j_rows = "".join(
        f"<tr><td>{html.escape(j.threat)}</td><td>{html.escape(j.type)}</td><td>{j.tracks}</td>"
        f"<td>{j.seduced_tracks}</td><td>{j.false_tracks}</td></tr>"
        for j in jammers
    )
    return (
        "<h2>Deception jamming</h2>\n<table data-section='deception-radars'><tr><th>battery</th>"
        "<th>radar</th><th>looks at repeater jammers</th><th>pulled off</th><th>false targets</th>"
        "<th>blanked</th></tr>"
        f"{r_rows}</table>\n<table data-section='deception-jammers'><tr><th>jammer</th><th>type</th>"
        f"<th>firm tracks on it</th><th>seduced</th><th>false tracks</th></tr>{j_rows}</table>\n"
        "<p class='muted'>Looks: measurements of repeater jammers a radar handed to its tracker; pulled "
        "off: of them, measured at a pulled-off range (range or velocity gate); seduced: firm tracks a "
        "pulled-off measurement updated; false tracks: tracks confirmed from the jammer's DRFM false "
        "targets; blanked: sidelobe false targets the sidelobe blanker removed.</p>\n"
    )


def _reason_label(reason: str | None) -> str:
    return "—" if reason is None else REASON_LABELS.get(reason, reason)


def render_run_report(result: Result) -> str:
    """One HTML page: summary, catalog overrides (if any), threat table (with why a threat was not
    engaged), why threats were not engaged, missiles per battery and their stock over time,
    interceptors spent on decoys and radars destroyed (if any), interceptor table, engagement timeline
    and map."""
    tot = result.totals
    rows = "".join(
        f"<tr><td>{html.escape(t.id)}</td><td>{html.escape(t.type)}</td><td>{_fmt(t.first_detected_s)}</td>"
        f"<td>{_fmt(t.first_track_s)}</td><td>{t.shots}</td><td class='{t.fate}'>{t.fate}</td>"
        f"<td>{_fmt(t.fate_s)}</td><td>{html.escape(t.killed_by or '—')}</td>"
        f"<td>{html.escape(_reason_label(t.unengaged_reason))}</td></tr>"
        for t in result.threats
    )
    irows = "".join(
        f"<tr><td>{html.escape(i.id)}</td><td>{html.escape(i.type)}</td><td>{html.escape(i.target)}</td>"
        f"<td>{_fmt(i.launch_s)}</td><td>{_fmt(i.end_s)}</td><td>{html.escape(i.result or '—')}</td>"
        f"<td>{_fmt(i.miss_distance_m)}</td></tr>"
        for i in result.interceptors
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>samsim — {html.escape(result.scenario)}</title>
<style>{PAGE_CSS}</style></head><body>
<h1>{html.escape(result.scenario)}</h1>
<p class="muted">samsim {html.escape(result.samsim_version)} · seed {result.seed} ·
{result.duration_s:g} s simulated</p>
<p><b>{tot["threats"]}</b> threats: <span class="killed">{tot["killed"]} killed</span>,
<span class="leaked">{tot["leaked"]} leaked</span>, <span class="survived">{tot["survived"]} survived</span>;
<b>{tot["interceptors_fired"]}</b> interceptors fired.</p>
{_overrides_html(result)}<h2>Threats</h2>
<table><tr><th>threat</th><th>type</th><th>detected (s)</th><th>firm track (s)</th><th>shots</th><th>fate</th>
<th>at (s)</th><th>killed by</th><th>not engaged because</th></tr>{rows}</table>
{_why_html(result)}<h2>Interceptors</h2>
<table><tr><th>interceptor</th><th>type</th><th>target</th><th>launch (s)</th><th>end (s)</th><th>result</th>
<th>miss (m)</th></tr>{irows or "<tr><td colspan=7>none fired</td></tr>"}</table>
<h2>Engagement timeline</h2>
<img alt="timeline" src="data:image/png;base64,{_timeline_png(result)}">
<h2>Map (local east/north of the scenario origin)</h2>
<img alt="map" src="data:image/png;base64,{_map_png(result)}">
<p class="muted">Colours as in the 3-D replay of <code>samsim serve</code>. The batteries' tracks are not
drawn here (they lie on the threats' lines); the replay shows them on request.</p>
</body></html>
"""
