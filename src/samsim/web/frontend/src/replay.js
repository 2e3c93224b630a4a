// 3-D replay of one run with CesiumJS: the globe with borders and place names, batteries, radars with
// their coverage, assets, threat and interceptor trajectories coloured by side and fate, kill / leak /
// miss markers, names placed so they never overlap, jam strobes and destroyed radars; a time bar;
// and side panels for the run, the entity chosen, the layers, the list of entities and the key events
// (which follow the clock). The parts are in ./replay/; this composes them.
import * as Cesium from "cesium";
import { get, post } from "./api.js";
import { h, setStatus } from "./ui.js";
import { drawBasemap, loadBasemap } from "./replay/basemap.js";
import { toSeconds } from "./replay/convert.js";
import { addEntities } from "./replay/entities.js";
import { createLabelLayer } from "./replay/labels.js";
import { bindLayers, layerControls } from "./replay/layers.js";
import { legendPanel } from "./replay/legend.js";
import { bindPicking, detailsPanel, entityListPanel } from "./replay/picking.js";
import { runInfoPanel } from "./replay/run-info.js";
import { addScaleBar } from "./replay/scalebar.js";
import { addStrobes } from "./replay/strobes.js";
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
function testHooks({ viewer, rid, store, labels, basemap, scaleBar, strobes }) {
  const clock = viewer.clock;
  const toWindow = (p) => {
    const w = p && Cesium.SceneTransforms.worldToWindowCoordinates(viewer.scene, p);
    if (!w) return null;
    const r = viewer.canvas.getBoundingClientRect();
    return { x: r.left + w.x, y: r.top + w.y };
  };
  return {
    viewer,
    Cesium,
    replay: rid,
    entityKeys: () => [...store.byKey.keys()],
    timeS: () => toSeconds(clock.currentTime),
    screenPositionOf(key) {
      const e = store.byKey.get(key);
      if (!e || !e.isAvailable(clock.currentTime)) return null;
      return toWindow(e.position.getValue(clock.currentTime));
    },
    // Labels drawn in the last frame: key, kind, text, the rectangle planned and the box Cesium drew.
    labelBoxes: () => labels.boxes(),
    basemap: () => (basemap ? { ...basemap.counts, linesShown: basemap.lines.show } : null),
    // Per radar: dome and ring radii (m) and the ring's height, as drawn; band and RCS sized for.
    coverage: () => Object.fromEntries(store.coverage),
    // What each layer toggle currently shows.
    layerState: () => ({
      domes: store.layers.domes.filter((p) => p.show).length,
      footprints: store.layers.footprints.show ? store.layers.footprints.length : 0,
      rings: store.layers.rings.show ? store.layers.rings.length : 0,
      routes: Boolean(store.layers.routes && store.layers.routes.show),
      trails: store.layers.trails.filter((e) => e.path && e.path.show.getValue()).length,
      tracks: store.layers.tracks.filter((e) => e.show).length,
      borders: Boolean(basemap && basemap.lines.show),
    }),
    scaleBar: () => ({ ...scaleBar.element.dataset, hidden: scaleBar.element.hidden }),
    // Jam strobes drawn at the clock's time, and the destroyed-radar crosses shown.
    strobes: () => strobes.state(clock.currentTime),
    // Draw a frame now and resolve after it (labels are placed before every frame).
    frame: () =>
      new Promise((resolve) => {
        const remove = viewer.scene.postRender.addEventListener(() => {
          remove();
          resolve();
        });
        viewer.scene.requestRender();
      }),
  };
}

