// The key to the globe's colours and symbols (samsim's palette: ../palette.js).
import { MARKERS, PALETTE } from "../palette.js";
import { h } from "../ui.js";
import { markerIcon } from "./entities.js";

const item = (swatch, text) => h("li", {}, swatch, text);
const dot = (css, extra = "") => h("span", { class: `dot ${extra}`, style: `background:${css}` });
const icon = (shape, css) => h("img", { src: markerIcon(shape, css), alt: "", class: "icon" });
const line = (css, dashed) => h("span", { class: `swatch-line${dashed ? " dashed" : ""}`, style: `border-color:${css}` });

export function legendPanel() {
  const section = (title, ...items) => [h("li", { class: "legend-title" }, title), ...items];
  // Folds to its title, to free the view (labels are kept out from under it).
  return h(
    "details",
    { class: "legend", "data-testid": "legend", open: true },
    h("summary", {}, "Legend"),
    h(
      "ul",
      {},
      section(
        "threats",
        item(dot(PALETTE.threat.leaked), "leaked"),
        item(dot(PALETTE.threat.killed), "killed"),
        item(dot(PALETTE.threat.survived), "survived"),
      ),
      section(
        "interceptors",
        item(dot(PALETTE.interceptor.kill), "kill"),
        item(dot(PALETTE.interceptor.miss), "miss"),
        item(dot(PALETTE.interceptor.self_destruct), "self-destruct"),
      ),
      section(
        "sites",
        item(h("span", { class: "dot battery", style: `border-color:${PALETTE.battery}` }), "battery"),
        item(dot(PALETTE.asset), "asset (disc: leak radius)"),
        item(dot(PALETTE.radar.acquisition), "acquisition radar"),
        item(dot(PALETTE.radar.engagement), "engagement radar"),
        item(dot(PALETTE.radar["low-altitude"]), "low-altitude radar"),
        item(dot(PALETTE.radar["early-warning"]), "early-warning radar"),
        item(line(PALETTE.radar.acquisition, true), "ring at altitude"),
        item(icon("square", PALETTE.track), "battery track"),
        item(line(PALETTE.strobe, false), "jam strobe (bearing of a jammer)"),
        item(icon("cross", PALETTE.radar_destroyed), "radar destroyed"),
      ),
      section("moments", ...Object.values(MARKERS).filter((m, i, all) => all.findIndex((o) => o.label === m.label) === i).map((m) => item(icon(m.shape, m.colour), m.label))),
    ),
  );
}
