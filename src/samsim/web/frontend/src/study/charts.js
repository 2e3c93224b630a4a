// The dashboard's charts (Chart.js): P(leak) per threat or threat type with 95 % Wilson intervals
// as whiskers, histograms over runs of leakers and of interceptors fired, missiles fired and left
// per type, why threats were not engaged per type, and the sweep groups side by side (P(leak) and interceptors fired on one chart).
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from "chart.js";
import { PALETTE } from "../palette.js";
import { fmtNum } from "../ui.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

const TEXT = "#c9d1d9";
const GRID = "rgba(201, 209, 217, 0.12)";

// Whiskers for datasets that carry `errorBars: [{lo, hi}]` (same order as the data), on their axis.
const errorBarPlugin = {
  id: "samsimErrorBars",
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    chart.data.datasets.forEach((ds, di) => {
      if (!ds.errorBars || !chart.isDatasetVisible(di)) return;
      const meta = chart.getDatasetMeta(di);
      const yScale = chart.scales[ds.yAxisID || "y"];
      ctx.save();
      ctx.strokeStyle = ds.errorBarColor || "#f8f9fa";
      ctx.lineWidth = 1.5;
      meta.data.forEach((el, i) => {
        const eb = ds.errorBars[i];
        if (!eb || eb.lo === null || eb.hi === null || eb.lo === undefined) return;
        const x = el.x;
        const yLo = yScale.getPixelForValue(eb.lo);
        const yHi = yScale.getPixelForValue(eb.hi);
        const cap = Math.min(6, (el.width || 12) / 3);
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
    plugins: { legend: { display: false, labels: { color: TEXT } }, tooltip: { enabled: true } },
    scales: {
      x: { ticks: { color: TEXT, autoSkip: true, maxRotation: 70 }, grid: { color: GRID }, title: { display: !!xTitle, text: xTitle, color: TEXT } },
      // grace: the tallest bar never touches the top of the chart.
      y: { beginAtZero: true, max: yMax, grace: "8%", ticks: { color: TEXT, precision: 0 }, grid: { color: GRID }, title: { display: true, text: yTitle, color: TEXT } },
    },
  };
}

const barChart = (canvas, dataset, options, plugins = []) => new Chart(canvas, { type: "bar", data: { labels: [], datasets: [{ data: [], ...dataset }] }, options, plugins });

const binLabel = (hist, i) => (hist.lo[i] === hist.hi[i] ? String(hist.lo[i]) : `${hist.lo[i]}–${hist.hi[i]}`);

export const groupLabel = (g) => {
  const values = Object.entries(g.values || {});
  return values.length ? values.map(([k, v]) => `${k.split(".").pop()}=${v}`).join(", ") : `group ${g.group}`;
};

// The charts on their canvases, which must be in the page (Chart.js sizes them from it).
export function createCharts({ pLeak, leakers, fired, missiles, reasons, compare }) {
  const pLeakChart = barChart(pLeak, { backgroundColor: PALETTE.threat.leaked, errorBars: [] }, baseOptions("P(leak)", null, 1), [errorBarPlugin]);
  pLeakChart.options.scales.y.ticks.precision = undefined;
  pLeakChart.options.scales.y.grace = 0;
  pLeakChart.options.plugins.tooltip.callbacks = {
    label: (item) => {
      const eb = item.dataset.errorBars[item.dataIndex];
      return `P(leak) ${fmtNum(item.raw, 3)}  [${fmtNum(eb.lo, 3)}, ${fmtNum(eb.hi, 3)}]`;
    },
  };
  const leakChart = barChart(leakers, { backgroundColor: PALETTE.threat.leaked }, baseOptions("runs", "threats leaked in a run"));
  const firedChart = barChart(fired, { backgroundColor: PALETTE.interceptor.kill }, baseOptions("runs", "interceptors fired in a run"));

  const missileOptions = baseOptions("missiles per run (mean)", null);
  missileOptions.scales.x.stacked = true;
  missileOptions.scales.y.stacked = true;
  missileOptions.plugins.legend.display = true;
  const missileChart = new Chart(missiles, {
    type: "bar",
    data: { labels: [], datasets: [{ label: "fired", data: [], backgroundColor: PALETTE.interceptor.kill, errorBars: [] }, { label: "left", data: [], backgroundColor: "#495057" }] },
    options: missileOptions,
    plugins: [errorBarPlugin],
  });

  // Why threats were not engaged: per threat type, threats per run stacked by reason.
  const reasonOptions = baseOptions("threats not engaged per run (mean)", null);
  reasonOptions.scales.x.stacked = true;
  reasonOptions.scales.y.stacked = true;
  reasonOptions.scales.y.ticks.precision = undefined;
  reasonOptions.plugins.legend.display = true;
  const reasonChart = new Chart(reasons, { type: "bar", data: { labels: [], datasets: [] }, options: reasonOptions });

  let compareChart = null;
  if (compare) {
    const options = baseOptions("P(leak), 95 % interval", null, 1);
    options.scales.y.grace = 0;
    options.scales.y.ticks.precision = undefined;
    options.scales.y.title.color = PALETTE.threat.leaked;
    options.scales.y2 = { position: "right", beginAtZero: true, grace: "8%", ticks: { color: TEXT }, grid: { drawOnChartArea: false }, title: { display: true, text: "interceptors fired per run", color: PALETTE.interceptor.kill } };
    options.plugins.legend.display = true;
    compareChart = new Chart(compare, {
      data: {
        labels: [],
        datasets: [
          { type: "line", label: "P(leak) of all threats", data: [], yAxisID: "y", borderColor: PALETTE.threat.leaked, backgroundColor: PALETTE.threat.leaked, pointRadius: 5, showLine: false, errorBars: [], errorBarColor: PALETTE.threat.leaked, order: 0 },
          { type: "bar", label: "interceptors fired per run (mean)", data: [], yAxisID: "y2", backgroundColor: PALETTE.interceptor.kill, errorBars: [], order: 1 },
        ],
      },
      options,
      plugins: [errorBarPlugin],
    });
  }

  return {
    // rows of /api/study/p_leak, keyed by `by` ("threat" or "type")
    showPLeak(rows, by) {
      pLeakChart.data.labels = rows.map((r) => r[by]);
      pLeakChart.data.datasets[0].data = rows.map((r) => r.p_leak);
      pLeakChart.data.datasets[0].errorBars = rows.map((r) => ({ lo: r.p_leak_lo, hi: r.p_leak_hi }));
      pLeakChart.update();
    },
    // the answer of /api/study/histograms
    showHistograms(hist) {
      for (const [chart, hst] of [
        [leakChart, hist.leaked],
        [firedChart, hist.interceptors_fired],
      ]) {
        chart.data.labels = hst.counts.map((_, i) => binLabel(hst, i));
        chart.data.datasets[0].data = hst.counts;
        chart.update();
      }
    },
    // the answer of /api/study/missiles
    showMissiles(types) {
      missileChart.data.labels = types.map((t) => t.type);
      missileChart.data.datasets[0].data = types.map((t) => t.fired.mean);
      missileChart.data.datasets[0].errorBars = types.map((t) => ({ lo: t.fired.lo, hi: t.fired.hi }));
      missileChart.data.datasets[1].data = types.map((t) => (t.left ? t.left.mean : null));
      missileChart.update();
    },
    // the answer of /api/study/reasons: one stacked dataset per reason, in the palette's colour
    showReasons(res) {
      const runs = res.runs || 1;
      reasonChart.data.labels = res.types.map((t) => t.type);
      reasonChart.data.datasets = res.reasons.map((r) => ({
        label: res.labels[r] || r,
        data: res.types.map((t) => (t.counts[r] || 0) / runs),
        backgroundColor: PALETTE.reason[r] || "#dee2e6",
      }));
      reasonChart.update();
    },
    // the answer of /api/study/compare
    showCompare(groups) {
      if (!compareChart) return;
      compareChart.data.labels = groups.map(groupLabel);
      compareChart.data.datasets[0].data = groups.map((g) => g.p_leak.p);
      compareChart.data.datasets[0].errorBars = groups.map((g) => ({ lo: g.p_leak.lo, hi: g.p_leak.hi }));
      compareChart.data.datasets[1].data = groups.map((g) => g.interceptors_fired.mean);
      compareChart.data.datasets[1].errorBars = groups.map((g) => ({ lo: g.interceptors_fired.lo, hi: g.interceptors_fired.hi }));
      compareChart.update();
    },
    destroy() {
      for (const c of [pLeakChart, leakChart, firedChart, missileChart, reasonChart, compareChart]) if (c) c.destroy();
    },
  };
}
