// What the globe shows: assets with their leak radius, batteries and their radars with a detection
// dome and a coverage ring each, threats and interceptors coloured by side and fate (a moving point,
// a trail and the full route), kill / leak / miss markers, and on request the batteries' tracks.
import * as Cesium from "cesium";
import { colourOf } from "../ui.js";
import { colour, toJulian } from "./convert.js";

const ROLE_COLOURS = { acquisition: "#74c0fc", engagement: "#ff922b", "low-altitude": "#69db7c" };
export const MARKER_STYLE = {
  kill: { colour: "#ffa94d", shape: "cross", label: "kill" },
  leak: { colour: "#ff3b30", shape: "diamond", label: "leak" },
  miss: { colour: "#adb5bd", shape: "ring", label: "miss" },
  self_destruct: { colour: "#b197fc", shape: "ring", label: "self-destruct" },
};
// Entity kinds that are areas or volumes: a click goes through them to what is inside.
export const AREA_KINDS = new Set(["dome", "ring", "area", "route"]);
const ON_TOP = Number.POSITIVE_INFINITY; // disableDepthTestDistance: never hidden by the globe

export function markerIcon(shape, css) {
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
  // A black outline under the colour, so that every symbol shows on any imagery.
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

function sampledPosition(rec) {
  const prop = new Cesium.SampledPositionProperty();
  const times = rec.t.map(toJulian);
  const positions = rec.t.map((_, i) => Cesium.Cartesian3.fromDegrees(rec.lon[i], rec.lat[i], rec.alt[i]));
  prop.addSamples(times, positions);
  return { prop, times, positions };
}

const during = (start, stop) => new Cesium.TimeIntervalCollection([new Cesium.TimeInterval({ start, stop })]);

function thin(array, maxPoints) {
  if (array.length <= maxPoints) return array;
  const step = Math.ceil(array.length / maxPoints);
  const out = array.filter((_, i) => i % step === 0);
  if (out[out.length - 1] !== array[array.length - 1]) out.push(array[array.length - 1]);
  return out;
}

// The entities of one run. Returns them by "kind:id" (what can be selected), by layer (what the
// layer toggles show and hide), the domes and rings by radar ("battery/radar"), and addTracks() for
// the batteries' tracks, which are loaded only when asked for.
export function addEntities(viewer, { scene, summary, traj, markers }) {
  const entities = viewer.entities;
  const byKey = new Map();
  const groups = { routes: [], trails: [], labels: [], domes: [], rings: [], tracks: [] };
  const domes = new Map();
  const rings = new Map();
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
        point: { pixelSize: 10, color: colour("#51cf66"), outlineColor: Cesium.Color.BLACK, outlineWidth: 2, disableDepthTestDistance: ON_TOP },
        label: { text: a.id, font: "13px sans-serif", fillColor: colour("#d3f9d8"), showBackground: true, backgroundColor: colour("#000", 0.5), pixelOffset: new Cesium.Cartesian2(0, 18), disableDepthTestDistance: ON_TOP },
      },
      "asset",
      a.id,
    );
  }
  // Batteries and their radars, with a detection dome and a coverage ring per radar; their sizes
  // depend on the target RCS and ring height chosen (layers.js).
  for (const b of scene.batteries || []) {
    add(
      {
        id: `battery:${b.id}`,
        position: Cesium.Cartesian3.fromDegrees(b.lon_deg, b.lat_deg, b.alt_m),
        point: { pixelSize: 13, color: Cesium.Color.WHITE, outlineColor: colour("#1c7ed6"), outlineWidth: 3, disableDepthTestDistance: ON_TOP },
        label: { text: b.id, font: "bold 13px sans-serif", fillColor: Cesium.Color.WHITE, showBackground: true, backgroundColor: colour("#1c3d5a", 0.8), pixelOffset: new Cesium.Cartesian2(0, -20), disableDepthTestDistance: ON_TOP },
      },
      "battery",
      b.id,
    );
    for (const r of b.radars || []) {
      const rid = `${b.id}/${r.id}`;
      const css = ROLE_COLOURS[r.role] || "#e599f7";
      const pos = Cesium.Cartesian3.fromDegrees(r.lon_deg, r.lat_deg, r.alt_m);
      const radar = add(
        {
          id: `radar:${rid}`,
          position: pos,
          point: { pixelSize: 7, color: colour(css), outlineColor: Cesium.Color.BLACK, outlineWidth: 1, disableDepthTestDistance: ON_TOP },
          label: { text: r.type || r.id, show: false, font: "11px sans-serif", fillColor: colour(css), pixelOffset: new Cesium.Cartesian2(0, 14), disableDepthTestDistance: ON_TOP },
        },
        "radar",
        rid,
      );
      groups.labels.push(radar);
      const dome = add(
        {
          id: `dome:${rid}`,
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
        rid,
      );
      domes.set(rid, dome);
      groups.domes.push(dome);
      const ring = add(
        {
          id: `ring:${rid}`,
          position: pos,
          show: false,
          ellipse: { semiMajorAxis: 1, semiMinorAxis: 1, height: r.alt_m, fill: false, outline: true, outlineColor: colour(css, 0.9) },
        },
        "ring",
        rid,
      );
      rings.set(rid, ring);
      groups.rings.push(ring);
    }
  }
  // Threats and interceptors.
  for (const rec of traj.entities) {
    if (!rec.t.length) continue;
    const kind = rec.kind;
    const css = colourOf(kind, rec.fate);
    const { prop, times, positions } = sampledPosition(rec);
    const e = add(
      {
        id: `${kind}:${rec.id}`,
        name: rec.id,
        availability: during(times[0], times[times.length - 1]),
        position: prop,
        point: { pixelSize: kind === "threat" ? 9 : 7, color: colour(css), outlineColor: Cesium.Color.BLACK, outlineWidth: 1, disableDepthTestDistance: ON_TOP },
        path: { leadTime: 0, trailTime: kind === "threat" ? 240 : 120, width: 2, resolution: 2, material: colour(css, 0.9) },
        label: { text: rec.id, show: false, font: "12px sans-serif", fillColor: Cesium.Color.WHITE, showBackground: true, backgroundColor: colour("#000", 0.55), pixelOffset: new Cesium.Cartesian2(0, -16), disableDepthTestDistance: ON_TOP },
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
  for (const [i, m] of (markers || []).entries()) {
    const style = MARKER_STYLE[m.kind];
    if (!style) continue;
    add(
      {
        id: `marker:${i}:${m.kind}:${m.threat ?? m.interceptor}`,
        availability: during(toJulian(m.time_s), toJulian(Math.max(stop, m.time_s))),
        position: Cesium.Cartesian3.fromDegrees(m.lon_deg, m.lat_deg, m.alt_m),
        billboard: { image: markerIcon(style.shape, style.colour), width: 20, height: 20, disableDepthTestDistance: ON_TOP },
      },
      "marker",
      m.kind === "kill" || m.kind === "leak" ? m.threat : m.interceptor,
    );
  }
  entities.resumeEvents();

  function addTracks(records) {
    entities.suspendEvents();
    for (const rec of records) {
      if (!rec.t.length) continue;
      const { prop, times } = sampledPosition(rec);
      groups.tracks.push(
        add(
          {
            id: `track:${rec.id}`,
            availability: during(times[0], times[times.length - 1]),
            position: prop,
            point: { pixelSize: 5, color: colour("#e9ecef", 0.9), outlineColor: Cesium.Color.BLACK, outlineWidth: 1, disableDepthTestDistance: ON_TOP },
          },
          "track",
          rec.id,
        ),
      );
    }
    entities.resumeEvents();
  }

  return { byKey, groups, domes, rings, addTracks };
}
