// The offline base map over the imagery: country borders and coastlines (Natural Earth 1:10m, from
// the world-atlas package) as thin lines, and place names (city-timezones) as labels that appear as
// the camera comes close enough for their size. Both files are made at build time
// (scripts/geo-data.mjs).
import * as Cesium from "cesium";
import { LINES_URL, PLACES_URL } from "virtual:samsim-geo";
import { PRIORITY } from "./labels.js";
import { thinLines } from "./lines.js";

const BORDER = "#f8f9fa";
const COAST = "#a5d8ff";
// Around the scenario lines are drawn at full detail; elsewhere one point in COARSE, enough for the
// outline of the continents when the camera is far out.
const COARSE = 12;
// Camera distance (m) under which a place of a given population is named.
const PLACE_RANGES = [
  [1e6, 3.0e6],
  [3e5, 1.2e6],
  [1e5, 6.0e5],
  [0, 2.5e5],
];

async function json(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

// The fetches start at once (in parallel with the run's data); drawing waits for the viewer.
export function loadBasemap() {
  return Promise.all([json(LINES_URL), json(PLACES_URL)]);
}

// The scenario's box grown on each side by its own size (at least 2°).
function region(extent, factor = 1, least = 2) {
  if (!extent) return { west: -180, south: -90, east: 180, north: 90 };
  const margin = Math.max(least, factor * Math.max(extent.east - extent.west, extent.north - extent.south));
  return { west: extent.west - margin, south: extent.south - margin, east: extent.east + margin, north: extent.north + margin };
}

// Decoded lon/lat pairs (degrees) of one delta-encoded line, and whether its box meets `box`.
function decode(line, scale) {
  const out = new Float64Array(line.length);
  let x = 0;
  let y = 0;
  for (let i = 0; i < line.length; i += 2) {
    x += line[i];
    y += line[i + 1];
    out[i] = x / scale;
    out[i + 1] = y / scale;
  }
  return out;
}

// The points of a line to draw: every point inside `box` (and its neighbours, so the line enters the
// box where it should), one in COARSE outside. Continents' coasts are single lines thousands of
// kilometres long; only their part near the scenario needs full detail.
function positionsOf(coords, box) {
  const n = coords.length / 2;
  const inside = (k) => {
    const lon = coords[2 * k];
    const lat = coords[2 * k + 1];
    return lon >= box.west && lon <= box.east && lat >= box.south && lat <= box.north;
  };
  const out = [];
  let near = 0;
  let previousInside = false;
  for (let k = 0; k < n; k++) {
    const here = inside(k);
    const keep = here || previousInside || (k + 1 < n && inside(k + 1)) || k % COARSE === 0 || k === n - 1;
    previousInside = here;
    if (!keep) continue;
    if (here) near += 1;
    out.push(Cesium.Cartesian3.fromDegrees(coords[2 * k], coords[2 * k + 1], 0));
  }
  return { positions: out, near };
}

// Adds the lines to `parent` (a primitive collection) and the places to the label layer. Returns the
// lines' primitive (for the layer toggle) and counts for the tests.
export function drawBasemap(parent, labels, [lineData, placeData], extent, visible) {
  const box = region(extent);
  const placesBox = region(extent, 2, 6);
  const counts = { borders: 0, coast: 0, points: 0, places: 0 };
  const kept = { borders: [], coast: [] };
  for (const kind of ["coast", "borders"]) {
    for (const line of lineData[kind]) {
      const coords = decode(line, lineData.scale);
      const { positions, near } = positionsOf(coords, box);
      // Far away, small islands and lakes vanish: they are dots at the zoom that shows them.
      if ((!near && coords.length < 2 * 3 * COARSE) || positions.length < 2) continue;
      kept[kind].push(positions);
      counts[kind] += 1;
      counts.points += positions.length;
    }
  }
  const lines = parent.add(
    thinLines([
      { lines: kept.coast, css: COAST, alpha: 0.85, id: { samsimKind: "basemap", samsimId: "coast" } },
      { lines: kept.borders, css: BORDER, alpha: 0.85, id: { samsimKind: "basemap", samsimId: "borders" } },
    ]),
  );

  const scale = placeData.scale;
  for (const [name, x, y, pop] of placeData.places) {
    const lon = x / scale;
    const lat = y / scale;
    if (lon < placesBox.west || lon > placesBox.east || lat < placesBox.south || lat > placesBox.north) continue;
    const position = Cesium.Cartesian3.fromDegrees(lon, lat, 0);
    labels.add({
      key: `place:${name}:${x}:${y}`,
      text: name,
      kind: "place",
      // Bigger places first; log keeps the order without letting a megacity outrank a battery.
      priority: PRIORITY.place + Math.log10(pop + 1),
      position: () => position,
      visible,
      maxDistance: PLACE_RANGES.find(([p]) => pop >= p)[1],
      symbolRadius: 3,
      dot: "#f8f9fa",
    });
    counts.places += 1;
  }
  return { lines, counts };
}
