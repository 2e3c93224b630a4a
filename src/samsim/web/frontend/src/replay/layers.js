// The layers panel: the target RCS and ring height that size the radars' domes and rings, and the
// toggles that show or hide domes, rings, routes, trails, labels and the batteries' tracks.
import * as Cesium from "cesium";
import { h } from "../ui.js";

const RCS_CHOICES = [0.01, 0.1, 0.5, 1, 2, 5, 10];

export function layerControls() {
  const rcs = h("select", { "data-testid": "rcs" }, RCS_CHOICES.map((v) => h("option", { value: v, selected: v === 1 }, `${v} m²`)));
  const ringAlt = h("input", { type: "number", min: "0", max: "30000", step: "50", value: "100", "data-testid": "ring-alt", class: "num" });
  const toggles = {};
  const toggle = (key, label, on) => {
    const box = h("input", { type: "checkbox", checked: on, "data-testid": `toggle-${key}` });
    toggles[key] = box;
    return h("label", { class: "toggle" }, box, ` ${label}`);
  };
  const element = h(
    "section",
    { class: "panel layers" },
    h("h3", {}, "Layers"),
    h("div", { class: "row wrap" }, h("label", { class: "field" }, "target RCS", rcs), h("label", { class: "field" }, "ring height", ringAlt, "m AGL")),
    h(
      "div",
      { class: "row wrap" },
      toggle("domes", "detection domes", true),
      toggle("rings", "rings at altitude", false),
      toggle("routes", "full routes", true),
      toggle("trails", "trails", true),
      toggle("labels", "labels", false),
      toggle("tracks", "battery tracks", false),
    ),
  );
  return { element, rcs, ringAlt, toggles };
}

// Makes the controls act on the entities. updateDomes() asks the server for the dome and ring sizes
// (it applies the radar range equation); applyToggles() shows and hides the layers.
export function bindLayers({ viewer, controls, store, replayGet, redraw }) {
  const { rcs, ringAlt, toggles } = controls;
  const { groups } = store;

  async function updateDomes() {
    const res = await replayGet("domes", { rcs_m2: rcs.value, alt_agl_m: ringAlt.value || 0 });
    for (const d of res.radars) {
      const dome = store.domes.get(d.id);
      if (dome) dome.ellipsoid.radii = new Cesium.Cartesian3(d.range_m, d.range_m, d.range_m);
      const ring = store.rings.get(d.id);
      if (ring) {
        ring.ellipse.semiMajorAxis = d.ring_range_m;
        ring.ellipse.semiMinorAxis = d.ring_range_m;
        ring.ellipse.height = d.ring_alt_m;
      }
    }
    redraw.settle();
  }

  let tracksLoaded = false;
  async function applyToggles() {
    for (const e of groups.domes) e.show = toggles.domes.checked;
    for (const e of groups.rings) e.show = toggles.rings.checked;
    for (const e of groups.routes) e.show = toggles.routes.checked;
    for (const e of groups.trails) if (e.path) e.path.show = toggles.trails.checked;
    for (const e of groups.labels) if (e.label) e.label.show = toggles.labels.checked || e === viewer.selectedEntity;
    if (toggles.tracks.checked && !tracksLoaded) {
      tracksLoaded = true;
      store.addTracks((await replayGet("trajectories", { kind: "track" })).entities);
    }
    for (const e of groups.tracks) e.show = toggles.tracks.checked;
    redraw.settle();
  }

  rcs.addEventListener("change", updateDomes);
  ringAlt.addEventListener("change", updateDomes);
  for (const box of Object.values(toggles)) box.addEventListener("change", applyToggles);
  return { updateDomes, applyToggles, labelsShown: () => toggles.labels.checked };
}
