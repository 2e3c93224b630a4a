// The details panel's content for one entity, from the server's answer about it: what it is, its
// fate and times, its detections, buttons that move the clock to its moments, and its events.
import { fmtNum, fmtS, h } from "../ui.js";
import { eventTable } from "./timeline.js";

const km = (m, digits) => `${fmtNum(m / 1000, digits)} km`;
const missing = (x) => x === undefined || x === null;

// A definition list; a row whose value is undefined is left out, null or "" shows as a dash.
const dl = (pairs) =>
  h(
    "dl",
    {},
    pairs.filter(([, v]) => v !== undefined).flatMap(([k, v, attrs]) => [h("dt", {}, k), h("dd", attrs || {}, v === null || v === "" ? "—" : v)]),
  );

function rowsOf(d, kind) {
  const rows = [["kind", kind === "threat" && d.category ? `threat (${d.category})` : d.kind]];
  if (d.type !== undefined) rows.push(["type", d.type]);
  if (d.kind === "threat") {
    rows.push(
      ["group", d.group ?? null],
      ["target", d.target ?? null],
      ["fate", d.fate, { class: `fate ${d.fate}`, "data-testid": "detail-fate" }],
      ["at", fmtS(d.fate_s)],
      ["first detected", fmtS(d.first_detected_s), { "data-testid": "detail-detected" }],
      ["at range", missing(d.first_detected_range_m) ? undefined : km(d.first_detected_range_m, 1)],
      ["first firm track", fmtS(d.first_track_s), { "data-testid": "detail-track" }],
      ["shots at it", d.shots],
      ["killed by", d.killed_by ?? null],
      // summary.json's reason names read as words with their underscores as spaces.
      ["not engaged because", d.unengaged_reason ? `${d.unengaged_reason.replaceAll("_", " ")} (last at ${fmtS(d.unengaged_reason_s)})` : undefined, { "data-testid": "detail-why" }],
      ["first jam strobe", missing(d.first_strobe_s) ? undefined : fmtS(d.first_strobe_s)],
    );
  } else if (d.kind === "interceptor") {
    rows.push(
      ["battery", d.battery],
      ["target", d.target],
      ["result", d.result ?? null, { class: `fate ${d.result}`, "data-testid": "detail-fate" }],
      ["launched", fmtS(d.launch_s)],
      ["ended", fmtS(d.end_s)],
      ["miss distance", missing(d.miss_distance_m) ? null : `${fmtNum(d.miss_distance_m, 1)} m`],
      ["planned Pk", d.planned_pk === undefined ? undefined : fmtNum(d.planned_pk, 2)],
      ["planned intercept", missing(d.pip_range_m) ? undefined : `${km(d.pip_range_m, 1)}, ${fmtNum(d.pip_alt_m, 0)} m alt`],
    );
  } else if (d.kind === "battery") {
    rows.push(["system", d.system], ["weapons", d.weapons], ["launchers", d.launchers], ["loaded", Object.entries(d.loaded || {}).map(([k, v]) => `${v} × ${k}`).join(", ")], ["radars", (d.radars || []).join(", ")]);
  } else if (d.kind === "radar") {
    rows.push(
      ["battery", d.battery],
      ["role", d.role],
      ["band", missing(d.frequency_ghz) ? undefined : `${d.band} (${fmtNum(d.frequency_ghz, 2)} GHz)`],
      ["reference", `${km(d.ref_range_m, 0)} on ${d.ref_rcs_m2} m² (Pd ${d.ref_pd})`],
      ["instrumented range", km(d.max_range_m, 0)],
      ["antenna height", `${fmtNum(d.antenna_height_m, 0)} m`],
    );
  } else if (d.kind === "asset") {
    rows.push(["leak radius", `${fmtNum(d.radius_m, 0)} m`], ["value", d.value], ["threats aimed at it", (d.threats || []).length]);
  } else if (d.kind === "track") {
    rows.push(["battery", d.battery]);
  }
  if (d.sampled_from_s !== undefined) rows.push(["in the air", `${fmtNum(d.sampled_from_s, 1)} – ${fmtNum(d.sampled_to_s, 1)} s`]);
  return rows;
}

// The panel's children for entity `id` of `kind`, given the server's answer `d` and the clock.
export function detailsContent(id, kind, d, { start, setTime }) {
  const det = d.detections || { count: 0 };
  const children = [h("h3", { "data-testid": "detail-title" }, id), dl(rowsOf(d, kind))];
  if (det.count) {
    const by = Object.entries(det.by_radar || {}).map(([r, n]) => `${r} ${n}`).join(", ");
    children.push(h("p", { class: "muted", "data-testid": "detail-detections" }, `${det.count} detections, ${fmtNum(det.first_s, 1)}–${fmtNum(det.last_s, 1)} s (${by})`));
  }
  const jump = [];
  if (!missing(d.first_detected_s)) jump.push(h("button", { type: "button", onclick: () => setTime(d.first_detected_s) }, "go to first detection"));
  if (!missing(d.fate_s)) jump.push(h("button", { type: "button", onclick: () => setTime(Math.max(start, d.fate_s - 1)) }, "go to fate"));
  if (!missing(d.launch_s)) jump.push(h("button", { type: "button", onclick: () => setTime(d.launch_s) }, "go to launch"));
  if (jump.length) children.push(h("div", { class: "row" }, jump));
  if (d.events && d.events.length) {
    children.push(h("h4", {}, `Events (${d.events_total})`), h("div", { class: "scroll" }, eventTable(d.events, setTime, { testid: "detail-events" })));
  } else {
    children.push(h("p", { class: "muted" }, "No events besides detections."));
  }
  return children;
}
