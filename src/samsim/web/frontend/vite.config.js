// Build: `npm ci && npm run build` writes the app into ../static/dist, which the Python package
// serves; scripts/copy-cesium.mjs then copies Cesium's static files (workers, assets, widgets CSS)
// into ../static/dist/cesium. Nothing is fetched from a CDN at run time.
import { defineConfig } from "vite";

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

export default defineConfig({
  base: "/",
  plugins: [knockoutWithoutEval],
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
