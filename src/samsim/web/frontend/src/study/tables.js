// The dashboard's numbers as DOM: the overview cards, the P(leak) table, the missiles table, why
// threats were not engaged, and the table of sweep groups, from the server's answers.
import { fmtNum, h } from "../ui.js";
import { groupLabel } from "./charts.js";

const card = (label, value, testid) => h("div", { class: "card", "data-testid": testid }, h("div", { class: "value" }, value), h("div", { class: "label" }, label));
const interval = (lo, hi, digits = 3) => (lo === null || lo === undefined ? "—" : `${fmtNum(lo, digits)}–${fmtNum(hi, digits)}`);
const head = (cells) => h("thead", {}, h("tr", {}, cells.map(([text, title]) => h("th", { title }, text))));

// The answer of /api/study/overview as cards.
export function overviewCards(overview) {
  const pn = overview.p_no_leak;
  return [
    card("runs", String(overview.runs), "card-runs"),
    card("threats leaked per run (mean)", fmtNum(overview.mean_leaked, 2), "card-leaked"),
    card("interceptors fired per run (mean)", fmtNum(overview.mean_interceptors_fired, 2), "card-fired"),
    card("P(no leak) [95 % CI]", pn ? `${fmtNum(pn.p, 3)} [${fmtNum(pn.lo, 3)}, ${fmtNum(pn.hi, 3)}]` : "—", "card-p-no-leak"),
  ];
}

// The rows of /api/study/p_leak, keyed by `by`, as a table head and body. Per threat a row counts
// runs; per type it also says how many threats of the type each run has (the trials are both).
export function pLeakTable(rows, by) {
  const perType = by === "type";
  const cols = [
    [perType ? "threat type" : "threat"],
    ...(perType ? [] : [["type"]]),
    ["runs", "runs in which the threat flew"],
    ...(perType ? [["per run", "threats of this type in each run"]] : []),
    [perType ? "leaked (threat·runs)" : "leaked (runs)", "how many times a threat leaked"],
    ["P(leak)"],
    ["95 % CI", perType ? "Wilson interval with Kish's effective sample size (the threats of one run are not independent)" : "Wilson interval"],
    ["P(kill)"],
    ["95 % CI"],
    ["shots", "interceptors fired at one threat, mean"],
  ];
  return [
    head(cols),
    h(
      "tbody",
      {},
      rows.map((r) =>
        h(
          "tr",
          {},
          h("td", {}, r[by]),
          perType ? null : h("td", {}, r.type),
          h("td", { class: "num" }, r.runs),
          perType ? h("td", { class: "num" }, fmtNum(r.threats_per_run, r.threats_per_run % 1 ? 2 : 0)) : null,
          h("td", { class: "num" }, r.leaked),
          h("td", { class: "num" }, fmtNum(r.p_leak, 3)),
          h("td", { class: "num" }, interval(r.p_leak_lo, r.p_leak_hi)),
          h("td", { class: "num" }, fmtNum(r.p_kill, 3)),
          h("td", { class: "num" }, interval(r.p_kill_lo, r.p_kill_hi)),
          h("td", { class: "num" }, fmtNum(r.mean_shots, 2)),
        ),
      ),
    ),
  ];
}

// The answer of /api/study/missiles as a table.
export function missilesTable(types) {
  const mean = (s, digits = 2) => (s ? `${fmtNum(s.mean, digits)}` : "—");
  const range = (s) => (s && s.min !== null ? `${fmtNum(s.min, 0)}–${fmtNum(s.max, 0)}` : "—");
  return [
    head([["interceptor"], ["loaded", "missiles on the launchers at the start of a run, all batteries"], ["fired per run"], ["95 % CI"], ["min–max"], ["left per run"], ["min–max"], ["runs used up", "runs that fired every missile of this type"]]),
    h(
      "tbody",
      {},
      types.map((t) =>
        h(
          "tr",
          {},
          h("td", {}, t.type),
          h("td", { class: "num" }, t.loaded ?? "—"),
          h("td", { class: "num" }, mean(t.fired)),
          h("td", { class: "num" }, interval(t.fired.lo, t.fired.hi, 2)),
          h("td", { class: "num" }, range(t.fired)),
          h("td", { class: "num" }, mean(t.left)),
          h("td", { class: "num" }, range(t.left)),
          h("td", { class: "num" }, t.runs_used_up ?? "—"),
        ),
      ),
    ),
  ];
}

// The answer of /api/study/reasons as a table: per threat type, threats over all runs, those no shot
// was fired at, and how many had each reason.
export function reasonsTable(res) {
  return [
    head([["threat type"], ["threats", "threats of this type over all runs"], ["not engaged", "threats no shot was fired at, over all runs"], ["per run"], ...res.reasons.map((r) => [res.labels[r] || r, r])]),
    h(
      "tbody",
      {},
      res.types.map((t) =>
        h(
          "tr",
          { "data-type": t.type },
          h("td", {}, t.type),
          h("td", { class: "num" }, t.threats),
          h("td", { class: "num" }, t.not_engaged),
          h("td", { class: "num" }, fmtNum(t.per_run, 2)),
          ...res.reasons.map((r) => h("td", { class: "num", "data-reason": r }, t.counts[r] || 0)),
        ),
      ),
    ),
  ];
}

// The answer of /api/study/compare as a table, one row per sweep group.
export function compareTable(groups) {
  return [
    head([["sweep point"], ["runs"], ["P(leak)"], ["95 % CI"], ["P(no leak)"], ["leaked per run"], ["interceptors per run"], ["95 % CI"]]),
    h(
      "tbody",
      {},
      groups.map((g) =>
        h(
          "tr",
          { "data-group": g.group },
          h("td", {}, groupLabel(g)),
          h("td", { class: "num" }, g.runs),
          h("td", { class: "num" }, fmtNum(g.p_leak.p, 3)),
          h("td", { class: "num" }, interval(g.p_leak.lo, g.p_leak.hi)),
          h("td", { class: "num" }, fmtNum(g.p_no_leak.p, 3)),
          h("td", { class: "num" }, fmtNum(g.leaked.mean, 2)),
          h("td", { class: "num" }, fmtNum(g.interceptors_fired.mean, 2)),
          h("td", { class: "num" }, interval(g.interceptors_fired.lo, g.interceptors_fired.hi, 2)),
        ),
      ),
    ),
  ];
}
