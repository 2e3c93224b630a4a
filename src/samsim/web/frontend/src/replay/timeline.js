// Simulated time: the Cesium clock, the play / pause button, the speed, the slider and the clock
// readout; and the list of key events, each of which moves the clock to its time.
import * as Cesium from "cesium";
import { fmtClock, fmtNum, h } from "../ui.js";
import { toJulian, toSeconds } from "./convert.js";

export const KEY_EVENTS = ["track_confirm", "track_drop", "assign", "launch", "intercept", "miss", "self_destruct", "kill", "leak"];
const SPEEDS = [1, 5, 10, 30, 60, 120];

export function timeControls() {
  const play = h("button", { type: "button", class: "play", "data-testid": "play" }, "Play");
  const speed = h("select", { "data-testid": "speed", title: "Simulated seconds per second" }, SPEEDS.map((s) => h("option", { value: s, selected: s === 30 }, `${s}×`)));
  const slider = h("input", { type: "range", class: "slider", "data-testid": "time-slider", "aria-label": "Simulation time", step: "0.1" });
  const clock = h("span", { class: "clock", "data-testid": "clock" }, "T+0.0 s");
  const element = h("div", { class: "timebar" }, play, speed, slider, clock);
  return { element, play, speed, slider, clock };
}

// Runs the viewer's clock over the run's time span and keeps the controls in step with it. Returns
// the start of the span, setTime(s) and timeS().
export function bindClock({ viewer, controls, scene, summary, redraw }) {
  const { play, speed, slider, clock: clockEl } = controls;
  const t0 = scene.time?.start_s ?? 0;
  const t1 = Math.max(scene.time?.stop_s ?? summary.duration_s ?? 1, t0 + 1);
  const clock = viewer.clock;
  clock.startTime = toJulian(t0);
  clock.stopTime = toJulian(t1);
  clock.currentTime = toJulian(t0);
  clock.clockRange = Cesium.ClockRange.CLAMPED;
  clock.multiplier = Number(speed.value);
  clock.shouldAnimate = false;
  slider.min = String(t0);
  slider.max = String(t1);
  slider.value = String(t0);
  let shownTime = null;
  const listeners = [];
  // Called on every tick: touch the DOM only when the shown tenth of a second changes.
  const updateClockUi = () => {
    const now = toSeconds(clock.currentTime);
    if (shownTime !== null && Math.abs(now - shownTime) < 0.05) return;
    shownTime = now;
    clockEl.textContent = fmtClock(now);
    clockEl.dataset.seconds = now.toFixed(1);
    if (document.activeElement !== slider) slider.value = String(now);
    if (clock.shouldAnimate && now >= t1 - 1e-6) setPlaying(false);
    for (const fn of listeners) fn(now);
  };
  const setPlaying = (on) => {
    clock.shouldAnimate = on;
    play.textContent = on ? "Pause" : "Play";
    play.dataset.playing = on ? "1" : "0";
    redraw.now();
  };
  const setTime = (s) => {
    clock.currentTime = toJulian(Math.min(Math.max(s, t0), t1));
    updateClockUi();
    redraw.settle();
  };
  clock.onTick.addEventListener(updateClockUi);
  play.addEventListener("click", () => {
    if (!clock.shouldAnimate && toSeconds(clock.currentTime) >= t1 - 1e-6) setTime(t0);
    setPlaying(!clock.shouldAnimate);
  });
  speed.addEventListener("change", () => {
    clock.multiplier = Number(speed.value);
  });
  slider.addEventListener("input", () => setTime(Number(slider.value)));
  updateClockUi();
  return {
    start: t0,
    setTime,
    timeS: () => toSeconds(clock.currentTime),
    // fn(seconds) whenever the clock shown changes, and once now.
    onTime(fn) {
      listeners.push(fn);
      fn(toSeconds(clock.currentTime));
    },
  };
}

// Who an event is about, in a few words: "s400-1/48N6E3/5 → tlam-a-3", "s400-1/T4 (tlam-a-3)".
export function eventWho(ev) {
  const target = ev.threat || ev.track || "";
  if (ev.interceptor) return `${ev.interceptor} → ${target}`;
  if (ev.kind === "track_confirm" || ev.kind === "track_drop") return `${ev.track || ""}${ev.threat ? ` (${ev.threat})` : ""}`;
  const site = [ev.battery, ev.radar].filter(Boolean).join("/");
  return [site, target].filter(Boolean).join(" → ");
}

// One event as a table row of three columns (time, kind, who; the detail in the tooltip and, in the
// wide tables, a fourth column); a click moves the clock to its time.
export function eventRow(ev, setTime, withDetail = false) {
  const who = eventWho(ev);
  return h(
    "tr",
    { class: `ev ${ev.kind}`, "data-time": ev.time_s, title: `${fmtNum(ev.time_s, 1)} s · ${ev.kind} · ${who}${ev.detail ? " · " + ev.detail : ""} — click: go to this time`, onclick: () => setTime(ev.time_s) },
    h("td", { class: "num" }, fmtNum(ev.time_s, 1)),
    h("td", { class: "kind" }, ev.kind),
    h("td", { class: "who" }, who),
    withDetail ? h("td", { class: "detail" }, ev.detail || "") : null,
  );
}

export function eventTable(events, setTime, { testid, withDetail = false } = {}) {
  const head = ["t (s)", "event", "who", ...(withDetail ? ["detail"] : [])];
  return h(
    "table",
    { class: "events", "data-testid": testid },
    h("colgroup", {}, h("col", { class: "c-time" }), h("col", { class: "c-kind" }), h("col", { class: "c-who" }), withDetail ? h("col", { class: "c-detail" }) : null),
    h("thead", {}, h("tr", {}, head.map((c) => h("th", {}, c)))),
    h("tbody", {}, events.map((ev) => eventRow(ev, setTime, withDetail))),
  );
}

export function keyEventsPanel(total) {
  return h("section", { class: "panel events", "data-testid": "key-events" }, h("h3", {}, `Key events (${total})`));
}

// Fills the key-events panel and returns follow(seconds): the row of the last event at or before
// that time is highlighted and scrolled into view in its list, and later events are dimmed.
export function fillKeyEvents(panel, events, setTime) {
  if (!events.length) {
    panel.append(h("p", { class: "muted" }, "No track, engagement or leak events."));
    return () => {};
  }
  const table = eventTable(events, setTime, { testid: "key-events-table" });
  const box = h("div", { class: "scroll tall events-scroll", "data-testid": "key-events-scroll" }, table);
  panel.append(box);
  const rows = [...table.tBodies[0].rows];
  const times = events.map((ev) => ev.time_s);
  let current = -2; // index of the highlighted row; -1: before the first event
  return (seconds) => {
    // The last event at or before `seconds` (binary search: thousands of events, called every tick).
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid] <= seconds + 1e-6) lo = mid + 1;
      else hi = mid;
    }
    const index = lo - 1;
    if (index === current) return;
    const [from, to] = current < -1 ? [0, rows.length] : [Math.min(current, index) + 1, Math.max(current, index) + 1];
    for (let i = from; i < to; i++) rows[i].classList.toggle("future", i > index);
    if (current >= 0) rows[current].classList.remove("current");
    current = index;
    box.dataset.current = String(index);
    if (index < 0) {
      box.scrollTop = 0;
      return;
    }
    const row = rows[index];
    row.classList.add("current");
    const top = row.offsetTop;
    if (top < box.scrollTop + 24 || top + row.offsetHeight > box.scrollTop + box.clientHeight) {
      box.scrollTop = Math.max(0, top - box.clientHeight / 2);
    }
  };
}
