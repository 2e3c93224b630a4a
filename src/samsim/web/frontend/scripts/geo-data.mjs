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
  const lines = (filter) => mesh(topology, countries, filter).coordinates.map(encodeLine).filter((l) => l.length >= 4);
  return JSON.stringify({
    scale: SCALE,
    source: "Natural Earth 1:10m admin-0 countries (world-atlas 2.0.2)",
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
