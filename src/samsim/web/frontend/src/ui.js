// Small DOM helpers shared by the views.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "text") el.textContent = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function setStatus(state, text) {
  const el = document.getElementById("status");
  el.dataset.state = state;
  el.textContent = text;
}

export function showBanner(message, kind = "error") {
  const el = document.getElementById("banner");
  el.textContent = message;
  el.className = `banner ${kind}`;
  el.hidden = false;
}

export function hideBanner() {
  document.getElementById("banner").hidden = true;
}

export function fmtS(x, digits = 1) {
  return x === null || x === undefined ? "—" : `${Number(x).toFixed(digits)} s`;
}

export function fmtNum(x, digits = 2) {
  return x === null || x === undefined ? "—" : Number(x).toFixed(digits);
}

export function fmtClock(seconds) {
  const s = Math.max(0, seconds);
  const m = Math.floor(s / 60);
  const r = s - 60 * m;
  return `T+${s.toFixed(1)} s (${String(m).padStart(2, "0")}:${r.toFixed(0).padStart(2, "0")})`;
}

export { colourOf } from "./palette.js";
