// Many thin lines as one primitive: WebGL lines one pixel wide, one geometry instance per colour or
// per pickable line. Cesium's PolylineCollection draws wide lines by expanding every point into a
// quad in the vertex shader, which a software-rendered browser paid ~100 ms a frame for with the
// 45,000 points of the borders; plain lines cost a few milliseconds.
import * as Cesium from "cesium";

// A geometry of the polylines `lines` (arrays of Cartesian3).
export function linesGeometry(lines) {
  let points = 0;
  let segments = 0;
  for (const line of lines) {
    points += line.length;
    segments += Math.max(line.length - 1, 0);
  }
  const positions = new Float64Array(points * 3);
  const indices = points > 65535 ? new Uint32Array(segments * 2) : new Uint16Array(segments * 2);
  let p = 0;
  let k = 0;
  for (const line of lines) {
    const first = p;
    for (const c of line) {
      positions[3 * p] = c.x;
      positions[3 * p + 1] = c.y;
      positions[3 * p + 2] = c.z;
      p += 1;
    }
    for (let i = first; i < p - 1; i++) {
      indices[k++] = i;
      indices[k++] = i + 1;
    }
  }
  return new Cesium.Geometry({
    attributes: {
      position: new Cesium.GeometryAttribute({ componentDatatype: Cesium.ComponentDatatype.DOUBLE, componentsPerAttribute: 3, values: positions }),
    },
    indices,
    primitiveType: Cesium.PrimitiveType.LINES,
    boundingSphere: Cesium.BoundingSphere.fromVertices(positions),
  });
}

// One primitive of thin lines; `instances` are {lines, css colour, alpha, id} (id: what a pick returns).
export function thinLines(instances) {
  return new Cesium.Primitive({
    geometryInstances: instances
      .filter((inst) => inst.lines.some((l) => l.length > 1))
      .map(
        (inst) =>
          new Cesium.GeometryInstance({
            geometry: linesGeometry(inst.lines),
            attributes: { color: Cesium.ColorGeometryInstanceAttribute.fromColor(Cesium.Color.fromCssColorString(inst.css).withAlpha(inst.alpha ?? 1)) },
            id: inst.id,
          }),
      ),
    appearance: new Cesium.PerInstanceColorAppearance({ flat: true, translucent: true }),
    asynchronous: false,
    releaseGeometryInstances: true,
  });
}
