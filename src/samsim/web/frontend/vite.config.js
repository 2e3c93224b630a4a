// Build: `npm ci && npm run build` writes the app into ../static/dist, which the Python package
// serves; scripts/copy-cesium.mjs then copies Cesium's static files (workers, assets, widgets CSS)
// into ../static/dist/cesium. Nothing is fetched from a CDN at run time.
import { defineConfig } from "vite";
import { gzipSync } from "node:zlib";
import samsimGeoData from "./scripts/geo-data.mjs";

// Knockout (bundled with Cesium's widgets) finds the global object with eval("this") when the module
// loads, which the app's Content-Security-Policy (no 'unsafe-eval') forbids. The viewer is built
// without any Knockout widget, so only that lookup runs; point it at globalThis instead. The build
// fails if a Cesium upgrade changes the text, rather than shipping an app the CSP would break.
const knockoutWithoutEval = {
  name: "samsim-knockout-without-eval",
  enforce: "pre",
  transform(code, id) {
    if (!/knockout-3\.5\.1\.js$/.test(id)) return null;
    const patched = code.replace('this||(0,eval)("this")', "this||globalThis");
    if (patched === code) this.error("knockout-3.5.1.js: the eval(\"this\") global lookup was not found");
    return { code: patched, map: null };
  },
};

// Every built file over 10 kB also as NAME.gz, compressed once here at the highest level: the server
// sends it to browsers that accept gzip instead of compressing the file on every request, which took
// seconds for the 3 MB of base-map lines.
const precompressed = {
  name: "samsim-precompressed",
  apply: "build",
  generateBundle(_, bundle) {
    for (const file of Object.values(bundle)) {
      const content = file.type === "chunk" ? file.code : file.source;
      if (!/\.(js|css|json|html)$/.test(file.fileName) || content.length < 10240) continue;
      this.emitFile({ type: "asset", fileName: `${file.fileName}.gz`, source: gzipSync(content, { level: 9 }) });
    }
  },
};

export default defineConfig({
  base: "/",
  plugins: [knockoutWithoutEval, samsimGeoData(), precompressed],
  publicDir: "public",
  // Cesium loads its workers and assets relative to this URL (served by samsim.web.app).
  define: { CESIUM_BASE_URL: JSON.stringify("/cesium/") },
  build: {
    outDir: "../static/dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 8000,
    rollupOptions: {
      output: {
        manualChunks(id) {
          // Keep Vite's small helpers out of the Cesium chunk, so the study page does not load Cesium.
          if (id.includes("vite/preload-helper") || id.includes("commonjsHelpers")) return "helpers";
          if (id.includes("node_modules/cesium") || id.includes("node_modules/@cesium")) return "cesium";
          if (id.includes("node_modules/chart.js")) return "chart";
          return undefined;
        },
      },
    },
  },
});
