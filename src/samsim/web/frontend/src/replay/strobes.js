// Electronic warfare and losses on the globe: each jam strobe (the bearing a radar received jamming
// from) as a line from the radar along its azimuth and elevation, shown for STROBE_HOLD_S after the
// look that reported it, so the strobes follow the clock like the other events; and a cross on each
// radar from the moment it was destroyed. The server computes the lines' far ends (/strobes).
import * as Cesium from "cesium";
import { PALETTE } from "../palette.js";
import { colour, toJulian } from "./convert.js";
import { markerIcon } from "./entities.js";

export const STROBE_HOLD_S = 10;
const ON_TOP = Number.POSITIVE_INFINITY;

const fromDegrees = ([lat, lon, alt]) => Cesium.Cartesian3.fromDegrees(lon, lat, alt);

// The first index of sorted `times` at or after `t`.
function lowerBound(times, t) {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function addStrobes(viewer, primitives, { strobes, radars_destroyed: destroyed }, stopS) {
  const lines = primitives.add(new Cesium.PolylineCollection());
  const material = Cesium.Material.fromType("Color", { color: colour(PALETTE.strobe, 0.85) });
  const sorted = [...strobes].sort((a, b) => a.time_s - b.time_s);
  const times = sorted.map((s) => s.time_s);
  const drawn = sorted.map((s) => lines.add({ positions: [fromDegrees(s.from), fromDegrees(s.to)], width: 2, material, show: false, id: { samsimKind: "strobe", samsimId: `${s.battery}/${s.radar}` } }));
  let shown = [];

  // A cross in the destroyed-radar colour on each radar lost, from the moment it was destroyed.
  const icon = markerIcon("cross", PALETTE.radar_destroyed);
  const crosses = destroyed.map((r) =>
    viewer.entities.add({
      id: `radar-destroyed:${r.battery}/${r.radar}`,
      availability: new Cesium.TimeIntervalCollection([new Cesium.TimeInterval({ start: toJulian(r.time_s), stop: toJulian(Math.max(stopS, r.time_s)) })]),
      position: Cesium.Cartesian3.fromDegrees(r.lon_deg, r.lat_deg, r.alt_m),
      billboard: { image: icon, width: 22, height: 22, disableDepthTestDistance: ON_TOP },
    }),
  );

  return {
    // Show the strobes reported in the last STROBE_HOLD_S seconds of the clock.
    setTime(now) {
      for (const i of shown) drawn[i].show = false;
      shown = [];
      for (let i = lowerBound(times, now - STROBE_HOLD_S); i < times.length && times[i] <= now; i++) {
        if (now - times[i] >= STROBE_HOLD_S) continue;
        drawn[i].show = true;
        shown.push(i);
      }
    },
    // For tests: the strobes drawn now and the radar crosses visible now.
    state(time) {
      return {
        total: sorted.length,
        shown: shown.map((i) => ({ time_s: sorted[i].time_s, battery: sorted[i].battery, radar: sorted[i].radar, threat: sorted[i].threat, az_deg: sorted[i].az_deg, el_deg: sorted[i].el_deg })),
        destroyed: crosses.filter((e) => e.isAvailable(time)).map((e) => e.id),
      };
    },
  };
}
