// Copy the static parts of Cesium's prebuilt package (web workers, textures including the offline
// Natural Earth II imagery, widget CSS, third-party WASM) next to the built app, where
// CESIUM_BASE_URL ("/cesium/") points.
import { cpSync, existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
console.log(`copy-cesium: Workers, Assets, Widgets, ThirdParty -> ${target}`);
