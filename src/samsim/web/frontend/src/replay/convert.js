// From the API's values to Cesium's: seconds from the start of the run to JulianDate and back, and
// CSS colours to Cesium colours.
import * as Cesium from "cesium";

// Any fixed date will do: the run's clock only ever shows seconds from the start.
const EPOCH = Cesium.JulianDate.fromIso8601("2000-01-01T00:00:00Z");

export const toJulian = (s) => Cesium.JulianDate.addSeconds(EPOCH, s, new Cesium.JulianDate());
export const toSeconds = (jd) => Cesium.JulianDate.secondsDifference(jd, EPOCH);

export function colour(css, alpha = 1) {
  return Cesium.Color.fromCssColorString(css).withAlpha(alpha);
}
