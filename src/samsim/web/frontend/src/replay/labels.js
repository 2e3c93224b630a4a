// Every text label of the globe, in one LabelCollection, placed so that no two overlap.
//
// Cesium draws a label where it is told, overlaps included, and has no decluttering for entities.
// Before each frame this places labels greedily in order of priority (the selected object, batteries,
// assets, threat groups, radars, single threats and interceptors, then places by population): each
// label tries a few positions around its object (above, right, below, left, and the diagonals) and
// takes the first whose screen rectangle meets no label already placed and no site symbol; a label
// with no free position is hidden until the view changes. Places also need the camera close enough
// for their size (a village only when zoomed in).
//
// Only placed labels exist in Cesium's collection: a hidden label still costs its glyphs' vertices
// every frame, and hundreds of place names are hidden at any zoom.
import * as Cesium from "cesium";

const FONT_PX = { site: 13, group: 12, thing: 11, place: 11 };
const PADDING = new Cesium.Cartesian2(5, 3);
const GAP = 2; // pixels kept free between two labels
// [dx, dy] of the label's centre, in units of (half width + r, half height + r).
const SLOTS = [
  [0, -1],
  [1, 0],
  [0, 1],
  [-1, 0],
  [1, -1],
  [1, 1],
  [-1, 1],
  [-1, -1],
];
const STYLE = {
  battery: { size: FONT_PX.site, weight: "bold ", fill: "#ffffff", bg: "rgba(28, 40, 90, 0.85)" },
  asset: { size: FONT_PX.site, weight: "bold ", fill: "#d3f9d8", bg: "rgba(10, 50, 20, 0.85)" },
  group: { size: FONT_PX.group, weight: "", fill: "#ffe8cc", bg: "rgba(60, 25, 0, 0.8)" },
  radar: { size: FONT_PX.thing, weight: "", fill: "#e3fafc", bg: "rgba(0, 0, 0, 0.6)" },
  thing: { size: FONT_PX.thing, weight: "", fill: "#f1f3f5", bg: "rgba(0, 0, 0, 0.6)" },
  place: { size: FONT_PX.place, weight: "", fill: "#f8f9fa", bg: "rgba(13, 17, 23, 0.55)" },
};
export const PRIORITY = { selected: 1000, battery: 900, asset: 800, group: 700, radar: 400, thing: 300, place: 0 };

let measurer = null;
function textWidth(text, font) {
  measurer ??= document.createElement("canvas").getContext("2d");
  measurer.font = font;
  return measurer.measureText(text).width;
}

const overlaps = (a, b) => a.x < b.x + b.w + GAP && b.x < a.x + a.w + GAP && a.y < b.y + b.h + GAP && b.y < a.y + a.h + GAP;

