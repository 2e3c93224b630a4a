// The layers panel: the target that sizes the radars' coverage (a fixed RCS, or a threat type of the
// run at an aspect, read by the server in each radar's band), the ring height, and the toggles
// that show or hide coverage domes, rings at altitude, routes, trails, names, the batteries' tracks,
// borders and place names.
import { h } from "../ui.js";

const RCS_CHOICES = [0.01, 0.1, 0.5, 1, 2, 5, 10];
// value, label, tooltip
const ASPECTS = [
  ["nose", "nose-on", "Seen from ahead (0°)"],
  ["beam", "beam", "Seen from the side (90°)"],
  ["tail", "tail-on", "Seen from behind (180°)"],
  ["worst", "worst aspect", "The smallest cross section over every aspect: covered from any direction"],
  ["best", "best aspect", "The largest cross section over every aspect: the farthest a radar can see it"],
];
// key, label, on at start, tooltip
const TOGGLES = [
  ["domes", "coverage domes", true, "Detection domes (translucent) and their footprints on the ground, for the target RCS chosen"],
  ["rings", "rings at altitude", false, "Dashed rings: where each radar sees a target at the chosen height above the ground (horizon and range)"],
  ["routes", "full routes", true, "The whole route of every threat and interceptor"],
  ["trails", "trails", true, "The last minutes behind every moving object"],
  ["groups", "threat groups", true, "The name of each threat group, on its leading member"],
  ["names", "all names", false, "Names of every threat, interceptor and radar (where there is room)"],
  ["tracks", "battery tracks", false, "Squares where each battery's firm tracks put the threats (its estimate), with a dashed trail"],
  ["borders", "borders", true, "Country borders and coastlines (Natural Earth 1:10m)"],
  ["places", "place names", true, "Towns and cities, more of them as you zoom in"],
];

// targets: the threat types whose signature the run records (the /domes answer's `targets`).
export function layerControls(targets = []) {
  const rcs = h("select", { "data-testid": "rcs" }, RCS_CHOICES.map((v) => h("option", { value: v, selected: v === 1 }, `${v} m²`)));
  const target = h(
    "select",
    { "data-testid": "target", title: "Size the coverage for a threat type: its cross section at the aspect chosen, in each radar's band" },
    h("option", { value: "" }, "fixed RCS"),
    targets.map((t) => h("option", { value: t }, t)),
  );
  const aspect = h(
    "select",
    { "data-testid": "aspect", disabled: true, title: "The aspect the threat type is seen at" },
    ASPECTS.map(([v, label, title]) => h("option", { value: v, title }, label)),
  );
  const ringAlt = h("input", { type: "number", min: "0", max: "30000", step: "50", value: "100", "data-testid": "ring-alt", class: "num" });
  const toggles = {};
  const toggle = ([key, label, on, title]) => {
    const box = h("input", { type: "checkbox", checked: on, "data-testid": `toggle-${key}` });
    toggles[key] = box;
    return h("label", { class: "toggle", title }, box, ` ${label}`);
  };
  const element = h(
    "section",
    { class: "panel layers" },
    h("h3", {}, "Layers"),
    h("div", { class: "row wrap" }, h("label", { class: "field" }, "target", target), h("label", { class: "field" }, "aspect", aspect)),
    h("div", { class: "row wrap" }, h("label", { class: "field" }, "target RCS", rcs), h("label", { class: "field" }, "ring height", ringAlt, "m AGL")),
    h("div", { class: "row wrap" }, TOGGLES.map(toggle)),
  );
  const on = (key) => () => toggles[key].checked;
  // What the label layer asks: is this layer of names on?
  const show = { names: on("names"), groups: on("groups"), places: on("places") };
  return { element, rcs, target, aspect, ringAlt, toggles, show };
}

// Makes the controls act on the scene. updateDomes() asks the server for the coverage sizes (it
// reads the threat type's RCS table in each radar's band and applies the radar range equation);
// applyToggles() shows and hides the layers.
export function bindLayers({ controls, store, basemap, replayGet, redraw }) {
  const { rcs, target, aspect, ringAlt, toggles } = controls;
  const { layers } = store;

  async function updateDomes() {
    const byType = target.value !== "";
    rcs.disabled = byType;
    aspect.disabled = !byType;
    const params = { rcs_m2: rcs.value, alt_agl_m: ringAlt.value || 0 };
    if (byType) Object.assign(params, { target: target.value, aspect: aspect.value });
    const res = await replayGet("domes", params);
    store.setCoverage(res.radars);
    redraw.settle();
  }

  let tracksLoaded = false;
  async function applyToggles() {
    for (const p of layers.domes) p.show = toggles.domes.checked;
    layers.footprints.show = toggles.domes.checked;
    if (layers.routes) layers.routes.show = toggles.routes.checked;
    layers.rings.show = toggles.rings.checked;
    for (const e of layers.trails) if (e.path) e.path.show = toggles.trails.checked;
    if (basemap) basemap.lines.show = toggles.borders.checked;
    if (toggles.tracks.checked && !tracksLoaded) {
      tracksLoaded = true;
      store.addTracks((await replayGet("trajectories", { kind: "track" })).entities);
    }
    for (const e of layers.tracks) e.show = toggles.tracks.checked;
    redraw.settle();
  }

  for (const el of [rcs, target, aspect]) el.addEventListener("change", updateDomes);
  ringAlt.addEventListener("change", updateDomes);
  for (const box of Object.values(toggles)) box.addEventListener("change", applyToggles);
  return { updateDomes, applyToggles };
}
