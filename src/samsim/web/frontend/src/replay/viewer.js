// The Cesium viewer, fully offline: Natural Earth II imagery shipped inside the cesium package, an
// ellipsoid globe (no terrain server), no Ion token. Also how it redraws, where the camera starts,
// and when it has finished drawing.
import * as Cesium from "cesium";
import "cesium/Build/Cesium/Widgets/widgets.css";

export function makeViewer(container) {
  // No Ion: no token, no default Bing imagery, no geocoder; everything below loads from /cesium/.
  Cesium.Ion.defaultAccessToken = "";
  const viewer = new Cesium.Viewer(container, {
    baseLayer: Cesium.ImageryLayer.fromProviderAsync(
      Cesium.TileMapServiceImageryProvider.fromUrl(Cesium.buildModuleUrl("Assets/Textures/NaturalEarthII")),
    ),
    terrainProvider: new Cesium.EllipsoidTerrainProvider(),
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
    // Render only when something changes: software WebGL (SwiftShader) is slow.
    requestRenderMode: true,
    maximumRenderTimeChange: 0.0,
  });
  viewer.scene.globe.enableLighting = false;
  viewer.scene.globe.depthTestAgainstTerrain = false;
  viewer.scene.fog.enabled = false;
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

// Resolves once the globe's tiles are in and every entity is drawn (or after a minute regardless).
export function untilDrawn(viewer, redraw) {
  return new Promise((resolve) => {
    const started = performance.now();
    const check = () => {
      if (viewer.isDestroyed()) return resolve();
      if ((viewer.scene.globe.tilesLoaded && viewer.dataSourceDisplay.ready) || performance.now() - started > 60000) return resolve();
      redraw.now();
      setTimeout(check, 100);
    };
    check();
  });
}
