"""The Monte Carlo study's ``report.html``: one self-contained page (plots embedded as base64 PNG, no
external assets) with the distribution of leakers and of interceptors expended per run, P(leak) per
threat type with its 95 % interval, and the summary tables of every sweep group."""

from __future__ import annotations

import html
from typing import Any

from samsim.output.html import PAGE_CSS, PALETTE, figure_png

# Sweep groups, told apart when several share a plot; one group alone takes the colour of what is
# plotted (leakers, P(leak): the leaked colour; interceptors: the interceptor colour), as in the
# dashboard of `samsim serve`.
_PALETTE = ("#1f5fbf", "#c0262d", "#0a7d32", "#b8860b", "#7a4fbf", "#117a8b", "#d9480f", "#555555")


def _colours(groups: list[dict[str, Any]], single: str) -> tuple[str, ...]:
    return (single,) if len(groups) == 1 else _PALETTE


def group_label(group: dict[str, Any]) -> str:
    """``doctrine.salvo=2, batteries[0].position.lat_deg=40.1`` (or ``all runs`` without sweeps)."""
    values = group.get("values") or {}
    if not values:
        return "all runs"
    return ", ".join(f"{k}={_value(v)}" for k, v in values.items())


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _pct(stat: dict[str, Any] | None) -> str:
    if not stat or stat.get("mean") is None:
        return "—"
    text = f"{100 * stat['mean']:.1f} %"
    if stat.get("ci"):
        lo, hi = stat["ci"]
        text += f" <span class='muted'>[{100 * lo:.1f}, {100 * hi:.1f}]</span>"
    return text


def _num(stat: dict[str, Any] | None, digits: int = 2) -> str:
    if not stat or stat.get("mean") is None:
        return "—"
    text = f"{stat['mean']:.{digits}f}"
    if stat.get("ci"):
        lo, hi = stat["ci"]
        text += f" <span class='muted'>[{lo:.{digits}f}, {hi:.{digits}f}]</span>"
    return text


def _histogram_png(
    hist: dict[int, list[tuple[int, int]]], groups: list[dict[str, Any]], xlabel: str, colour: str
) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.6))
    shown = groups[: len(_PALETTE)]
    colours = _colours(shown, colour)
    width = 0.8 / max(len(shown), 1)
    values: list[int] = []
    for j, g in enumerate(shown):
        pairs = hist.get(int(g["group"]), [])
        runs = max(sum(c for _, c in pairs), 1)
        xs = [v + (j - (len(shown) - 1) / 2) * width for v, _ in pairs]
        values += [v for v, _ in pairs]
        ax.bar(xs, [c / runs for _, c in pairs], width=width, color=colours[j], label=group_label(g))
    if values and min(values) == max(values):
        # Every run alike: a bar in the middle of a few empty values, not alone against an edge.
        ax.set_xlim(values[0] - 2.5, values[0] + 2.5)
    ax.set_ylim(0, 1.08 * (ax.get_ylim()[1] or 1))
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("fraction of runs")
    ax.grid(axis="y", alpha=0.3)
    if len(shown) > 1:
        ax.legend(fontsize=7)
    out = figure_png(fig)
    plt.close(fig)
    return out


