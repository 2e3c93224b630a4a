// 3-D replay of one run with CesiumJS: the globe with batteries, radars with detection domes,
// assets, threat and interceptor trajectories coloured by side and fate, kill / leak / miss markers;
// a time bar; and side panels for the run, the entity chosen, the layers, the list of entities and
// the key events. The parts are in ./replay/; this composes them.
import * as Cesium from "cesium";
import { get, post } from "./api.js";
import { h, setStatus } from "./ui.js";
import { toSeconds } from "./replay/convert.js";
import { addEntities } from "./replay/entities.js";
import { bindLayers, layerControls } from "./replay/layers.js";
import { legendPanel } from "./replay/legend.js";
import { bindPicking, detailsPanel, entityListPanel } from "./replay/picking.js";
import { runInfoPanel } from "./replay/run-info.js";
import { KEY_EVENTS, bindClock, fillKeyEvents, keyEventsPanel, timeControls } from "./replay/timeline.js";
import { frameExtent, makeViewer, redrawer, untilDrawn } from "./replay/viewer.js";

// The replay id of a run folder, or of a study run, which the server re-simulates first.
async function replayOf(root, route) {
  if (route.rid) return { rid: route.rid, origin: null };
  setStatus("loading", `re-simulating run ${route.run}…`);
  root.append(h("p", { class: "empty", "data-testid": "resimulating" }, `Re-simulating run ${route.run} of group ${route.group}…`));
  const res = await post(`/api/study/runs/${encodeURIComponent(route.group)}/${encodeURIComponent(route.run)}/replay`);
  root.replaceChildren();
  return { rid: res.replay, origin: res };
}

// Hooks for end-to-end tests and for scripting from the browser console.
function testHooks(viewer, rid, byKey) {
  const clock = viewer.clock;
  return {
    viewer,
    replay: rid,
    entityKeys: () => [...byKey.keys()],
    timeS: () => toSeconds(clock.currentTime),
    screenPositionOf(key) {
      const e = byKey.get(key);
      if (!e || !e.isAvailable(clock.currentTime)) return null;
      const p = e.position.getValue(clock.currentTime);
      if (!p) return null;
      const w = Cesium.SceneTransforms.worldToWindowCoordinates(viewer.scene, p);
      if (!w) return null;
      const r = viewer.canvas.getBoundingClientRect();
      return { x: r.left + w.x, y: r.top + w.y };
    },
  };
}

export async function mountReplay(root, info, route) {
  const { rid, origin } = await replayOf(root, route);
  const replayGet = (path, params) => get(`/api/replays/${encodeURIComponent(rid)}/${path}`, params);
  const [scene, summary, traj, markerData, keyEvents] = await Promise.all([
    replayGet("scene"),
    replayGet("summary"),
    replayGet("trajectories", { kind: ["threat", "interceptor"] }),
    replayGet("markers"),
    replayGet("events", { kind: KEY_EVENTS, limit: 5000 }),
  ]);

  // The page is laid out before the viewer is made: Cesium sizes its canvas from its container.
  const globe = h("div", { class: "globe", id: "globe", "data-testid": "globe" });
  const details = detailsPanel();
  const layerUi = layerControls();
  const list = entityListPanel();
  const eventsPanel = keyEventsPanel(keyEvents.total);
  const timeUi = timeControls();
  root.append(
    h(
      "div",
      { class: "replay" },
      h("div", { class: "globe-wrap" }, globe, legendPanel()),
      h("aside", { class: "side" }, runInfoPanel(summary, scene, origin), details, layerUi.element, list, eventsPanel),
      timeUi.element,
    ),
  );

  const viewer = makeViewer(globe);
  const redraw = redrawer(viewer);
  const store = addEntities(viewer, { scene, summary, traj, markers: markerData.markers });
  const layers = bindLayers({ viewer, controls: layerUi, store, replayGet, redraw });
  await layers.updateDomes();
  const timeline = bindClock({ viewer, controls: timeUi, scene, summary, redraw });
  bindPicking({ viewer, store, details, list, summary, scene, replayGet, timeline, labelsShown: layers.labelsShown, redraw });
  fillKeyEvents(eventsPanel, keyEvents.events, timeline.setTime);
  frameExtent(viewer, scene.extent);
  await layers.applyToggles();
  redraw.now();

  const entityCount = store.byKey.size; // before the wait, in which battery tracks may be switched on
  await untilDrawn(viewer, redraw);
  setStatus("ready", `ready · ${entityCount} entities`);
  root.dataset.ready = "1";
  window.__samsim = testHooks(viewer, rid, store.byKey);

  return {
    destroy() {
      window.__samsim = undefined;
      if (!viewer.isDestroyed()) viewer.destroy();
    },
  };
}
