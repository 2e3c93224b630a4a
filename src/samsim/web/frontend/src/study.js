// Dashboard of a Monte Carlo study (samsim mc): P(leak) per threat with 95 % Wilson intervals
// (computed by the server), histograms of leakers and interceptors fired per run, and the table
// of runs, each of which opens its replay (re-simulated on demand by the server). The parts are in
// ./study/; this lays them out and reloads them when the sweep point or the P(leak) key changes.
import { get } from "./api.js";
import { h, setStatus } from "./ui.js";
import { createCharts } from "./study/charts.js";
import { createRunsTable } from "./study/runs.js";
import { overviewCards, pLeakTable } from "./study/tables.js";

const groupLabel = (g) => `group ${g.group}${Object.keys(g.values).length ? ": " + Object.entries(g.values).map(([k, v]) => `${k}=${v}`).join(", ") : ""} (${g.runs} runs)`;

export async function mountStudy(root, info) {
  const [groupsRes, summary] = await Promise.all([get("/api/study/groups"), get("/api/study/summary")]);
  const groups = groupsRes.groups;
  let group = groups.length > 1 ? String(groups[0].group) : null;
  let by = "threat";

  const groupSel = h("select", { "data-testid": "group" }, groups.map((g) => h("option", { value: String(g.group) }, groupLabel(g))));
  const bySel = h("select", { "data-testid": "p-leak-by" }, h("option", { value: "threat" }, "per threat"), h("option", { value: "type" }, "per threat type"));
  const cards = h("div", { class: "cards", "data-testid": "overview" });
  const canvases = {
    pLeak: h("canvas", { "data-testid": "chart-p-leak", "aria-label": "P(leak) per threat with 95 % Wilson intervals" }),
    leakers: h("canvas", { "data-testid": "chart-leakers", "aria-label": "Histogram of leakers per run" }),
    fired: h("canvas", { "data-testid": "chart-fired", "aria-label": "Histogram of interceptors fired per run" }),
  };
  const pLeakTableEl = h("table", { class: "grid small", "data-testid": "p-leak-table" });
  const runs = createRunsTable(() => group);
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
        h("div", { class: "chart tall" }, canvases.pLeak),
        h("details", {}, h("summary", {}, "table"), h("div", { class: "scroll" }, pLeakTableEl)),
      ),
      h("section", { class: "panel chart-panel" }, h("h3", {}, "Leakers per run"), h("div", { class: "chart" }, canvases.leakers)),
      h("section", { class: "panel chart-panel" }, h("h3", {}, "Interceptors fired per run"), h("div", { class: "chart" }, canvases.fired)),
      h("section", { class: "panel wide" }, h("h3", {}, "Runs"), h("p", { class: "muted" }, "Click a run to replay it in 3-D (the server re-simulates it from its seed)."), h("div", { class: "scroll" }, runs.table), runs.pager),
    ),
  );
  const charts = createCharts(canvases);

  async function loadCharts() {
    const params = { group };
    const [overview, pleak, hist] = await Promise.all([get("/api/study/overview", params), get("/api/study/p_leak", { ...params, by }), get("/api/study/histograms", params)]);
    cards.replaceChildren(...overviewCards(overview));
    charts.showPLeak(pleak.rows, by);
    pLeakTableEl.replaceChildren(...pLeakTable(pleak.rows, by));
    charts.showHistograms(hist);
  }

  groupSel.addEventListener("change", async () => {
    group = groupSel.value;
    await Promise.all([loadCharts(), runs.firstPage()]);
  });
  bySel.addEventListener("change", async () => {
    by = bySel.value;
    await loadCharts();
  });

  await Promise.all([loadCharts(), runs.load()]);
  setStatus("ready", `ready · ${groups.reduce((n, g) => n + g.runs, 0)} runs`);
  root.dataset.ready = "1";
  return {
    destroy() {
      charts.destroy();
    },
  };
}
