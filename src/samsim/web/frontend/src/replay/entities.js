// What the globe shows of the run: assets with their leak radius, batteries and their radars with a
// light detection dome, its footprint and a ring at altitude each; threats and interceptors coloured
// by side and fate (a moving point, a trail and the full route); kill / leak / miss markers; the names
// of sites, threat groups and (on request) every threat and interceptor; and on request the
// batteries' tracks.
//
// Things that move or are picked are entities. Things that stand still (discs, domes, circles, routes)
// are primitives made synchronously on the main thread: entity geometry is built in web workers,
// whose start-up alone took seconds of the replay's load time on a software-rendered browser.
import * as Cesium from "cesium";
import { MARKERS, PALETTE, colourOf } from "../palette.js";
import { colour, toJulian } from "./convert.js";
import { PRIORITY } from "./labels.js";
import { thinLines } from "./lines.js";

// Kinds that are areas, volumes or lines: a click goes through them to what is inside.
export const AREA_KINDS = new Set(["dome", "ring", "footprint", "area", "route"]);
const ON_TOP = Number.POSITIVE_INFINITY; // disableDepthTestDistance: never hidden by the globe
const CIRCLE_POINTS = 120;

// The kind and id of what a pick returned: an entity, or a primitive's {samsimKind, samsimId}.
export function pickedKindId(picked) {
  const id = picked && picked.id;
  if (id instanceof Cesium.Entity) {
    if (!id.properties || !id.properties.samsimKind) return null;
    return { kind: id.properties.samsimKind.getValue(), id: id.properties.samsimId.getValue(), entity: id };
  }
  if (id && typeof id === "object" && id.samsimKind) return { kind: id.samsimKind, id: id.samsimId, entity: null };
  return null;
}

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
    } else if (shape === "square") {
      g.rect(5, 5, 18, 18);
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

// Where a battery is: its site, or for one that moves (scene.json `moves`) a straight march from the
// old site to the new one between stowing and arriving. Its radars, domes and rings stay drawn at the
// first site.
function batteryPosition(b) {
  const site = (p) => Cesium.Cartesian3.fromDegrees(p.lon_deg, p.lat_deg, p.alt_m);
  if (!(b.moves || []).length) return site(b);
  const prop = new Cesium.SampledPositionProperty();
  prop.forwardExtrapolationType = Cesium.ExtrapolationType.HOLD;
  prop.backwardExtrapolationType = Cesium.ExtrapolationType.HOLD;
  let here = site(b);
  prop.addSample(toJulian(0), here);
  for (const m of b.moves) {
    prop.addSample(toJulian(m.stowed_s), here);
    here = site(m);
    prop.addSample(toJulian(m.arrived_s), here);
  }
  return prop;
}

const during = (start, stop) => new Cesium.TimeIntervalCollection([new Cesium.TimeInterval({ start, stop })]);

function thin(array, maxPoints) {
  if (array.length <= maxPoints) return array;
  const step = Math.ceil(array.length / maxPoints);
  const out = array.filter((_, i) => i % step === 0);
  if (out[out.length - 1] !== array[array.length - 1]) out.push(array[array.length - 1]);
  return out;
}

// A circle of `radius` metres around (lat, lon) at `height`, on the sphere (good to a few metres over
// the few hundred kilometres of a radar's reach).
export function circlePositions(latDeg, lonDeg, radius, height, n = CIRCLE_POINTS) {
  const R = 6371008.8;
  const lat1 = Cesium.Math.toRadians(latDeg);
  const lon1 = Cesium.Math.toRadians(lonDeg);
  const d = radius / R;
  const out = [];
  for (let i = 0; i <= n; i++) {
    const b = (2 * Math.PI * i) / n;
    const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b));
    const lon2 = lon1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
    out.push(Cesium.Cartesian3.fromRadians(lon2, lat2, height));
  }
  return out;
}

const translucentAppearance = () => new Cesium.PerInstanceColorAppearance({ flat: true, translucent: true, closed: false });
// A dome seen from outside: its inner faces are culled, which halves what a software renderer fills.
const domeAppearance = () =>
  new Cesium.PerInstanceColorAppearance({
    flat: true,
    translucent: true,
    renderState: { cull: { enabled: true, face: Cesium.CullFace.BACK }, depthTest: { enabled: true }, depthMask: false, blending: Cesium.BlendingState.ALPHA_BLEND },
  });

// A unit hemisphere at a radar, scaled to its detection range by its model matrix.
function domePrimitive(rid, pos, css) {
  const enu = Cesium.Transforms.eastNorthUpToFixedFrame(pos);
  return new Cesium.Primitive({
    geometryInstances: new Cesium.GeometryInstance({
      geometry: new Cesium.EllipsoidGeometry({ radii: new Cesium.Cartesian3(1, 1, 1), maximumCone: Cesium.Math.PI_OVER_TWO, slicePartitions: 48, stackPartitions: 16, vertexFormat: Cesium.PerInstanceColorAppearance.FLAT_VERTEX_FORMAT }),
      attributes: { color: Cesium.ColorGeometryInstanceAttribute.fromColor(colour(css, 0.07)) },
      id: { samsimKind: "dome", samsimId: rid },
    }),
    appearance: domeAppearance(),
    modelMatrix: enu,
    asynchronous: false,
    releaseGeometryInstances: true,
  });
}

