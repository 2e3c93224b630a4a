// The panel naming the run (or the study run it re-simulates) and its totals.
import { h } from "../ui.js";

export function runInfoPanel(summary, scene, origin) {
  const tot = summary.totals || {};
  const title = origin
    ? `Run ${origin.run} of group ${origin.group} (seed ${origin.seed ?? summary.seed}), re-simulated`
    : `${summary.scenario} · seed ${summary.seed}`;
  return h(
    "section",
    { class: "panel run-info", "data-testid": "run-info" },
    h("h2", {}, title),
    origin ? h("p", {}, h("a", { href: "#/study" }, "← back to the study")) : null,
    h(
      "p",
      { class: "totals", "data-testid": "totals" },
      `${tot.threats ?? 0} threats: `,
      h("span", { class: "fate killed" }, `${tot.killed ?? 0} killed`),
      ", ",
      h("span", { class: "fate leaked" }, `${tot.leaked ?? 0} leaked`),
      ", ",
      h("span", { class: "fate survived" }, `${tot.survived ?? 0} survived`),
      `; ${tot.interceptors_fired ?? 0} interceptors fired.`,
    ),
    scene.note ? h("p", { class: "note", "data-testid": "scene-note" }, scene.note) : null,
  );
}
