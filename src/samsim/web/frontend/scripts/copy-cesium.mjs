// Copy the static parts of Cesium's prebuilt package (web workers, textures including the offline
// Natural Earth II imagery, widget CSS, third-party WASM) next to the built app, where
// CESIUM_BASE_URL ("/cesium/") points.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "..", "node_modules", "cesium", "Build", "Cesium");
const target = join(here, "..", "..", "static", "dist", "cesium");

if (!existsSync(source)) {
  console.error(`copy-cesium: ${source} is missing; run npm ci first`);
  process.exit(1);
}
rmSync(target, { recursive: true, force: true });
for (const part of ["Workers", "Assets", "Widgets", "ThirdParty"]) {
  cpSync(join(source, part), join(target, part), { recursive: true });
}
// The web workers, as for the app's own files (vite.config.js): gzipped once here, not per request.
const workers = join(target, "Workers");
for (const name of readdirSync(workers)) {
  const path = join(workers, name);
  if (name.endsWith(".js") && statSync(path).size >= 10240) writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
}
console.log(`copy-cesium: Workers, Assets, Widgets, ThirdParty -> ${target}`);
