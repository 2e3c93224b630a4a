// The layers panel: the target RCS and ring height that size the radars' coverage, and the toggles
// that show or hide coverage domes, rings at altitude, routes, trails, names, the batteries' tracks,
// borders and place names.
import { h } from "../ui.js";

const RCS_CHOICES = [0.01, 0.1, 0.5, 1, 2, 5, 10];
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

export function layerControls() {
  const rcs = h("select", { "data-testid": "rcs" }, RCS_CHOICES.map((v) => h("option", { value: v, selected: v === 1 }, `${v} m²`)));
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
    h("div", { class: "row wrap" }, h("label", { class: "field" }, "target RCS", rcs), h("label", { class: "field" }, "ring height", ringAlt, "m AGL")),
    h("div", { class: "row wrap" }, TOGGLES.map(toggle)),
  );
  const on = (key) => () => toggles[key].checked;
  // What the label layer asks: is this layer of names on?
  const show = { names: on("names"), groups: on("groups"), places: on("places") };
  return { element, rcs, ringAlt, toggles, show };
}

// Makes the controls act on the scene. updateDomes() asks the server for the coverage sizes (it
// applies the radar range equation); applyToggles() shows and hides the layers.
export function bindLayers({ controls, store, basemap, replayGet, redraw }) {
  const { rcs, ringAlt, toggles } = controls;
  const { layers } = store;

  async function updateDomes() {
    const res = await replayGet("domes", { rcs_m2: rcs.value, alt_agl_m: ringAlt.value || 0 });
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

  rcs.addEventListener("change", updateDomes);
  ringAlt.addEventListener("change", updateDomes);
  for (const box of Object.values(toggles)) box.addEventListener("change", applyToggles);
  return { updateDomes, applyToggles };
}