// The entities and primitives of one run. Returns them by "kind:id" (what can be selected), by layer
// (what the layer toggles show and hide), setCoverage() for the domes' and rings' sizes, and
// addTracks() for the batteries' tracks, which are loaded only when asked for.
export function addEntities(viewer, primitives, labels, { scene, summary, traj, markers }, show) {
  const entities = viewer.entities;
  const byKey = new Map();
  const radarsById = new Map();
  const layers = {
    domes: [],
    footprints: primitives.add(new Cesium.PolylineCollection()),
    rings: primitives.add(new Cesium.PolylineCollection()),
    routes: null,
    areas: [],
    trails: [],
    tracks: [],
  };
  const add = (spec, kind, id) => {
    const entity = entities.add({ ...spec, properties: { samsimId: id, samsimKind: kind } });
    if (kind !== "marker") byKey.set(`${kind}:${id}`, entity);
    return entity;
  };
  const assetEdges = primitives.add(new Cesium.PolylineCollection());
  const fixed = (entity) => () => entity.position.getValue(Cesium.JulianDate.now());
  const moving = (entity) => (time) => (entity.isAvailable(time) ? entity.position.getValue(time) : undefined);

  entities.suspendEvents();
  // Assets: a point, the leak radius as a translucent disc with its edge.
  for (const a of scene.assets || []) {
    const pos = Cesium.Cartesian3.fromDegrees(a.lon_deg, a.lat_deg, a.alt_m);
    const disc = primitives.add(
      new Cesium.Primitive({
        geometryInstances: new Cesium.GeometryInstance({
          geometry: new Cesium.CircleGeometry({ center: pos, radius: a.radius_m, height: a.alt_m, vertexFormat: Cesium.PerInstanceColorAppearance.FLAT_VERTEX_FORMAT }),
          attributes: { color: Cesium.ColorGeometryInstanceAttribute.fromColor(colour(PALETTE.asset, 0.25)) },
          id: { samsimKind: "area", samsimId: a.id },
        }),
        appearance: translucentAppearance(),
        asynchronous: false,
      }),
    );
    layers.areas.push(disc);
    assetEdges.add({ positions: circlePositions(a.lat_deg, a.lon_deg, a.radius_m, a.alt_m, 60), width: 1.5, material: Cesium.Material.fromType("Color", { color: colour(PALETTE.asset, 0.9) }), id: { samsimKind: "area", samsimId: a.id } });
    const e = add({ id: `asset:${a.id}`, position: pos, point: { pixelSize: 10, color: colour(PALETTE.asset), outlineColor: Cesium.Color.BLACK, outlineWidth: 2, disableDepthTestDistance: ON_TOP } }, "asset", a.id);
    labels.add({ key: `asset:${a.id}`, text: a.id, kind: "asset", priority: PRIORITY.asset, position: fixed(e), symbolRadius: 7 });
  }
  // Batteries and their radars: a dome, its footprint on the ground and a ring at altitude per radar,
  // sized by setCoverage() from the server's answer for the chosen target RCS and height.
  for (const b of scene.batteries || []) {
    const e = add(
      { id: `battery:${b.id}`, position: batteryPosition(b), point: { pixelSize: 13, color: Cesium.Color.WHITE, outlineColor: colour(PALETTE.battery), outlineWidth: 3, disableDepthTestDistance: ON_TOP } },
      "battery",
      b.id,
    );
    labels.add({ key: `battery:${b.id}`, text: b.id, kind: "battery", priority: PRIORITY.battery, position: (b.moves || []).length ? moving(e) : fixed(e), symbolRadius: 9 });
    for (const r of b.radars || []) {
      const rid = `${b.id}/${r.id}`;
      const css = PALETTE.radar[r.role] || "#e599f7";
      const pos = Cesium.Cartesian3.fromDegrees(r.lon_deg, r.lat_deg, r.alt_m);
      const radar = add({ id: `radar:${rid}`, position: pos, point: { pixelSize: 7, color: colour(css), outlineColor: Cesium.Color.BLACK, outlineWidth: 1, disableDepthTestDistance: ON_TOP } }, "radar", rid);
      labels.add({ key: `radar:${rid}`, text: r.type || r.id, kind: "radar", priority: PRIORITY.radar, position: fixed(radar), visible: show.names, symbolRadius: 5 });
      const dome = primitives.add(domePrimitive(rid, pos, css));
      dome.samsimEnu = Cesium.Transforms.eastNorthUpToFixedFrame(pos);
      layers.domes.push(dome);
      const material = Cesium.Material.fromType("Color", { color: colour(css, 0.85) });
      const footprint = layers.footprints.add({ positions: circlePositions(r.lat_deg, r.lon_deg, 1, r.alt_m, 8), width: 1.5, material, id: { samsimKind: "footprint", samsimId: rid } });
      const ring = layers.rings.add({
        positions: circlePositions(r.lat_deg, r.lon_deg, 1, r.alt_m, 8),
        width: 3,
        material: Cesium.Material.fromType("PolylineDash", { color: colour(css, 1), gapColor: Cesium.Color.TRANSPARENT, dashLength: 24 }),
        id: { samsimKind: "ring", samsimId: rid },
      });
      radarsById.set(rid, { r, dome, footprint, ring });
    }
  }
  const groupSize = new Map();
  for (const t of scene.threats || []) groupSize.set(t.group ?? t.id, (groupSize.get(t.group ?? t.id) || 0) + 1);
  const single = new Set((scene.threats || []).filter((t) => groupSize.get(t.group ?? t.id) === 1).map((t) => t.id));
  // Threats and interceptors: a point, a trail behind it, and the whole route.
  const routes = [];
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
      },
      kind,
      rec.id,
    );
    layers.trails.push(e);
    // A threat alone in its group is already named by its group's label.
    if (kind !== "threat" || !single.has(rec.id)) labels.add({ key: `${kind}:${rec.id}`, text: rec.id, kind: "thing", priority: PRIORITY.thing, position: moving(e), visible: show.names });
    if (positions.length > 1) {
      routes.push({ lines: [thin(positions, 300)], css, alpha: kind === "threat" ? 0.45 : 0.6, id: { samsimKind: "route", samsimId: rec.id } });
    }
  }
  layers.routes = primitives.add(thinLines(routes));
  // One name per threat group (the scenario's threat entry), on its first member still in the air.
  const members = new Map();
  for (const t of scene.threats || []) {
    const group = t.group ?? t.id;
    if (!members.has(group)) members.set(group, { type: t.type, ids: [] });
    members.get(group).ids.push(t.id);
  }
  for (const [group, { type, ids }] of members) {
    const flying = ids.map((id) => byKey.get(`threat:${id}`)).filter(Boolean);
    if (!flying.length) continue;
    labels.add({
      key: `group:${group}`,
      text: ids.length > 1 ? `${group} · ${ids.length}× ${type}` : `${group} · ${type}`,
      kind: "group",
      priority: PRIORITY.group,
      position: (time) => {
        for (const e of flying) if (e.isAvailable(time)) return e.position.getValue(time);
        return undefined;
      },
      visible: show.groups,
      symbolRadius: 6,
    });
  }
  // Kill, leak, miss and self-destruct markers, shown from the moment they happen.
  const stop = scene.time?.stop_s ?? summary.duration_s ?? 0;
  for (const [i, m] of (markers || []).entries()) {
    const style = MARKERS[m.kind];
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

  // Sizes of the domes, footprints and rings from /domes (ranges in metres, ring height), with the
  // band and the cross section each radar's dome was sized for.
  const coverage = new Map();
  function setCoverage(radars) {
    for (const d of radars) {
      coverage.set(d.id, { dome_m: d.range_m, ring_m: d.ring_range_m, ring_alt_m: d.ring_alt_m, band: d.band, rcs_m2: d.rcs_m2 });
      const found = radarsById.get(d.id);
      if (!found) continue;
      const { r, dome, footprint, ring } = found;
      dome.modelMatrix = Cesium.Matrix4.multiplyByUniformScale(dome.samsimEnu, Math.max(d.range_m, 1), new Cesium.Matrix4());
      footprint.positions = circlePositions(r.lat_deg, r.lon_deg, d.range_m, r.alt_m - (r.antenna_height_m || 0));
      ring.positions = circlePositions(r.lat_deg, r.lon_deg, d.ring_range_m, d.ring_alt_m);
    }
  }

  // The batteries' firm tracks: a square where the battery believes the threat is, with a trail.
  const trackIcon = markerIcon("square", PALETTE.track);
  function addTracks(records) {
    entities.suspendEvents();
    for (const rec of records) {
      if (!rec.t.length) continue;
      const { prop, times } = sampledPosition(rec);
      layers.tracks.push(
        add(
          {
            id: `track:${rec.id}`,
            availability: during(times[0], times[times.length - 1]),
            position: prop,
            billboard: { image: trackIcon, width: 18, height: 18, disableDepthTestDistance: ON_TOP },
            path: { leadTime: 0, trailTime: 120, width: 2, resolution: 4, material: new Cesium.PolylineDashMaterialProperty({ color: colour(PALETTE.track, 0.9), dashLength: 12 }) },
          },
          "track",
          rec.id,
        ),
      );
    }
    entities.resumeEvents();
  }

  return { byKey, layers, coverage, setCoverage, addTracks };
}
