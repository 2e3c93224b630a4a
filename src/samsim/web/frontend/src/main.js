// samsim web front end: a hash router over two views, the 3-D replay and the study dashboard.
import "./style.css";
import { get } from "./api.js";
import { PALETTE } from "./palette.js";
import { h, hideBanner, setStatus, showBanner } from "./ui.js";

let current = null; // the active view: { destroy() }
let info = null;

async function loadView(route) {
  if (current) {
    current.destroy();
    current = null;
  }
  hideBanner();
  const view = document.getElementById("view");
  view.replaceChildren();
  setStatus("loading", "loading…");
  try {
    if (route.name === "study") {
      const { mountStudy } = await import("./study.js");
      current = await mountStudy(view, info);
    } else if (route.name === "replay") {
      const { mountReplay } = await import("./replay.js");
      current = await mountReplay(view, info, route);
    } else {
      view.append(h("p", { class: "empty" }, "Nothing to show here."));
      setStatus("ready", "ready");
    }
  } catch (err) {
    setStatus("error", "error");
    showBanner(err && err.message ? err.message : String(err));
  }
}

function parseRoute() {
  const parts = window.location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "replay" && parts[1]) return { name: "replay", rid: parts[1] };
  if (parts[0] === "study" && parts.length >= 3) return { name: "replay", group: parts[1], run: Number(parts[2]) };
  if (parts[0] === "study") return { name: "study" };
  return info.kind === "study" ? { name: "study" } : { name: "replay", rid: info.replay };
}

function renderNav() {
  const nav = document.getElementById("nav");
  const links = [];
  if (info.kind === "study") links.push(h("a", { href: "#/study" }, "Study"));
  if (info.kind === "run") links.push(h("a", { href: "#/replay/run" }, "Replay"));
  links.push(h("a", { href: "/api/files", target: "_blank", rel: "noopener" }, "Files"));
  nav.replaceChildren(...links);
  document.getElementById("title").textContent = `${info.name} · ${info.kind}`;
  document.title = `samsim · ${info.name}`;
}

// The page's CSS takes its fate colours from the palette, so they are defined once.
function paletteToCss() {
  const root = document.documentElement.style;
  root.setProperty("--killed", PALETTE.threat.killed);
  root.setProperty("--leaked", PALETTE.threat.leaked);
  root.setProperty("--survived", PALETTE.threat.survived);
  root.setProperty("--kill", PALETTE.interceptor.kill);
  root.setProperty("--miss", PALETTE.interceptor.miss);
  root.setProperty("--self-destruct", PALETTE.interceptor.self_destruct);
}

async function start() {
  paletteToCss();
  try {
    info = await get("/api/info");
  } catch (err) {
    setStatus("error", "error");
    showBanner(`The samsim server does not answer: ${err.message}`);
    return;
  }
  renderNav();
  window.addEventListener("hashchange", () => loadView(parseRoute()));
  loadView(parseRoute());
}

start();
