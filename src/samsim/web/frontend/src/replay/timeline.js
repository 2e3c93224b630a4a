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
  // Called on every tick: touch the DOM only when the shown tenth of a second changes.
  const updateClockUi = () => {
    const now = toSeconds(clock.currentTime);
    if (shownTime !== null && Math.abs(now - shownTime) < 0.05) return;
    shownTime = now;
    clockEl.textContent = fmtClock(now);
    clockEl.dataset.seconds = now.toFixed(1);
    if (document.activeElement !== slider) slider.value = String(now);
    if (clock.shouldAnimate && now >= t1 - 1e-6) setPlaying(false);
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
  return { start: t0, setTime, timeS: () => toSeconds(clock.currentTime) };
}

// One event as a table row; a click moves the clock to its time.
export function eventRow(ev, setTime) {
  return h(
    "tr",
    { class: `ev ${ev.kind}`, title: `${ev.detail ? ev.detail + " · " : ""}go to this time`, onclick: () => setTime(ev.time_s) },
    h("td", { class: "num" }, fmtNum(ev.time_s, 1)),
    h("td", {}, ev.kind),
    h("td", {}, [ev.battery, ev.radar].filter(Boolean).join("/") || ""),
    h("td", {}, ev.threat || ev.track || ""),
    h("td", {}, ev.interceptor || ""),
    h("td", { class: "detail" }, ev.detail || ""),
  );
}

export function keyEventsPanel(total) {
  return h("section", { class: "panel events", "data-testid": "key-events" }, h("h3", {}, `Key events (${total})`));
}

export function fillKeyEvents(panel, events, setTime) {
  if (events.length) {
    panel.append(h("div", { class: "scroll tall" }, h("table", { class: "events compact" }, h("tbody", {}, events.map((ev) => eventRow(ev, setTime))))));
  } else {
    panel.append(h("p", { class: "muted" }, "No track, engagement or leak events."));
  }
}
