// Dashboard of a Monte Carlo study (samsim mc): P(leak) per threat with 95 % Wilson intervals
// (computed by the server), histograms of leakers and interceptors fired per run, missiles fired and
// left by type, why threats were not engaged per threat type, the sweep groups side by side, and the table of runs, each of which opens its replay
// (re-simulated on demand by the server). The parts are in ./study/; this lays them out, reloads them
// when the sweep point or the P(leak) key changes, and again whenever the study's data change: a
// study still being computed by samsim mc is shown as it stands and refreshed as batches commit.
import { get } from "./api.js";
import { fmtNum, h, setStatus } from "./ui.js";
import { createCharts } from "./study/charts.js";
import { createRunsTable } from "./study/runs.js";
import { compareTable, missilesTable, overviewCards, pLeakTable, reasonsTable } from "./study/tables.js";

const POLL_MS = 3000;
const groupLabel = (g) => `group ${g.group}${Object.keys(g.values).length ? ": " + Object.entries(g.values).map(([k, v]) => `${k}=${v}`).join(", ") : ""} (${g.runs} runs)`;

// A study whose first batch is not committed yet: a note, until runs arrive.
async function untilFirstRuns(root) {
  const note = h("p", { class: "empty", "data-testid": "study-waiting" }, "The study has no runs yet; samsim mc is computing the first batch…");
  root.append(note);
  setStatus("loading", "waiting for the first runs…");
  for (;;) {
    const status = await get("/api/study/status");
    if (status.runs > 0) break;
    if (!root.isConnected) throw new Error("view closed");
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  note.remove();
}

export async function mountStudy(root, info) {
  if ((await get("/api/study/status")).runs === 0) await untilFirstRuns(root);
  const [groupsRes, summary, firstStatus] = await Promise.all([get("/api/study/groups"), get("/api/study/summary"), get("/api/study/status")]);
  let groups = groupsRes.groups;
  let group = groups.length > 1 || groupsRes.swept.length > 0 ? String(groups[0].group) : null;
  let by = "threat";
  let version = firstStatus.version;
  // A sweep is known from the runs' columns, even before a second sweep point has runs.
  const swept = groupsRes.swept.length > 0;

  const groupSel = h("select", { "data-testid": "group" });
  const fillGroups = () => {
    groupSel.replaceChildren(...groups.map((g) => h("option", { value: String(g.group), selected: String(g.group) === group }, groupLabel(g))));
  };
  fillGroups();
  const bySel = h("select", { "data-testid": "p-leak-by" }, h("option", { value: "threat" }, "per threat"), h("option", { value: "type" }, "per threat type"));
  const cards = h("div", { class: "cards", "data-testid": "overview" });
  const progress = h("p", { class: "progress", "data-testid": "study-progress", hidden: true });
  const canvases = {
    pLeak: h("canvas", { "data-testid": "chart-p-leak", "aria-label": "P(leak) per threat with 95 % Wilson intervals" }),
    leakers: h("canvas", { "data-testid": "chart-leakers", "aria-label": "Histogram of leakers per run" }),
    fired: h("canvas", { "data-testid": "chart-fired", "aria-label": "Histogram of interceptors fired per run" }),
    missiles: h("canvas", { "data-testid": "chart-missiles", "aria-label": "Missiles fired and left per run, by interceptor type" }),
    reasons: h("canvas", { "data-testid": "chart-reasons", "aria-label": "Threats not engaged per run, by threat type and reason" }),
    compare: swept ? h("canvas", { "data-testid": "chart-compare", "aria-label": "P(leak) and interceptors fired per sweep point" }) : null,
  };
  const pLeakTableEl = h("table", { class: "grid small", "data-testid": "p-leak-table" });
  const missilesEl = h("table", { class: "grid small", "data-testid": "missiles-table" });
  const compareEl = h("table", { class: "grid small", "data-testid": "compare-table" });
  const reasonsEl = h("table", { class: "grid small", "data-testid": "reasons-table" });
  const reasonsNote = h("p", { class: "muted", "data-testid": "reasons-note" });
  const firedNote = h("p", { class: "muted", "data-testid": "fired-note" });
  const leakNote = h("p", { class: "muted", "data-testid": "leaked-note" });
  const runs = createRunsTable(() => group);
  const scenarioName = typeof summary.scenario === "string" ? summary.scenario : summary.scenario?.name || info.name;

  root.append(
    h(
      "div",
      { class: "study", "data-testid": "study" },
      h("section", { class: "panel" }, h("h2", {}, `Study: ${scenarioName}`), progress, h("div", { class: "row" }, groups.length > 1 || swept ? h("label", {}, "Sweep point ", groupSel) : null), cards),
      swept
        ? h(
            "section",
            { class: "panel chart-panel wide", "data-testid": "compare" },
            h("h3", {}, "Sweep points side by side: P(leak) of all threats (95 % interval) and interceptors fired per run"),
            h("div", { class: "chart" }, canvases.compare),
            h("div", { class: "scroll" }, compareEl),
          )
        : null,
      h(
        "section",
        { class: "panel chart-panel wide" },
        h("div", { class: "row" }, h("h3", {}, "P(leak) with 95 % Wilson interval"), bySel),
        h("div", { class: "chart tall" }, canvases.pLeak),
        h("details", {}, h("summary", {}, "table"), h("div", { class: "scroll" }, pLeakTableEl)),
      ),
      h("section", { class: "panel chart-panel" }, h("h3", {}, "Leakers per run"), h("div", { class: "chart" }, canvases.leakers), leakNote),
      h("section", { class: "panel chart-panel" }, h("h3", {}, "Interceptors fired per run"), h("div", { class: "chart" }, canvases.fired), firedNote),
      h(
        "section",
        { class: "panel chart-panel wide", "data-testid": "missiles" },
        h("h3", {}, "Missiles fired and left per run, by interceptor type"),
        h("div", { class: "chart" }, canvases.missiles),
        h("div", { class: "scroll" }, missilesEl),
      ),
      h(
        "section",
        { class: "panel chart-panel wide", "data-testid": "reasons" },
        h("h3", {}, "Why threats were not engaged, by threat type"),
        h("div", { class: "chart" }, canvases.reasons),
        reasonsNote,
        h("div", { class: "scroll" }, reasonsEl),
      ),
      h("section", { class: "panel wide" }, h("h3", {}, "Runs"), h("p", { class: "muted" }, "Click a run to replay it in 3-D (the server re-simulates it from its seed)."), runs.seedNote, h("div", { class: "scroll" }, runs.table), runs.pager),
    ),
  );
  const charts = createCharts(canvases);

  const single = (hist, what) => (hist.single !== null && hist.single !== undefined ? `Every run: ${hist.single} ${what}.` : "");
  async function loadCharts() {
    const params = { group };
    const [overview, pleak, hist, missiles, reasons, compare] = await Promise.all([
      get("/api/study/overview", params),
      get("/api/study/p_leak", { ...params, by }),
      get("/api/study/histograms", params),
      get("/api/study/missiles", params),
      get("/api/study/reasons", params),
      swept ? get("/api/study/compare") : null,
    ]);
    cards.replaceChildren(...overviewCards(overview));
    charts.showPLeak(pleak.rows, by);
    pLeakTableEl.replaceChildren(...pLeakTable(pleak.rows, by));
    charts.showHistograms(hist);
    leakNote.textContent = single(hist.leaked, "threats leaked");
    firedNote.textContent = single(hist.interceptors_fired, "interceptors fired");
    charts.showMissiles(missiles.types);
    missilesEl.replaceChildren(...missilesTable(missiles.types));
    charts.showReasons(reasons);
    reasonsEl.replaceChildren(...reasonsTable(reasons));
    const decoys = reasons.decoys;
    reasonsNote.textContent = [
      reasons.reasons.length ? "" : "Every threat had shots fired at it (or this study records no reasons).",
      decoys ? `Interceptors spent on decoys: ${fmtNum(decoys.interceptors_per_run, 2)} per run (${decoys.interceptors} over all runs), at ${fmtNum(decoys.threats_per_run, 2)} decoys per run.` : "",
    ]
      .filter(Boolean)
      .join(" ");
    if (compare) {
      charts.showCompare(compare.groups);
      compareEl.replaceChildren(...compareTable(compare.groups));
    }
  }

  function showProgress(status) {
    progress.hidden = !status.running;
    const asked = status.runs_asked ? ` of ${status.runs_asked}` : "";
    progress.textContent = status.running ? `samsim mc is still running: ${status.runs}${asked} runs so far; this page updates as batches are committed.` : "";
    root.dataset.version = String(status.version);
  }

  groupSel.addEventListener("change", async () => {
    group = groupSel.value;
    await Promise.all([loadCharts(), runs.firstPage()]);
  });
  bySel.addEventListener("change", async () => {
    by = bySel.value;
    await loadCharts();
  });

  // Poll the study's status; reload everything shown when its data changed.
  let timer = null;
  let stopped = false;
  async function poll() {
    try {
      const status = await get("/api/study/status");
      showProgress(status);
      if (status.version !== version) {
        version = status.version;
        groups = (await get("/api/study/groups")).groups;
        if (group !== null && !groups.some((g) => String(g.group) === group)) group = String(groups[0].group);
        fillGroups();
        await Promise.all([loadCharts(), runs.load()]);
        setStatus("ready", `ready · ${groups.reduce((n, g) => n + g.runs, 0)} runs`);
      }
    } catch (err) {
      console.warn(`study refresh failed: ${err.message}`);
    }
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  }

  await Promise.all([loadCharts(), runs.load()]);
  showProgress(firstStatus);
  setStatus("ready", `ready · ${groups.reduce((n, g) => n + g.runs, 0)} runs`);
  root.dataset.ready = "1";
  timer = setTimeout(poll, POLL_MS);
  return {
    destroy() {
      stopped = true;
      clearTimeout(timer);
      charts.destroy();
    },
  };
}
