// The dashboard's numbers as DOM: the overview cards and the P(leak) table, from the server's answers.
import { fmtNum, h } from "../ui.js";

const card = (label, value, testid) => h("div", { class: "card", "data-testid": testid }, h("div", { class: "value" }, value), h("div", { class: "label" }, label));

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

// The rows of /api/study/p_leak, keyed by `by`, as a table head and body.
export function pLeakTable(rows, by) {
  const interval = (lo, hi) => `${fmtNum(lo, 3)}–${fmtNum(hi, 3)}`;
  return [
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
          h("td", { class: "num" }, interval(r.p_leak_lo, r.p_leak_hi)),
          h("td", { class: "num" }, fmtNum(r.p_kill, 3)),
          h("td", { class: "num" }, interval(r.p_kill_lo, r.p_kill_hi)),
          h("td", { class: "num" }, fmtNum(r.mean_shots, 2)),
        ),
      ),
    ),
  ];
}
