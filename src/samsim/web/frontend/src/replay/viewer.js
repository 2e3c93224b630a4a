// The Cesium viewer, fully offline: Natural Earth II imagery shipped inside the cesium package under
// vector borders and place names (basemap.js), an ellipsoid globe (no terrain server), no Ion token
// and no Ion logo. Also how it redraws, where the camera starts, and when it has finished drawing.
import * as Cesium from "cesium";
import "cesium/Build/Cesium/Widgets/widgets.css";
import { h } from "../ui.js";

// What the page shows comes from these, all shipped in npm packages (see docs/web.md).
export const CREDITS = "Imagery: Natural Earth II (CesiumJS) · Borders: Natural Earth 1:10m (world-atlas) · Places: city-timezones";

export function makeViewer(container) {
  // No Ion: no token, no default Bing imagery, no geocoder; everything below loads from /cesium/.
  Cesium.Ion.defaultAccessToken = "";
  // Cesium's own credit line would show the Ion logo, which this offline viewer does not use: its
  // credits go to a detached element, and the page shows its own offline attribution instead.
  const hiddenCredits = document.createElement("div");
  const viewer = new Cesium.Viewer(container, {
    baseLayer: Cesium.ImageryLayer.fromProviderAsync(
      Cesium.TileMapServiceImageryProvider.fromUrl(Cesium.buildModuleUrl("Assets/Textures/NaturalEarthII")),
    ),
    terrainProvider: new Cesium.EllipsoidTerrainProvider(),
    creditContainer: hiddenCredits,
    animation: false,
    timeline: false,
    baseLayerPicker: false,
    fullscreenButton: false,
    geocoder: false,
    homeButton: false,
    infoBox: false,
    sceneModePicker: false,
    selectionIndicator: false,
    navigationHelpButton: false,
    projectionPicker: false,
    vrButton: false,
    shouldAnimate: false,
    skyBox: false,
    skyAtmosphere: false,
    // Software WebGL (SwiftShader, as on CI and in most VMs) pays for every pixel and pass: 4x MSAA
    // and order-independent translucency each cost more than the whole scene. Lines and points are
    // drawn with their own antialiasing, so neither is missed.
    msaaSamples: 1,
    orderIndependentTranslucency: false,
    // Render only when something changes (see untilDrawn for the first seconds).
    requestRenderMode: true,
    maximumRenderTimeChange: 0.0,
  });
  const scene = viewer.scene;
  scene.globe.enableLighting = false;
  scene.globe.depthTestAgainstTerrain = false;
  scene.globe.showGroundAtmosphere = false;
  scene.fog.enabled = false;
  if (scene.sun) scene.sun.show = false; // absent without a sky box
  if (scene.moon) scene.moon.show = false;
  // The imagery's finest level is coarse (Natural Earth II, ~2 km a pixel) and the ellipsoid has no
  // relief, so finer globe tiles add nothing but tiles to load: a larger allowed error halves them.
  scene.globe.maximumScreenSpaceError = 4;
  // The scene spans a few hundred kilometres: a few frustums draw it more cheaply than a
  // logarithmic depth buffer, which writes depth per fragment (slow in software).
  scene.logarithmicDepthBuffer = false;
  scene.backgroundColor = Cesium.Color.fromCssColorString("#0d1117");
  container.append(h("div", { class: "credits", "data-testid": "credits" }, CREDITS));
  return viewer;
}

// now(): draw one frame. settle(): draw now and for a moment after, because labels and billboards
// reach the GPU a few frames after they change and request-render mode would leave them half drawn.
export function redrawer(viewer) {
  const now = () => viewer.scene.requestRender();
  let settleTimer = null;
  const settle = () => {
    now();
    let n = 0;
    clearInterval(settleTimer);
    settleTimer = setInterval(() => {
      if (viewer.isDestroyed() || ++n > 5) return clearInterval(settleTimer);
      now();
    }, 200);
  };
  return { now, settle };
}

// Look down at 55° on the lon/lat box of the run, with a margin.
export function frameExtent(viewer, ext) {
  if (!ext) return;
  const dLon = Math.max(ext.east - ext.west, 0.2);
  const dLat = Math.max(ext.north - ext.south, 0.2);
  const rect = Cesium.Rectangle.fromDegrees(ext.west - 0.08 * dLon, ext.south - 0.08 * dLat, ext.east + 0.08 * dLon, ext.north + 0.08 * dLat);
  const sphere = Cesium.BoundingSphere.fromRectangle3D(rect, Cesium.Ellipsoid.WGS84, 0);
  viewer.camera.viewBoundingSphere(sphere, new Cesium.HeadingPitchRange(0, -Cesium.Math.toRadians(55), sphere.radius * 1.7));
  viewer.camera.lookAtTransform(Cesium.Matrix4.IDENTITY);
}

// Resolves once the globe's tiles are in, every entity is drawn and `alsoReady()` holds, after a
// frame drawn since (or after a minute regardless). It starts as soon as the viewer exists, while
// the rest of the page is still being built: loading a tile takes several frames (request, mesh,
// texture), so the scene renders continuously until then instead of frame by frame on request.
// `loaded()` is called once the tiles are in, and the promise resolves after two frames more.
export function untilDrawn(viewer, timings = {}, alsoReady = () => true, loaded = () => {}) {
  const scene = viewer.scene;
  let frames = 0;
  let after = -1; // frames drawn since the tiles were in
  scene.requestRenderMode = false;
  // Loading frames are drawn at half resolution (a quarter of the pixels: in software rendering,
  // half the time); the frames that declare the page ready are drawn at full resolution.
  viewer.resolutionScale = 0.5;
  return new Promise((resolve) => {
    const started = performance.now();
    const done = () => {
      remove();
      if (!viewer.isDestroyed()) {
        viewer.resolutionScale = 1;
        scene.requestRenderMode = true;
        scene.requestRender();
      }
      resolve();
    };
    const remove = scene.postRender.addEventListener(() => {
      if (viewer.isDestroyed()) return done();
      timings.frames = ++frames;
      if (scene.globe.tilesLoaded && !timings.tiles) timings.tiles = Math.round(performance.now());
      if (viewer.dataSourceDisplay.ready && !timings.entitiesDrawn) timings.entitiesDrawn = Math.round(performance.now());
      if (performance.now() - started > 60000) return done();
      if (after < 0 && scene.globe.tilesLoaded && viewer.dataSourceDisplay.ready && alsoReady()) {
        after = 0;
        viewer.resolutionScale = 1;
        loaded();
      } else if (after >= 0 && ++after >= 2) done();
    });
  });
}
