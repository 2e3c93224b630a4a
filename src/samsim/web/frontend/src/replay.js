// 3-D replay of one run with CesiumJS, fully offline: Natural Earth II imagery shipped inside the
// cesium package, an ellipsoid globe (no terrain server), no Ion token. Batteries, radars with
// detection domes, assets, threat and interceptor trajectories coloured by side and fate, kill /
// leak / miss markers, a time slider, and a details panel for the entity clicked.
import * as Cesium from "cesium";
import "cesium/Build/Cesium/Widgets/widgets.css";
import { get, post } from "./api.js";
import { colourOf, fmtClock, fmtNum, fmtS, h, setStatus } from "./ui.js";

const EPOCH = Cesium.JulianDate.fromIso8601("2000-01-01T00:00:00Z");
const toJulian = (s) => Cesium.JulianDate.addSeconds(EPOCH, s, new Cesium.JulianDate());
const toSeconds = (jd) => Cesium.JulianDate.secondsDifference(jd, EPOCH);

const KEY_EVENTS = ["track_confirm", "track_drop", "assign", "launch", "intercept", "miss", "self_destruct", "kill", "leak"];
const ROLE_COLOURS = { acquisition: "#74c0fc", engagement: "#ff922b", "low-altitude": "#69db7c" };
const MARKER_STYLE = {
  kill: { colour: "#ffa94d", shape: "cross", label: "kill" },
  leak: { colour: "#ff3b30", shape: "diamond", label: "leak" },
  miss: { colour: "#adb5bd", shape: "ring", label: "miss" },
  self_destruct: { colour: "#b197fc", shape: "ring", label: "self-destruct" },
};
const RCS_CHOICES = [0.01, 0.1, 0.5, 1, 2, 5, 10];
const SPEEDS = [1, 5, 10, 30, 60, 120];
// Entity kinds that are areas or volumes: a click goes through them to what is inside.
const AREA_KINDS = new Set(["dome", "ring", "area", "route"]);

function markerIcon(shape, css) {
  const c = document.createElement("canvas");
  c.width = c.height = 28;
  const g = c.getContext("2d");
  g.lineWidth = 4;
  g.strokeStyle = "#000";
  const draw = () => {
    g.beginPath();
    if (shape === "cross") {
      g.moveTo(6, 6);
      g.lineTo(22, 22);
      g.moveTo(22, 6);
      g.lineTo(6, 22);
    } else if (shape === "diamond") {
      g.moveTo(14, 3);
      g.lineTo(25, 14);
      g.lineTo(14, 25);
      g.lineTo(3, 14);
      g.closePath();
    } else {
      g.arc(14, 14, 9, 0, 2 * Math.PI);
    }
    g.stroke();
  };
  draw();
  g.lineWidth = 2.5;
  g.strokeStyle = css;
  draw();
  if (shape === "diamond") {
    g.fillStyle = css;
    g.globalAlpha = 0.6;
    g.fill();
  }
  return c.toDataURL("image/png");
}

function colour(css, alpha = 1) {
  return Cesium.Color.fromCssColorString(css).withAlpha(alpha);
}

function makeViewer(container) {
  // No Ion: no token, no default Bing imagery, no geocoder; everything below loads from /cesium/.
  Cesium.Ion.defaultAccessToken = "";
  const viewer = new Cesium.Viewer(container, {
    baseLayer: Cesium.ImageryLayer.fromProviderAsync(
      Cesium.TileMapServiceImageryProvider.fromUrl(Cesium.buildModuleUrl("Assets/Textures/NaturalEarthII")),
    ),
    terrainProvider: new Cesium.EllipsoidTerrainProvider(),
    animation: false,
    timeline: false,
    baseLayerPicker: false,
    fullscreenButton: false,
    geocoder: false,
    homeButton: false,
    infoBox: false,
    sceneModePicker: false,
    selectionIndicator: false,
    navigationHelpButton: false,
    projectionPicker: false,
    vrButton: false,
    shouldAnimate: false,
    // Render only when something changes: software WebGL (SwiftShader) is slow.
    requestRenderMode: true,
    maximumRenderTimeChange: 0.0,
  });
  viewer.scene.globe.enableLighting = false;
  viewer.scene.globe.depthTestAgainstTerrain = false;
  viewer.scene.fog.enabled = false;
  return viewer;
}