def _pleak_png(groups: list[dict[str, Any]]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    types: list[str] = []
    for g in groups:
        for t in g.get("by_type", []):
            if t["type"] not in types:
                types.append(t["type"])
    fig, ax = plt.subplots(figsize=(8, 3.6))
    shown = groups[: len(_PALETTE)]
    colours = _colours(shown, PALETTE["threat"]["leaked"])
    width = 0.8 / max(len(shown), 1)
    for j, g in enumerate(shown):
        xs, ys, lo, hi = [], [], [], []
        for t in g.get("by_type", []):
            stat = t["p_leak"]
            if stat["mean"] is None:
                continue
            xs.append(types.index(t["type"]) + (j - (len(shown) - 1) / 2) * width)
            ys.append(stat["mean"])
            ci = stat["ci"] or [stat["mean"], stat["mean"]]
            lo.append(stat["mean"] - ci[0])
            hi.append(ci[1] - stat["mean"])
        ax.errorbar(
            xs, ys, yerr=[lo, hi], fmt="o", capsize=4, color=colours[j], label=group_label(g), markersize=5
        )
    ax.set_xticks(range(len(types)))
    ax.set_xticklabels(types, rotation=20, ha="right", fontsize=8)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("P(leak), 95 % interval")
    ax.grid(axis="y", alpha=0.3)
    if len(shown) > 1:
        ax.legend(fontsize=7)
    out = figure_png(fig)
    plt.close(fig)
    return out


def _group_tables(g: dict[str, Any]) -> str:
    overall = g.get("overall") or {}
    rows = []
    for t in [{"type": "all threats", **overall}, *g.get("by_type", [])]:
        rows.append(
            f"<tr><td>{html.escape(str(t.get('type')))}</td><td>{t.get('threats', '—')}</td>"
            f"<td>{_pct(t.get('p_kill'))}</td><td>{_pct(t.get('p_leak'))}</td><td>{_num(t.get('shots'))}</td>"
            f"<td>{_num(t.get('interceptors_per_kill'))}</td></tr>"
        )
    threat_rows = "".join(
        f"<tr><td>{html.escape(t['id'])}</td><td>{html.escape(str(t.get('type')))}</td>"
        f"<td>{_pct(t.get('p_kill'))}</td><td>{_pct(t.get('p_leak'))}</td><td>{_num(t.get('shots'))}</td>"
        f"<td>{_num(t.get('interceptors_per_kill'))}</td></tr>"
        for t in g.get("threats", [])
    )
    head = (
        "<tr><th>{}</th><th>{}</th><th>P(kill) [95 %]</th><th>P(leak) [95 %]</th><th>shots per threat</th>"
        "<th>interceptors per kill</th></tr>"
    )
    return f"""
<h3>Group {g["group"]}: {html.escape(group_label(g))} <span class="muted">({g["runs"]} runs)</span></h3>
<p>Leakers per run: <b>{_num(overall.get("leakers"))}</b>; interceptors fired per run:
<b>{_num(overall.get("interceptors_fired"))}</b>.</p>
<table>{head.format("threat type", "threats")}{"".join(rows)}</table>
<details><summary>Per threat</summary>
<table>{head.format("threat", "type")}{threat_rows}</table></details>
"""


def render_study_report(summary: dict[str, Any], hist: dict[str, dict[int, list[tuple[int, int]]]]) -> str:
    """One HTML page for a study from its summary.json content and per-group histograms
    (``hist[column][group] = [(value, runs), ...]`` for ``leaked`` and ``interceptors_fired``)."""
    groups = summary["groups"]
    more = (
        f"<p class='muted'>Plots show the first {len(_PALETTE)} of {len(groups)} groups.</p>"
        if len(groups) > len(_PALETTE)
        else ""
    )
    sweeps = "".join(
        f"<li><code>{html.escape(s['path'])}</code> = "
        f"{html.escape(', '.join(_value(v) for v in s['values']))}</li>"
        for s in summary.get("sweeps", [])
    )
    definitions = "".join(
        f"<li><b>{html.escape(k)}</b>: {html.escape(v)}</li>"
        for k, v in summary.get("definitions", {}).items()
    )
    leakers_png = _histogram_png(
        hist.get("leaked", {}), groups, "threats leaked in a run", PALETTE["threat"]["leaked"]
    )
    fired_png = _histogram_png(
        hist.get("interceptors_fired", {}),
        groups,
        "interceptors fired in a run",
        PALETTE["interceptor"]["kill"],
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>samsim study — {html.escape(summary["scenario"])}</title>
<style>{PAGE_CSS} h3{{font-size:1.05rem;margin-top:1.5rem}}
details{{margin:.5rem 0 1rem}}</style></head><body>
<h1>{html.escape(summary["scenario"])} — Monte Carlo study</h1>
<p class="muted">samsim {html.escape(summary["samsim_version"])} · seed {summary["seed"]} ·
{summary["runs"]} runs per group · {len(groups)} group(s) · study {summary["study_hash"][:12]}</p>
{f"<p>Sweeps (cross product):</p><ul>{sweeps}</ul>" if sweeps else ""}
<h2>Leakers per run</h2>{more}
<img alt="leakers histogram" src="data:image/png;base64,{leakers_png}">
<h2>Interceptors expended per run</h2>
<img alt="interceptors histogram" src="data:image/png;base64,{fired_png}">
<h2>P(leak) per threat type</h2>
<img alt="P(leak) per threat type" src="data:image/png;base64,{_pleak_png(groups)}">
<h2>Summary</h2>
{"".join(_group_tables(g) for g in groups)}
<h2>Definitions</h2><ul class="muted">{definitions}</ul>
</body></html>
"""