export async function mountReplay(root, info, route) {
  // Load times of the steps, read by tests/web/measure_replay.py.
  const timings = (window.__samsimTimings = {});
  const mark = (step) => (timings[step] = Math.round(performance.now()));
  // In parallel with the run's data; a failure only loses the base map.
  const basemapData = loadBasemap().then(
    (data) => (mark("basemapData"), data),
    (err) => err,
  );
  const { rid, origin } = await replayOf(root, route);
  const replayGet = (path, params) => get(`/api/replays/${encodeURIComponent(rid)}/${path}`, params);
  const [scene, summary, traj, markerData, keyEvents, domes, ew] = await Promise.all([
    replayGet("scene"),
    replayGet("summary"),
    replayGet("trajectories", { kind: ["threat", "interceptor"] }),
    replayGet("markers"),
    replayGet("events", { kind: KEY_EVENTS, limit: 5000 }),
    replayGet("domes", { rcs_m2: 1, alt_agl_m: 100 }),
    replayGet("strobes"),
  ]);
  mark("data");

  // The page is laid out before the viewer is made: Cesium sizes its canvas from its container.
  const globe = h("div", { class: "globe", id: "globe", "data-testid": "globe" });
  const legend = legendPanel();
  const globeWrap = h("div", { class: "globe-wrap" }, globe, legend);
  const details = detailsPanel();
  const layerUi = layerControls(domes.targets || []);
  const list = entityListPanel();
  const eventsPanel = keyEventsPanel(keyEvents.total);
  const timeUi = timeControls();
  root.append(
    h(
      "div",
      { class: "replay" },
      globeWrap,
      h("aside", { class: "side" }, runInfoPanel(summary, scene, origin), details, layerUi.element, list, eventsPanel),
      timeUi.element,
    ),
  );

  const viewer = makeViewer(globe);
  const redraw = redrawer(viewer);
  // Everything drawn over the globe but the entities, in one collection: hidden while the globe's
  // tiles load (see below).
  const overlay = viewer.scene.primitives.add(new Cesium.PrimitiveCollection({ destroyPrimitives: true }));
  const labels = createLabelLayer(viewer, overlay);
  const store = addEntities(viewer, overlay, labels, { scene, summary, traj, markers: markerData.markers }, layerUi.show);
  store.setCoverage(domes.radars);
  const strobes = addStrobes(viewer, overlay, ew, scene.time?.stop_s ?? summary.duration_s ?? 0);
  frameExtent(viewer, scene.extent);
  mark("entities");
  // The globe starts loading its tiles now; the base map and the panels are added meanwhile. A tile
  // takes a few frames to load, and in software rendering each frame costs what is drawn: the
  // overlay is drawn from the first frame after the tiles are in.
  let pageBuilt = false;
  overlay.show = false;
  const drawn = untilDrawn(viewer, timings, () => pageBuilt, () => (overlay.show = true));
  const geo = await basemapData;
  let basemap = null;
  if (geo instanceof Error) console.warn(`base map not loaded: ${geo.message}`);
  else basemap = drawBasemap(overlay, labels, geo, scene.extent, layerUi.show.places);
  mark("basemap");
  const layers = bindLayers({ controls: layerUi, store, basemap, replayGet, redraw });
  const timeline = bindClock({ viewer, controls: timeUi, scene, summary, redraw });
  bindPicking({ viewer, store, labels, details, list, summary, scene, replayGet, timeline, redraw });
  timeline.onTime(fillKeyEvents(eventsPanel, keyEvents.events, timeline.setTime));
  timeline.onTime(strobes.setTime);
  const scaleBar = addScaleBar(viewer, globeWrap);
  for (const el of [legend, scaleBar.element, globe.querySelector(".credits")]) if (el) labels.addObstacle(el);
  await layers.applyToggles();
  const entityCount = store.byKey.size; // before the wait, in which battery tracks may be switched on
  pageBuilt = true;
  await drawn;
  scaleBar.update();
  mark("drawn");
  setStatus("ready", `ready · ${entityCount} entities`);
  root.dataset.ready = "1";
  window.__samsim = testHooks({ viewer, rid, store, labels, basemap, scaleBar, strobes });

  return {
    destroy() {
      window.__samsim = undefined;
      scaleBar.destroy();
      labels.destroy();
      if (!viewer.isDestroyed()) viewer.destroy();
    },
  };
}