function sampledPosition(rec) {
  const prop = new Cesium.SampledPositionProperty();
  const times = rec.t.map(toJulian);
  const positions = rec.t.map((_, i) => Cesium.Cartesian3.fromDegrees(rec.lon[i], rec.lat[i], rec.alt[i]));
  prop.addSamples(times, positions);
  return { prop, times, positions };
}

function thin(array, maxPoints) {
  if (array.length <= maxPoints) return array;
  const step = Math.ceil(array.length / maxPoints);
  const out = array.filter((_, i) => i % step === 0);
  if (out[out.length - 1] !== array[array.length - 1]) out.push(array[array.length - 1]);
  return out;
}

export async function mountReplay(root, info, route) {
  let rid = route.rid;
  let origin = null;
  if (!rid) {
    setStatus("loading", `re-simulating run ${route.run}…`);
    root.append(h("p", { class: "empty", "data-testid": "resimulating" }, `Re-simulating run ${route.run} of group ${route.group}…`));
    const res = await post(`/api/study/runs/${encodeURIComponent(route.group)}/${encodeURIComponent(route.run)}/replay`);
    rid = res.replay;
    origin = res;
    root.replaceChildren();
  }
  const base = `/api/replays/${encodeURIComponent(rid)}`;
  const [scene, summary, traj, markerData, keyEvents] = await Promise.all([
    get(`${base}/scene`),
    get(`${base}/summary`),
    get(`${base}/trajectories`, { kind: ["threat", "interceptor"] }),
    get(`${base}/markers`),
    get(`${base}/events`, { kind: KEY_EVENTS, limit: 5000 }),
  ]);

  // ---- layout ---------------------------------------------------------------------------------
  const globeEl = h("div", { class: "globe", id: "globe", "data-testid": "globe" });
  const legend = h("div", { class: "legend", "data-testid": "legend" });
  const details = h("section", { class: "panel details", "data-testid": "details" }, h("p", { class: "muted" }, "Click a threat, an interceptor or a site on the globe or in the list."));
  const playBtn = h("button", { type: "button", class: "play", "data-testid": "play" }, "Play");
  const speedSel = h("select", { "data-testid": "speed", title: "Simulated seconds per second" }, SPEEDS.map((s) => h("option", { value: s, selected: s === 30 }, `${s}×`)));
  const slider = h("input", { type: "range", class: "slider", "data-testid": "time-slider", "aria-label": "Simulation time", step: "0.1" });
  const clockEl = h("span", { class: "clock", "data-testid": "clock" }, "T+0.0 s");
  const rcsSel = h("select", { "data-testid": "rcs" }, RCS_CHOICES.map((v) => h("option", { value: v, selected: v === 1 }, `${v} m²`)));
  const altInput = h("input", { type: "number", min: "0", max: "30000", step: "50", value: "100", "data-testid": "ring-alt", class: "num" });
  const toggles = {};
  const toggle = (key, label, on) => {
    const box = h("input", { type: "checkbox", checked: on, "data-testid": `toggle-${key}` });
    toggles[key] = box;
    return h("label", { class: "toggle" }, box, ` ${label}`);
  };
  const tot = summary.totals || {};
  const title = origin
    ? `Run ${origin.run} of group ${origin.group} (seed ${origin.seed ?? summary.seed}), re-simulated`
    : `${summary.scenario} · seed ${summary.seed}`;
  const runInfo = h(
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
  const layers = h(
    "section",
    { class: "panel layers" },
    h("h3", {}, "Layers"),
    h("div", { class: "row wrap" }, h("label", { class: "field" }, "target RCS", rcsSel), h("label", { class: "field" }, "ring height", altInput, "m AGL")),
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
  const list = h("section", { class: "panel list", "data-testid": "entity-list" }, h("h3", {}, "Threats and interceptors"));
  const eventsPanel = h("section", { class: "panel events", "data-testid": "key-events" }, h("h3", {}, `Key events (${keyEvents.total})`));
  root.append(
    h(
      "div",
      { class: "replay" },
      h("div", { class: "globe-wrap" }, globeEl, legend),
      h("aside", { class: "side" }, runInfo, details, layers, list, eventsPanel),
      h("div", { class: "timebar" }, playBtn, speedSel, slider, clockEl),
    ),
  );

  // ---- viewer ---------------------------------------------------------------------------------
  const viewer = makeViewer(globeEl);
  const entities = viewer.entities;
  const requestRender = () => viewer.scene.requestRender();
  // Labels and billboards reach the GPU a few frames after they change; in request-render mode,
  // keep drawing for a moment so they do not stay half drawn.
  let settleTimer = null;
  const settle = () => {
    requestRender();
    let n = 0;
    clearInterval(settleTimer);
    settleTimer = setInterval(() => {
      if (viewer.isDestroyed() || ++n > 5) return clearInterval(settleTimer);
      requestRender();
    }, 200);
  };
  const byKey = new Map(); // "kind:id" -> entity
  const groups = { routes: [], trails: [], labels: [], domes: [], rings: [], tracks: [] };
  const domeEntities = new Map();
  const ringEntities = new Map();
  const add = (spec, kind, id) => {
    const entity = entities.add({ ...spec, properties: { samsimId: id, samsimKind: kind } });
    if (!AREA_KINDS.has(kind) && kind !== "marker") byKey.set(`${kind}:${id}`, entity);
    return entity;
  };

  entities.suspendEvents();
  // Assets: the leak radius on the ground.
  for (const a of scene.assets || []) {
    const pos = Cesium.Cartesian3.fromDegrees(a.lon_deg, a.lat_deg, a.alt_m);
    add(
      {
        id: `area:${a.id}`,
        position: pos,
        ellipse: {
          semiMajorAxis: a.radius_m,
          semiMinorAxis: a.radius_m,
          height: a.alt_m,
          material: colour("#51cf66", 0.25),
          outline: true,
          outlineColor: colour("#51cf66", 0.9),
        },
      },
      "area",
      a.id,
    );
    add(
      {
        id: `asset:${a.id}`,
        position: pos,
        point: { pixelSize: 10, color: colour("#51cf66"), outlineColor: Cesium.Color.BLACK, outlineWidth: 2, disableDepthTestDistance: Number.POSITIVE_INFINITY },
        label: { text: a.id, font: "13px sans-serif", fillColor: colour("#d3f9d8"), showBackground: true, backgroundColor: colour("#000", 0.5), pixelOffset: new Cesium.Cartesian2(0, 18), disableDepthTestDistance: Number.POSITIVE_INFINITY },
      },
      "asset",
      a.id,
    );
  }
  // Batteries and their radars, with a detection dome and a coverage ring per radar.
  for (const b of scene.batteries || []) {
    add(
      {
        id: `battery:${b.id}`,
        position: Cesium.Cartesian3.fromDegrees(b.lon_deg, b.lat_deg, b.alt_m),
        point: { pixelSize: 13, color: Cesium.Color.WHITE, outlineColor: colour("#1c7ed6"), outlineWidth: 3, disableDepthTestDistance: Number.POSITIVE_INFINITY },
        label: { text: b.id, font: "bold 13px sans-serif", fillColor: Cesium.Color.WHITE, showBackground: true, backgroundColor: colour("#1c3d5a", 0.8), pixelOffset: new Cesium.Cartesian2(0, -20), disableDepthTestDistance: Number.POSITIVE_INFINITY },
      },
      "battery",
      b.id,
    );
    for (const r of b.radars || []) {
      const rid2 = `${b.id}/${r.id}`;
      const css = ROLE_COLOURS[r.role] || "#e599f7";
      const pos = Cesium.Cartesian3.fromDegrees(r.lon_deg, r.lat_deg, r.alt_m);
      const radarLabel = add(
        {
          id: `radar:${rid2}`,
          position: pos,
          point: { pixelSize: 7, color: colour(css), outlineColor: Cesium.Color.BLACK, outlineWidth: 1, disableDepthTestDistance: Number.POSITIVE_INFINITY },
          label: { text: r.type || r.id, show: false, font: "11px sans-serif", fillColor: colour(css), pixelOffset: new Cesium.Cartesian2(0, 14), disableDepthTestDistance: Number.POSITIVE_INFINITY },
        },
        "radar",
        rid2,
      );
      groups.labels.push(radarLabel);
      const dome = add(
        {
          id: `dome:${rid2}`,
          position: pos,
          ellipsoid: {
            radii: new Cesium.Cartesian3(1, 1, 1),
            maximumCone: Cesium.Math.PI_OVER_TWO,
            material: colour(css, 0.06),
            outline: true,
            outlineColor: colour(css, 0.35),
            slicePartitions: 24,
            stackPartitions: 12,
          },
        },
        "dome",
        rid2,
      );
      domeEntities.set(rid2, dome);
      groups.domes.push(dome);
      const ring = add(
        {
          id: `ring:${rid2}`,
          position: pos,
          show: false,
          ellipse: { semiMajorAxis: 1, semiMinorAxis: 1, height: r.alt_m, fill: false, outline: true, outlineColor: colour(css, 0.9) },
        },
        "ring",
        rid2,
      );
      ringEntities.set(rid2, ring);
      groups.rings.push(ring);
    }
  }
  // Threats and interceptors.
  const pathOf = new Map();
  for (const rec of traj.entities) {
    if (!rec.t.length) continue;
    const kind = rec.kind;
    const css = colourOf(kind, rec.fate);
    const { prop, times, positions } = sampledPosition(rec);
    pathOf.set(`${kind}:${rec.id}`, rec);
    const e = add(
      {
        id: `${kind}:${rec.id}`,
        name: rec.id,
        availability: new Cesium.TimeIntervalCollection([new Cesium.TimeInterval({ start: times[0], stop: times[times.length - 1] })]),
        position: prop,
        point: { pixelSize: kind === "threat" ? 9 : 7, color: colour(css), outlineColor: Cesium.Color.BLACK, outlineWidth: 1, disableDepthTestDistance: Number.POSITIVE_INFINITY },
        path: { leadTime: 0, trailTime: kind === "threat" ? 240 : 120, width: 2, resolution: 2, material: colour(css, 0.9) },
        label: { text: rec.id, show: false, font: "12px sans-serif", fillColor: Cesium.Color.WHITE, showBackground: true, backgroundColor: colour("#000", 0.55), pixelOffset: new Cesium.Cartesian2(0, -16), disableDepthTestDistance: Number.POSITIVE_INFINITY },
      },
      kind,
      rec.id,
    );
    groups.trails.push(e);
    groups.labels.push(e);
    if (positions.length > 1) {
      groups.routes.push(
        add(
          {
            id: `route:${kind}:${rec.id}`,
            polyline: { positions: thin(positions, 300), width: 1, arcType: Cesium.ArcType.NONE, material: colour(css, kind === "threat" ? 0.35 : 0.5) },
          },
          "route",
          rec.id,
        ),
      );
    }
  }
  // Kill, leak, miss and self-destruct markers, shown from the moment they happen.
  const stop = scene.time?.stop_s ?? summary.duration_s ?? 0;
  for (const [i, m] of (markerData.markers || []).entries()) {
    const style = MARKER_STYLE[m.kind];
    if (!style) continue;
    add(
      {
        id: `marker:${i}:${m.kind}:${m.threat ?? m.interceptor}`,
        availability: new Cesium.TimeIntervalCollection([new Cesium.TimeInterval({ start: toJulian(m.time_s), stop: toJulian(Math.max(stop, m.time_s)) })]),
        position: Cesium.Cartesian3.fromDegrees(m.lon_deg, m.lat_deg, m.alt_m),
        billboard: { image: markerIcon(style.shape, style.colour), width: 20, height: 20, disableDepthTestDistance: Number.POSITIVE_INFINITY },
      },
      "marker",
      m.kind === "kill" || m.kind === "leak" ? m.threat : m.interceptor,
    );
  }
  entities.resumeEvents();

  // ---- legend ---------------------------------------------------------------------------------
  const swatch = (css, text, shape) =>
    h("li", {}, shape ? h("img", { src: markerIcon(shape, css), alt: "", class: "icon" }) : h("span", { class: "dot", style: `background:${css}` }), text);
  legend.append(
    h(
      "ul",
      {},
      swatch(colourOf("threat", "leaked"), "threat, leaked"),
      swatch(colourOf("threat", "killed"), "threat, killed"),
      swatch(colourOf("threat", "survived"), "threat, survived"),
      swatch(colourOf("interceptor", "kill"), "interceptor, kill"),
      swatch(colourOf("interceptor", "miss"), "interceptor, miss"),
      swatch(colourOf("interceptor", "self-destruct"), "interceptor, self-destruct"),
      swatch(MARKER_STYLE.kill.colour, "kill", "cross"),
      swatch(MARKER_STYLE.leak.colour, "leak", "diamond"),
      swatch(MARKER_STYLE.miss.colour, "miss / self-destruct", "ring"),
    ),
  );

  // ---- domes ----------------------------------------------------------------------------------
  async function updateDomes() {
    const res = await get(`${base}/domes`, { rcs_m2: rcsSel.value, alt_agl_m: altInput.value || 0 });
    for (const d of res.radars) {
      const dome = domeEntities.get(d.id);
      if (dome) dome.ellipsoid.radii = new Cesium.Cartesian3(d.range_m, d.range_m, d.range_m);
      const ring = ringEntities.get(d.id);
      if (ring) {
        ring.ellipse.semiMajorAxis = d.ring_range_m;
        ring.ellipse.semiMinorAxis = d.ring_range_m;
        ring.ellipse.height = d.ring_alt_m;
      }
    }
    settle();
  }
  rcsSel.addEventListener("change", updateDomes);
  altInput.addEventListener("change", updateDomes);
  await updateDomes();

  // ---- layer toggles --------------------------------------------------------------------------
  let tracksLoaded = false;
  async function applyToggles() {
    for (const e of groups.domes) e.show = toggles.domes.checked;
    for (const e of groups.rings) e.show = toggles.rings.checked;
    for (const e of groups.routes) e.show = toggles.routes.checked;
    for (const e of groups.trails) if (e.path) e.path.show = toggles.trails.checked;
    for (const e of groups.labels) if (e.label) e.label.show = toggles.labels.checked || e === viewer.selectedEntity;
    if (toggles.tracks.checked && !tracksLoaded) {
      tracksLoaded = true;
      const res = await get(`${base}/trajectories`, { kind: "track" });
      entities.suspendEvents();
      for (const rec of res.entities) {
        if (!rec.t.length) continue;
        const { prop, times } = sampledPosition(rec);
        groups.tracks.push(
          add(
            {
              id: `track:${rec.id}`,
              availability: new Cesium.TimeIntervalCollection([new Cesium.TimeInterval({ start: times[0], stop: times[times.length - 1] })]),
              position: prop,
              point: { pixelSize: 5, color: colour("#e9ecef", 0.9), outlineColor: Cesium.Color.BLACK, outlineWidth: 1, disableDepthTestDistance: Number.POSITIVE_INFINITY },
            },
            "track",
            rec.id,
          ),
        );
      }
      entities.resumeEvents();
    }
    for (const e of groups.tracks) e.show = toggles.tracks.checked;
    settle();
  }
  for (const box of Object.values(toggles)) box.addEventListener("change", applyToggles);

  // ---- clock and time controls ----------------------------------------------------------------
  const t0 = scene.time?.start_s ?? 0;
  const t1 = Math.max(scene.time?.stop_s ?? summary.duration_s ?? 1, t0 + 1);
  const clock = viewer.clock;
  clock.startTime = toJulian(t0);
  clock.stopTime = toJulian(t1);
  clock.currentTime = toJulian(t0);
  clock.clockRange = Cesium.ClockRange.CLAMPED;
  clock.multiplier = Number(speedSel.value);
  clock.shouldAnimate = false;
  slider.min = String(t0);
  slider.max = String(t1);
  slider.value = String(t0);
  let shownTime = null;
  const updateClockUi = () => {
    const now = toSeconds(clock.currentTime);
    if (shownTime !== null && Math.abs(now - shownTime) < 0.05) return;
    shownTime = now;
    clockEl.textContent = fmtClock(now);
    clockEl.dataset.seconds = now.toFixed(1);
    if (document.activeElement !== slider) slider.value = String(now);
    if (clock.shouldAnimate && now >= t1 - 1e-6) setPlaying(false);
  };
  const setPlaying = (on) => {
    clock.shouldAnimate = on;
    playBtn.textContent = on ? "Pause" : "Play";
    playBtn.dataset.playing = on ? "1" : "0";
    requestRender();
  };
  const setTime = (s) => {
    clock.currentTime = toJulian(Math.min(Math.max(s, t0), t1));
    updateClockUi();
    settle();
  };
  clock.onTick.addEventListener(updateClockUi);
  playBtn.addEventListener("click", () => {
    if (!clock.shouldAnimate && toSeconds(clock.currentTime) >= t1 - 1e-6) setTime(t0);
    setPlaying(!clock.shouldAnimate);
  });
  speedSel.addEventListener("change", () => {
    clock.multiplier = Number(speedSel.value);
  });
  slider.addEventListener("input", () => setTime(Number(slider.value)));
  updateClockUi();

  // ---- selection and details ------------------------------------------------------------------
  let detailToken = 0;
  let highlighted = null;
  function highlight(entity) {
    if (highlighted && highlighted.point) {
      highlighted.point.pixelSize = highlighted.__size;
      if (highlighted.label) highlighted.label.show = toggles.labels.checked;
    }
    highlighted = entity && entity.point ? entity : null;
    if (highlighted) {
      highlighted.__size = highlighted.__size ?? highlighted.point.pixelSize.getValue(clock.currentTime);
      highlighted.point.pixelSize = highlighted.__size + 6;
      if (highlighted.label) highlighted.label.show = true;
    }
    settle();
  }
  const eventRow = (ev) =>
    h(
      "tr",
      { class: `ev ${ev.kind}`, title: `${ev.detail ? ev.detail + " · " : ""}go to this time`, onclick: () => setTime(ev.time_s) },
      h("td", { class: "num" }, fmtNum(ev.time_s, 1)),
      h("td", {}, ev.kind),
      h("td", {}, [ev.battery, ev.radar].filter(Boolean).join("/") || ""),
      h("td", {}, ev.threat || ev.track || ""),
      h("td", {}, ev.interceptor || ""),
      h("td", { class: "detail" }, ev.detail || ""),
    );
  const dl = (pairs) =>
    h(
      "dl",
      {},
      pairs.filter(([, v]) => v !== undefined).flatMap(([k, v, attrs]) => [h("dt", {}, k), h("dd", attrs || {}, v === null || v === "" ? "—" : v)]),
    );
  async function showDetails(entity) {
    const token = ++detailToken;
    if (!entity || !entity.properties) {
      details.replaceChildren(h("p", { class: "muted" }, "Click a threat, an interceptor or a site on the globe or in the list."));
      return;
    }
    const id = entity.properties.samsimId.getValue();
    const kind = entity.properties.samsimKind.getValue();
    details.replaceChildren(h("h3", { "data-testid": "detail-title" }, id), h("p", { class: "muted" }, "loading…"));
    let d;
    try {
      d = await get(`${base}/entity`, { id });
    } catch (err) {
      if (token === detailToken) details.replaceChildren(h("h3", {}, id), h("p", { class: "note" }, err.message));
      return;
    }
    if (token !== detailToken) return;
    const rows = [["kind", kind === "threat" && d.category ? `threat (${d.category})` : d.kind]];
    if (d.type !== undefined) rows.push(["type", d.type]);
    if (d.kind === "threat") {
      rows.push(
        ["group", d.group ?? null],
        ["target", d.target ?? null],
        ["fate", d.fate, { class: `fate ${d.fate}`, "data-testid": "detail-fate" }],
        ["at", fmtS(d.fate_s)],
        ["first detected", fmtS(d.first_detected_s), { "data-testid": "detail-detected" }],
        ["at range", d.first_detected_range_m === undefined || d.first_detected_range_m === null ? undefined : `${fmtNum(d.first_detected_range_m / 1000, 1)} km`],
        ["first firm track", fmtS(d.first_track_s), { "data-testid": "detail-track" }],
        ["shots at it", d.shots],
        ["killed by", d.killed_by ?? null],
      );
    } else if (d.kind === "interceptor") {
      rows.push(
        ["battery", d.battery],
        ["target", d.target],
        ["result", d.result ?? null, { class: `fate ${d.result}`, "data-testid": "detail-fate" }],
        ["launched", fmtS(d.launch_s)],
        ["ended", fmtS(d.end_s)],
        ["miss distance", d.miss_distance_m === null || d.miss_distance_m === undefined ? null : `${fmtNum(d.miss_distance_m, 1)} m`],
        ["planned Pk", d.planned_pk === undefined ? undefined : fmtNum(d.planned_pk, 2)],
        ["planned intercept", d.pip_range_m === undefined || d.pip_range_m === null ? undefined : `${fmtNum(d.pip_range_m / 1000, 1)} km, ${fmtNum(d.pip_alt_m, 0)} m alt`],
      );
    } else if (d.kind === "battery") {
      rows.push(["system", d.system], ["weapons", d.weapons], ["launchers", d.launchers], ["loaded", Object.entries(d.loaded || {}).map(([k, v]) => `${v} × ${k}`).join(", ")], ["radars", (d.radars || []).join(", ")]);
    } else if (d.kind === "radar") {
      rows.push(
        ["battery", d.battery],
        ["role", d.role],
        ["reference", `${fmtNum(d.ref_range_m / 1000, 0)} km on ${d.ref_rcs_m2} m² (Pd ${d.ref_pd})`],
        ["instrumented range", `${fmtNum(d.max_range_m / 1000, 0)} km`],
        ["antenna height", `${fmtNum(d.antenna_height_m, 0)} m`],
      );
    } else if (d.kind === "asset") {
      rows.push(["leak radius", `${fmtNum(d.radius_m, 0)} m`], ["value", d.value], ["threats aimed at it", (d.threats || []).length]);
    } else if (d.kind === "track") {
      rows.push(["battery", d.battery]);
    }
    if (d.sampled_from_s !== undefined) rows.push(["in the air", `${fmtNum(d.sampled_from_s, 1)} – ${fmtNum(d.sampled_to_s, 1)} s`]);
    const det = d.detections || { count: 0 };
    const children = [h("h3", { "data-testid": "detail-title" }, id), dl(rows)];
    if (det.count) {
      const by = Object.entries(det.by_radar || {}).map(([r, n]) => `${r} ${n}`).join(", ");
      children.push(h("p", { class: "muted", "data-testid": "detail-detections" }, `${det.count} detections, ${fmtNum(det.first_s, 1)}–${fmtNum(det.last_s, 1)} s (${by})`));
    }
    const jump = [];
    if (d.first_detected_s !== undefined && d.first_detected_s !== null) jump.push(h("button", { type: "button", onclick: () => setTime(d.first_detected_s) }, "go to first detection"));
    if (d.fate_s !== undefined && d.fate_s !== null) jump.push(h("button", { type: "button", onclick: () => setTime(Math.max(t0, d.fate_s - 1)) }, "go to fate"));
    if (d.launch_s !== undefined && d.launch_s !== null) jump.push(h("button", { type: "button", onclick: () => setTime(d.launch_s) }, "go to launch"));
    if (jump.length) children.push(h("div", { class: "row" }, jump));
    if (d.events && d.events.length) {
      children.push(
        h("h4", {}, `Events (${d.events_total})`),
        h("div", { class: "scroll" }, h("table", { class: "events", "data-testid": "detail-events" }, h("thead", {}, h("tr", {}, ["t s", "kind", "site", "threat/track", "interceptor", "detail"].map((c) => h("th", {}, c)))), h("tbody", {}, d.events.map(eventRow)))),
      );
    } else {
      children.push(h("p", { class: "muted" }, "No events besides detections."));
    }
    details.replaceChildren(...children);
    for (const li of list.querySelectorAll("li.selected")) li.classList.remove("selected");
    const li = list.querySelector(`li[data-key="${CSS.escape(`${kind}:${id}`)}"]`);
    if (li) li.classList.add("selected");
  }
  viewer.selectedEntityChanged.addEventListener((entity) => {
    highlight(entity);
    showDetails(entity);
  });
  // A click goes through domes, rings, areas and route lines to the first thing inside them.
  viewer.screenSpaceEventHandler.setInputAction((movement) => {
    const picks = viewer.scene.drillPick(movement.position, 12);
    let chosen;
    let fallback;
    for (const p of picks) {
      const e = p && p.id instanceof Cesium.Entity ? p.id : undefined;
      if (!e || !e.properties) continue;
      const kind = e.properties.samsimKind.getValue();
      if (AREA_KINDS.has(kind)) {
        fallback = fallback || byKey.get(`radar:${e.properties.samsimId.getValue()}`) || byKey.get(`asset:${e.properties.samsimId.getValue()}`);
        continue;
      }
      if (kind === "marker") {
        fallback = fallback || byKey.get(`threat:${e.properties.samsimId.getValue()}`) || byKey.get(`interceptor:${e.properties.samsimId.getValue()}`);
        continue;
      }
      chosen = e;
      break;
    }
    viewer.selectedEntity = chosen || fallback;
  }, Cesium.ScreenSpaceEventType.LEFT_CLICK);

  // ---- entity list ----------------------------------------------------------------------------
  const select = (key) => {
    const e = byKey.get(key);
    if (e) viewer.selectedEntity = e;
  };
  const listItems = [];
  for (const t of summary.threats || []) {
    listItems.push(
      h(
        "li",
        { "data-key": `threat:${t.id}`, onclick: () => select(`threat:${t.id}`) },
        h("span", { class: "dot", style: `background:${colourOf("threat", t.fate)}` }),
        h("span", { class: "id" }, t.id),
        h("span", { class: "muted" }, t.type),
        h("span", { class: `fate ${t.fate}` }, t.fate),
      ),
    );
  }
  for (const i of summary.interceptors || []) {
    listItems.push(
      h(
        "li",
        { "data-key": `interceptor:${i.id}`, onclick: () => select(`interceptor:${i.id}`) },
        h("span", { class: "dot", style: `background:${colourOf("interceptor", i.result)}` }),
        h("span", { class: "id" }, i.id),
        h("span", { class: "muted" }, `→ ${i.target}`),
        h("span", { class: `fate ${i.result}` }, i.result ?? "—"),
      ),
    );
  }
  for (const b of scene.batteries || []) {
    listItems.push(h("li", { "data-key": `battery:${b.id}`, onclick: () => select(`battery:${b.id}`) }, h("span", { class: "dot", style: "background:#fff" }), h("span", { class: "id" }, b.id), h("span", { class: "muted" }, b.system), h("span", {}, "battery")));
  }
  for (const a of scene.assets || []) {
    listItems.push(h("li", { "data-key": `asset:${a.id}`, onclick: () => select(`asset:${a.id}`) }, h("span", { class: "dot", style: "background:#51cf66" }), h("span", { class: "id" }, a.id), h("span", { class: "muted" }, `${fmtNum(a.radius_m / 1000, 1)} km`), h("span", {}, "asset")));
  }
  list.append(h("ul", { class: "entities" }, listItems));

  // ---- key events -----------------------------------------------------------------------------
  if (keyEvents.events.length) {
    eventsPanel.append(
      h("div", { class: "scroll tall" }, h("table", { class: "events compact" }, h("tbody", {}, keyEvents.events.map(eventRow)))),
    );
  } else {
    eventsPanel.append(h("p", { class: "muted" }, "No track, engagement or leak events."));
  }

  // ---- camera ---------------------------------------------------------------------------------
  const ext = scene.extent;
  if (ext) {
    const dLon = Math.max(ext.east - ext.west, 0.2);
    const dLat = Math.max(ext.north - ext.south, 0.2);
    const rect = Cesium.Rectangle.fromDegrees(ext.west - 0.08 * dLon, ext.south - 0.08 * dLat, ext.east + 0.08 * dLon, ext.north + 0.08 * dLat);
    const sphere = Cesium.BoundingSphere.fromRectangle3D(rect, Cesium.Ellipsoid.WGS84, 0);
    viewer.camera.viewBoundingSphere(sphere, new Cesium.HeadingPitchRange(0, -Cesium.Math.toRadians(55), sphere.radius * 1.7));
    viewer.camera.lookAtTransform(Cesium.Matrix4.IDENTITY);
  }
  await applyToggles();
  requestRender();

  // ---- ready: the globe's tiles are in and every entity is drawn ------------------------------
  const entityCount = byKey.size;
  await new Promise((resolve) => {
    const started = performance.now();
    const check = () => {
      if (viewer.isDestroyed()) return resolve();
      if ((viewer.scene.globe.tilesLoaded && viewer.dataSourceDisplay.ready) || performance.now() - started > 60000) return resolve();
      requestRender();
      setTimeout(check, 100);
    };
    check();
  });
  setStatus("ready", `ready · ${entityCount} entities`);
  root.dataset.ready = "1";

  // Hooks for end-to-end tests and for scripting from the browser console.
  window.__samsim = {
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

  return {
    destroy() {
      window.__samsim = undefined;
      if (!viewer.isDestroyed()) viewer.destroy();
    },
  };
}
