// Vite plugin: the replay's offline base map, made at build time from npm packages.
//
// - Country borders and coastlines: Natural Earth 1:10m admin-0 countries as TopoJSON from the
//   `world-atlas` package, turned into line strings with `topojson-client` (`mesh`: an arc shared by
//   two countries is a border, an arc of one country is a coast).
// - Place names: the populated places listed by the `city-timezones` package (name, position,
//   population).
//
// Both are written as compact JSON assets (integer millidegrees, each point stored as the difference
// from the one before) so the page downloads ~1 MB and decodes it in a few milliseconds, instead of
// parsing 5 MB of TopoJSON in the browser. The page imports their URLs from "virtual:samsim-geo".
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { mesh } from "topojson-client";

const require = createRequire(import.meta.url);
const VIRTUAL = "virtual:samsim-geo";
const RESOLVED = "\0" + VIRTUAL;
const SCALE = 1000; // millidegrees: ~100 m, finer than the 1:10m source
// Douglas-Peucker tolerance, degrees (~200 m): below what the 1:10m source resolves, and it halves
// the points the page draws every frame.
const TOLERANCE = 0.002;

// The points of `coords` ([lon, lat] pairs) to keep: Douglas-Peucker, iterative.
function simplify(coords) {
  const n = coords.length;
  if (n < 3) return coords;
  const keep = new Uint8Array(n);
  keep[0] = keep[n - 1] = 1;
  const stack = [[0, n - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    const [ax, ay] = coords[a];
    const [bx, by] = coords[b];
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    let worst = -1;
    let far = 0;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = coords[i];
      let d2;
      if (len2 === 0) d2 = (px - ax) ** 2 + (py - ay) ** 2;
      else {
        const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
        d2 = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2;
      }
      if (d2 > far) {
        far = d2;
        worst = i;
      }
    }
    if (worst >= 0 && far > TOLERANCE * TOLERANCE) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  return coords.filter((_, i) => keep[i]);
}

function encodeLine(coords) {
  const out = [];
  let px = 0;
  let py = 0;
  for (const [lon, lat] of coords) {
    const x = Math.round(lon * SCALE);
    const y = Math.round(lat * SCALE);
    if (out.length && x === px && y === py) continue; // a repeated point after rounding
    out.push(x - px, y - py);
    px = x;
    py = y;
  }
  return out;
}

export function buildLines() {
  const topology = JSON.parse(readFileSync(require.resolve("world-atlas/countries-10m.json"), "utf8"));
  const countries = topology.objects.countries;
  const lines = (filter) =>
    mesh(topology, countries, filter)
      .coordinates.map((line) => encodeLine(simplify(line)))
      .filter((l) => l.length >= 4);
  return JSON.stringify({
    scale: SCALE,
    source: "Natural Earth 1:10m admin-0 countries (world-atlas 2.0.2), simplified to 0.002 degrees",
    borders: lines((a, b) => a !== b),
    coast: lines((a, b) => a === b),
  });
}

export function buildPlaces() {
  const cities = JSON.parse(readFileSync(require.resolve("city-timezones/data/cityMap.json"), "utf8"));
  const rows = cities
    .filter((c) => Number.isFinite(c.lat) && Number.isFinite(c.lng) && c.city)
    .map((c) => [c.city, Math.round(c.lng * SCALE), Math.round(c.lat * SCALE), Math.round(c.pop || 0)])
    .sort((a, b) => b[3] - a[3]);
  return JSON.stringify({ scale: SCALE, source: "populated places of city-timezones 1.3.4", places: rows });
}

export default function samsimGeoData() {
  let serve = false;
  const cache = {};
  const data = (name) => (cache[name] ??= name === "lines" ? buildLines() : buildPlaces());
  return {
    name: "samsim-geo-data",
    configResolved(config) {
      serve = config.command === "serve";
    },
    resolveId(id) {
      return id === VIRTUAL ? RESOLVED : null;
    },
    load(id) {
      if (id !== RESOLVED) return null;
      if (serve) return 'export const LINES_URL = "/@samsim-geo/lines.json";\nexport const PLACES_URL = "/@samsim-geo/places.json";\n';
      const lines = this.emitFile({ type: "asset", name: "lines-10m.json", source: data("lines") });
      const places = this.emitFile({ type: "asset", name: "places.json", source: data("places") });
      return `export const LINES_URL = import.meta.ROLLUP_FILE_URL_${lines};\nexport const PLACES_URL = import.meta.ROLLUP_FILE_URL_${places};\n`;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/@samsim-geo\/(lines|places)\.json$/.exec(req.url || "");
        if (!m) return next();
        res.setHeader("Content-Type", "application/json");
        res.end(data(m[1]));
      });
    },
  };
}
