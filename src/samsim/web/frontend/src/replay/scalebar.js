// A scale bar at the bottom left of the globe: the ground distance across a bar of at most 120
// pixels at the bottom centre of the view, rounded to 1, 2 or 5 times a power of ten. Hidden when that
// part of the view is sky.
import * as Cesium from "cesium";
import { h } from "../ui.js";

const MAX_PX = 120;

function niceLength(metres) {
  const p = 10 ** Math.floor(Math.log10(metres));
  return [5, 2, 1].map((k) => k * p).find((v) => v <= metres) ?? p;
}

export function addScaleBar(viewer, container) {
  const bar = h("div", { class: "scale-bar-line" });
  const text = h("span", { class: "scale-bar-text" });
  const element = h("div", { class: "scale-bar", "data-testid": "scale-bar", hidden: true }, text, bar);
  container.append(element);
  const scene = viewer.scene;
  const geodesic = new Cesium.EllipsoidGeodesic();

  function update() {
    const canvas = scene.canvas;
    const y = canvas.clientHeight - 30;
    const x = canvas.clientWidth / 2;
    const a = scene.camera.pickEllipsoid(new Cesium.Cartesian2(x, y));
    const b = scene.camera.pickEllipsoid(new Cesium.Cartesian2(x + 1, y));
    if (!a || !b) {
      element.hidden = true;
      return;
    }
    geodesic.setEndPoints(Cesium.Cartographic.fromCartesian(a), Cesium.Cartographic.fromCartesian(b));
    const perPixel = geodesic.surfaceDistance;
    if (!(perPixel > 0)) {
      element.hidden = true;
      return;
    }
    const metres = niceLength(perPixel * MAX_PX);
    const px = metres / perPixel;
    bar.style.width = `${px.toFixed(0)}px`;
    text.textContent = metres >= 1000 ? `${metres / 1000} km` : `${metres} m`;
    element.dataset.metres = String(metres);
    element.dataset.pixels = px.toFixed(1);
    element.hidden = false;
  }
  scene.camera.percentageChanged = 0.01;
  const remove = scene.camera.changed.addEventListener(update);
  update();
  return { update, element, destroy: remove };
}
