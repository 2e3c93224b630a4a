// Dashboard of a Monte Carlo study (samsim mc): P(leak) per threat with 95 % Wilson intervals
// (computed by the server), histograms of leakers and interceptors fired per run, and the table
// of runs, each of which opens its replay (re-simulated on demand by the server).
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from "chart.js";
import { get } from "./api.js";
import { fmtNum, h, setStatus } from "./ui.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const TEXT = "#c9d1d9";
const GRID = "rgba(201, 209, 217, 0.12)";
const PAGE = 50;

// Whiskers for datasets that carry `errorBars: [{lo, hi}]` (same order as the data).
const errorBarPlugin = {
  id: "samsimErrorBars",
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const yScale = chart.scales.y;
    chart.data.datasets.forEach((ds, di) => {
      if (!ds.errorBars) return;
      const meta = chart.getDatasetMeta(di);
      ctx.save();
      ctx.strokeStyle = ds.errorBarColor || "#f8f9fa";
      ctx.lineWidth = 1.5;
      meta.data.forEach((bar, i) => {
        const eb = ds.errorBars[i];
        if (!eb) return;
        const x = bar.x;
        const yLo = yScale.getPixelForValue(eb.lo);
        const yHi = yScale.getPixelForValue(eb.hi);
        const cap = Math.min(6, (bar.width || 10) / 3);
        ctx.beginPath();
        ctx.moveTo(x, yLo);
        ctx.lineTo(x, yHi);
        ctx.moveTo(x - cap, yLo);
        ctx.lineTo(x + cap, yLo);
        ctx.moveTo(x - cap, yHi);
        ctx.lineTo(x + cap, yHi);
        ctx.stroke();
      });
      ctx.restore();
    });
  },
};

function baseOptions(yTitle, xTitle, yMax) {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    plugins: { legend: { display: false }, tooltip: { enabled: true } },
    scales: {
      x: { ticks: { color: TEXT, autoSkip: true, maxRotation: 70 }, grid: { color: GRID }, title: { display: !!xTitle, text: xTitle, color: TEXT } },
      y: { beginAtZero: true, max: yMax, ticks: { color: TEXT }, grid: { color: GRID }, title: { display: true, text: yTitle, color: TEXT } },
    },
  };
}

