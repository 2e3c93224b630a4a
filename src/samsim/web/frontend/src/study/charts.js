// The dashboard's charts (Chart.js): P(leak) per threat or threat type with 95 % Wilson intervals
// as whiskers, and histograms over runs of leakers and of interceptors fired.
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from "chart.js";
import { fmtNum } from "../ui.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const TEXT = "#c9d1d9";
const GRID = "rgba(201, 209, 217, 0.12)";

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

const barChart = (canvas, dataset, options, plugins = []) => new Chart(canvas, { type: "bar", data: { labels: [], datasets: [{ data: [], ...dataset }] }, options, plugins });

const binLabel = (hist, i) => (hist.lo[i] === hist.hi[i] ? String(hist.lo[i]) : `${hist.lo[i]}–${hist.hi[i]}`);

// The three charts on their canvases, which must be in the page (Chart.js sizes them from it).
export function createCharts({ pLeak, leakers, fired }) {
  const pLeakChart = barChart(pLeak, { backgroundColor: "#ff6b6b", errorBars: [] }, baseOptions("P(leak)", null, 1), [errorBarPlugin]);
  pLeakChart.options.plugins.tooltip.callbacks = {
    label: (item) => {
      const eb = item.dataset.errorBars[item.dataIndex];
      return `P(leak) ${fmtNum(item.raw, 3)}  [${fmtNum(eb.lo, 3)}, ${fmtNum(eb.hi, 3)}]`;
    },
  };
  const leakChart = barChart(leakers, { backgroundColor: "#ff922b" }, baseOptions("runs", "threats leaked"));
  const firedChart = barChart(fired, { backgroundColor: "#4dabf7" }, baseOptions("runs", "interceptors fired"));

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
    destroy() {
      for (const c of [pLeakChart, leakChart, firedChart]) c.destroy();
    },
  };
}
