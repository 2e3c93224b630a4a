// The one palette of the front end: what each colour means, shared by the replay, its legend and the
// study dashboard. samsim.output.html.PALETTE is the same table for report.html and the study report
// (tests/web/test_palette.py keeps the two equal); docs/web.md lists it.
export const PALETTE = {
  // Threats in warm colours by fate.
  threat: { leaked: "#f03e3e", killed: "#fd7e14", survived: "#fab005" },
  // Interceptors in cool colours by result.
  interceptor: { kill: "#339af0", miss: "#868e96", self_destruct: "#9775fa" },
  // Sites.
  asset: "#40c057",
  battery: "#4263eb",
  radar: { acquisition: "#22b8cf", engagement: "#e64980", "low-altitude": "#a9e34b", "early-warning": "#fab005" },
  // A battery's firm track (its estimate of a threat) and a detection.
  track: "#e599f7",
  detection: "#adb5bd",
  // Why a threat was not engaged (summary.json unengaged_reason).
  reason: {
    weapons_hold: "#5c7cfa",
    no_track: "#ced4da",
    out_of_envelope: "#20c997",
    magazine_empty: "#c92a2a",
    no_fire_channel: "#f76707",
    lower_priority: "#f59f00",
    not_threatening: "#82c91e",
  },
  // A battery's missiles over time: rounds left (loaded and reserve), rounds on the launchers, and the
  // moment a type ran out on the launchers.
  stock: { left: "#364fc7", ready: "#74c0fc", empty: "#e03131" },
  // A jam strobe (the bearing a radar receives jamming from) and a destroyed radar.
  strobe: "#cc5de8",
  radar_destroyed: "#212529",
};

// Symbols of the moments that end a flight, drawn in the colour of the fate or result.
export const MARKERS = {
  kill: { colour: PALETTE.threat.killed, shape: "cross", label: "threat killed" },
  leak: { colour: PALETTE.threat.leaked, shape: "diamond", label: "threat leaked" },
  miss: { colour: PALETTE.interceptor.miss, shape: "ring", label: "interceptor missed" },
  self_destruct: { colour: PALETTE.interceptor.self_destruct, shape: "ring", label: "interceptor self-destructed" },
};

// The colour of a threat by fate, an interceptor by result ("self-destruct" as in summary.json), a
// track; unknown fates get a pale version of their side's colour.
export function colourOf(kind, fate) {
  if (kind === "track") return PALETTE.track;
  const table = kind === "interceptor" ? PALETTE.interceptor : PALETTE.threat;
  const key = fate === "self-destruct" ? "self_destruct" : fate;
  return table[key] || (kind === "interceptor" ? "#a5d8ff" : "#ffa8a8");
}