export async function mountStudy(root, info) {
  const charts = [];
  const [groupsRes, summary] = await Promise.all([get("/api/study/groups"), get("/api/study/summary")]);
  const groups = groupsRes.groups;
  let group = groups.length > 1 ? String(groups[0].group) : null;
  let by = "threat";
  let sort = "run";
  let desc = false;
  let offset = 0;

  const groupSel = h(
    "select",
    { "data-testid": "group" },
    groups.map((g) => h("option", { value: String(g.group) }, `group ${g.group}${Object.keys(g.values).length ? ": " + Object.entries(g.values).map(([k, v]) => `${k}=${v}`).join(", ") : ""} (${g.runs} runs)`)),
  );
  const bySel = h("select", { "data-testid": "p-leak-by" }, h("option", { value: "threat" }, "per threat"), h("option", { value: "type" }, "per threat type"));
  const cards = h("div", { class: "cards", "data-testid": "overview" });
  const pLeakCanvas = h("canvas", { "data-testid": "chart-p-leak", "aria-label": "P(leak) per threat with 95 % Wilson intervals" });
  const leakCanvas = h("canvas", { "data-testid": "chart-leakers", "aria-label": "Histogram of leakers per run" });
  const firedCanvas = h("canvas", { "data-testid": "chart-fired", "aria-label": "Histogram of interceptors fired per run" });
  const pLeakTable = h("table", { class: "grid small", "data-testid": "p-leak-table" });
  const runsTable = h("table", { class: "grid runs", "data-testid": "runs-table" });
  const pager = h("div", { class: "pager" });
  const scenarioName = typeof summary.scenario === "string" ? summary.scenario : summary.scenario?.name || info.name;

  root.append(
    h(
      "div",
      { class: "study", "data-testid": "study" },
      h("section", { class: "panel" }, h("h2", {}, `Study: ${scenarioName}`), h("div", { class: "row" }, groups.length > 1 ? h("label", {}, "Sweep point ", groupSel) : null), cards),
      h(
        "section",
        { class: "panel chart-panel wide" },
        h("div", { class: "row" }, h("h3", {}, "P(leak) with 95 % Wilson interval"), bySel),
        h("div", { class: "chart tall" }, pLeakCanvas),
        h("details", {}, h("summary", {}, "table"), h("div", { class: "scroll" }, pLeakTable)),
      ),
      h("section", { class: "panel chart-panel" }, h("h3", {}, "Leakers per run"), h("div", { class: "chart" }, leakCanvas)),
      h("section", { class: "panel chart-panel" }, h("h3", {}, "Interceptors fired per run"), h("div", { class: "chart" }, firedCanvas)),
      h("section", { class: "panel wide" }, h("h3", {}, "Runs"), h("p", { class: "muted" }, "Click a run to replay it in 3-D (the server re-simulates it from its seed)."), h("div", { class: "scroll" }, runsTable), pager),
    ),
  );

  const pLeakChart = new Chart(pLeakCanvas, {
    type: "bar",
    data: { labels: [], datasets: [{ data: [], backgroundColor: "#ff6b6b", errorBars: [] }] },
    options: baseOptions("P(leak)", null, 1),
    plugins: [errorBarPlugin],
  });
  pLeakChart.options.plugins.tooltip.callbacks = {
    label: (item) => {
      const eb = item.dataset.errorBars[item.dataIndex];
      return `P(leak) ${fmtNum(item.raw, 3)}  [${fmtNum(eb.lo, 3)}, ${fmtNum(eb.hi, 3)}]`;
    },
  };
  const leakChart = new Chart(leakCanvas, { type: "bar", data: { labels: [], datasets: [{ data: [], backgroundColor: "#ff922b" }] }, options: baseOptions("runs", "threats leaked") });
  const firedChart = new Chart(firedCanvas, { type: "bar", data: { labels: [], datasets: [{ data: [], backgroundColor: "#4dabf7" }] }, options: baseOptions("runs", "interceptors fired") });
  charts.push(pLeakChart, leakChart, firedChart);

  const binLabel = (hist, i) => (hist.lo[i] === hist.hi[i] ? String(hist.lo[i]) : `${hist.lo[i]}–${hist.hi[i]}`);

  async function loadCharts() {
    const params = { group };
    const [overview, pleak, hist] = await Promise.all([get("/api/study/overview", params), get("/api/study/p_leak", { ...params, by }), get("/api/study/histograms", params)]);
    const card = (label, value, testid) => h("div", { class: "card", "data-testid": testid }, h("div", { class: "value" }, value), h("div", { class: "label" }, label));
    const pn = overview.p_no_leak;
    cards.replaceChildren(
      card("runs", String(overview.runs), "card-runs"),
      card("threats leaked per run (mean)", fmtNum(overview.mean_leaked, 2), "card-leaked"),
      card("interceptors fired per run (mean)", fmtNum(overview.mean_interceptors_fired, 2), "card-fired"),
      card("P(no leak) [95 % CI]", pn ? `${fmtNum(pn.p, 3)} [${fmtNum(pn.lo, 3)}, ${fmtNum(pn.hi, 3)}]` : "—", "card-p-no-leak"),
    );
    const rows = pleak.rows;
    pLeakChart.data.labels = rows.map((r) => r[by]);
    pLeakChart.data.datasets[0].data = rows.map((r) => r.p_leak);
    pLeakChart.data.datasets[0].errorBars = rows.map((r) => ({ lo: r.p_leak_lo, hi: r.p_leak_hi }));
    pLeakChart.update();
    pLeakTable.replaceChildren(
      h("thead", {}, h("tr", {}, [by, "type", "runs", "leaked", "P(leak)", "95 % CI", "P(kill)", "95 % CI", "shots"].map((c) => h("th", {}, c)))),
      h(
        "tbody",
        {},
        rows.map((r) =>
          h(
            "tr",
            {},
            h("td", {}, r[by]),
            h("td", {}, r.type),
            h("td", { class: "num" }, r.n),
            h("td", { class: "num" }, r.leaked),
            h("td", { class: "num" }, fmtNum(r.p_leak, 3)),
            h("td", { class: "num" }, `${fmtNum(r.p_leak_lo, 3)}–${fmtNum(r.p_leak_hi, 3)}`),
            h("td", { class: "num" }, fmtNum(r.p_kill, 3)),
            h("td", { class: "num" }, `${fmtNum(r.p_kill_lo, 3)}–${fmtNum(r.p_kill_hi, 3)}`),
            h("td", { class: "num" }, fmtNum(r.mean_shots, 2)),
          ),
        ),
      ),
    );
    for (const [chart, hst] of [
      [leakChart, hist.leaked],
      [firedChart, hist.interceptors_fired],
    ]) {
      chart.data.labels = hst.counts.map((_, i) => binLabel(hst, i));
      chart.data.datasets[0].data = hst.counts;
      chart.update();
    }
  }

  async function loadRuns() {
    const page = await get("/api/study/runs", { group, offset, limit: PAGE, sort, desc });
    const head = h(
      "tr",
      {},
      page.columns.map((c) =>
        h(
          "th",
          {
            class: c === sort ? `sorted ${desc ? "desc" : "asc"}` : "",
            title: "Sort",
            onclick: () => {
              desc = c === sort ? !desc : false;
              sort = c;
              offset = 0;
              loadRuns();
            },
          },
          c,
        ),
      ),
    );
    const body = page.rows.map((r) =>
      h(
        "tr",
        {
          class: "clickable",
          "data-run": r.run,
          "data-group": r.group,
          title: "Replay this run",
          onclick: () => {
            setStatus("loading", `opening run ${r.run}…`);
            window.location.hash = `#/study/${encodeURIComponent(String(r.group))}/${encodeURIComponent(String(r.run))}`;
          },
        },
        page.columns.map((c) => h("td", { class: typeof r[c] === "number" ? "num" : "" }, r[c] === null ? "—" : String(r[c]))),
      ),
    );
    runsTable.replaceChildren(h("thead", {}, head), h("tbody", {}, body));
    const last = Math.min(offset + PAGE, page.total);
    pager.replaceChildren(
      h("button", { type: "button", disabled: offset === 0, onclick: () => ((offset = Math.max(0, offset - PAGE)), loadRuns()) }, "previous"),
      h("span", { "data-testid": "runs-range" }, ` runs ${page.total ? offset + 1 : 0}–${last} of ${page.total} `),
      h("button", { type: "button", disabled: last >= page.total, onclick: () => ((offset += PAGE), loadRuns()) }, "next"),
    );
  }

  groupSel.addEventListener("change", async () => {
    group = groupSel.value;
    offset = 0;
    await Promise.all([loadCharts(), loadRuns()]);
  });
  bySel.addEventListener("change", async () => {
    by = bySel.value;
    await loadCharts();
  });

  await Promise.all([loadCharts(), loadRuns()]);
  setStatus("ready", `ready · ${groups.reduce((n, g) => n + g.runs, 0)} runs`);
  root.dataset.ready = "1";
  return {
    destroy() {
      for (const c of charts) c.destroy();
    },
  };
}