// The label layer of `viewer`, drawn in `parent` (a primitive collection). add() registers a label;
// it is placed before every frame.
export function createLabelLayer(viewer, parent) {
  const scene = viewer.scene;
  // One translucent pass instead of an opaque and a translucent one: half the cost.
  const collection = parent.add(new Cesium.LabelCollection({ scene, blendOption: Cesium.BlendOption.TRANSLUCENT }));
  const dots = parent.add(new Cesium.PointPrimitiveCollection({ blendOption: Cesium.BlendOption.TRANSLUCENT }));
  const items = [];
  let selectedKey = null;
  let shown = []; // placed this frame: {item, rect}
  const obstacles = []; // page elements over the globe (legend, scale bar): no label goes under them
  const scratch = new Cesium.Cartesian2();

  // item: key, text, kind (a STYLE key), priority, position(time) -> Cartesian3 | undefined,
  // visible() -> bool (its layer is on), maxDistance (m, camera to object; places), symbolRadius (px),
  // dot (CSS colour of a dot drawn with the label; places).
  function add(item) {
    const style = STYLE[item.kind] || STYLE.thing;
    const font = `${style.weight}${style.size}px sans-serif`;
    const w = Math.ceil(textWidth(item.text, font)) + 2 * PADDING.x;
    const h = Math.ceil(style.size * 1.3) + 2 * PADDING.y;
    const entry = { symbolRadius: 6, visible: () => true, maxDistance: Infinity, ...item, style, font, w, h, label: null, point: null };
    items.push(entry);
    return entry;
  }

  function show(it, position, offset) {
    if (!it.label) {
      it.label = collection.add({
        text: it.text,
        font: it.font,
        fillColor: Cesium.Color.fromCssColorString(it.style.fill),
        showBackground: true,
        backgroundColor: Cesium.Color.fromCssColorString(it.style.bg),
        backgroundPadding: PADDING,
        horizontalOrigin: Cesium.HorizontalOrigin.CENTER,
        verticalOrigin: Cesium.VerticalOrigin.CENTER,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
        position,
        pixelOffset: offset,
      });
      if (it.dot) it.point = dots.add({ position, pixelSize: 4, color: Cesium.Color.fromCssColorString(it.dot), outlineColor: Cesium.Color.BLACK, outlineWidth: 1, disableDepthTestDistance: Number.POSITIVE_INFINITY });
      return;
    }
    const o = it.label.pixelOffset;
    if (o.x !== offset.x || o.y !== offset.y) it.label.pixelOffset = offset;
    if (!Cesium.Cartesian3.equals(it.label.position, position)) {
      it.label.position = position;
      if (it.point) it.point.position = position;
    }
  }

  function hide(it) {
    if (!it.label) return;
    collection.remove(it.label);
    it.label = null;
    if (it.point) dots.remove(it.point);
    it.point = null;
  }

  function place(time) {
    const camera = scene.camera;
    const occluder = new Cesium.EllipsoidalOccluder(Cesium.Ellipsoid.WGS84, camera.positionWC);
    const width = scene.canvas.clientWidth;
    const height = scene.canvas.clientHeight;
    const candidates = [];
    for (const it of items) {
      it.placed = false;
      if (!it.visible() && it.key !== selectedKey) continue;
      const pos = it.position(time);
      if (!pos) continue;
      if (Number.isFinite(it.maxDistance) && Cesium.Cartesian3.distance(pos, camera.positionWC) > it.maxDistance) continue;
      if (!occluder.isPointVisible(pos)) continue;
      const win = Cesium.SceneTransforms.worldToWindowCoordinates(scene, pos, scratch);
      if (!win || win.x < -50 || win.y < -50 || win.x > width + 50 || win.y > height + 50) continue;
      candidates.push({ it, pos, x: win.x, y: win.y, priority: it.key === selectedKey ? PRIORITY.selected : it.priority });
    }
    candidates.sort((a, b) => b.priority - a.priority);
    // The symbols of sites are obstacles too: a label never covers a battery, asset or radar.
    const taken = candidates
      .filter((c) => c.priority >= PRIORITY.radar)
      .map((c) => ({ x: c.x - c.it.symbolRadius, y: c.y - c.it.symbolRadius, w: 2 * c.it.symbolRadius, h: 2 * c.it.symbolRadius }));
    const canvasBox = scene.canvas.getBoundingClientRect();
    for (const el of obstacles) {
      if (el.hidden || !el.isConnected) continue;
      const b = el.getBoundingClientRect();
      if (b.width && b.height) taken.push({ x: b.left - canvasBox.left, y: b.top - canvasBox.top, w: b.width, h: b.height });
    }
    shown = [];
    for (const c of candidates) {
      const { it } = c;
      const r = it.symbolRadius + 3;
      let rect = null;
      for (const [sx, sy] of SLOTS) {
        const cx = c.x + sx * (it.w / 2 + r);
        const cy = c.y + sy * (it.h / 2 + r);
        const candidate = { x: cx - it.w / 2, y: cy - it.h / 2, w: it.w, h: it.h };
        if (candidate.x < 0 || candidate.y < 0 || candidate.x + candidate.w > width || candidate.y + candidate.h > height) continue;
        if (!taken.some((t) => overlaps(candidate, t))) {
          rect = candidate;
          show(it, c.pos, new Cesium.Cartesian2(cx - c.x, cy - c.y));
          break;
        }
      }
      if (!rect) continue;
      taken.push(rect);
      it.placed = true;
      shown.push({ it, rect });
    }
    for (const it of items) if (!it.placed) hide(it);
  }

  const remove = scene.preRender.addEventListener((_, time) => place(time));

  return {
    add,
    addObstacle: (element) => obstacles.push(element),
    setSelected(key) {
      selectedKey = key;
    },
    // The rectangles placed in the last frame (CSS pixels of the canvas) and, for checking them, the
    // boxes Cesium itself drew for the same labels.
    boxes() {
      return shown.filter(({ it }) => it.label).map(({ it, rect }) => {
        const screen = it.label.computeScreenSpacePosition(scene);
        const drawn = screen ? Cesium.Label.getScreenSpaceBoundingBox(it.label, screen) : null;
        return {
          key: it.key,
          kind: it.kind,
          text: it.text,
          planned: rect,
          drawn: drawn ? { x: drawn.x, y: drawn.y, w: drawn.width, h: drawn.height } : null,
        };
      });
    },
    items: () => items,
    count: () => items.length,
    destroy() {
      remove();
    },
  };
}
