// Choosing an entity, by a click on the globe or in the list of threats, interceptors and sites:
// it is highlighted, marked in the list, and the details panel shows what the server knows of it.
import * as Cesium from "cesium";
import { PALETTE } from "../palette.js";
import { colourOf, fmtNum, h } from "../ui.js";
import { detailsContent } from "./details.js";
import { AREA_KINDS, pickedKindId } from "./entities.js";

const PROMPT = "Click a threat, an interceptor or a site on the globe or in the list.";

export function detailsPanel() {
  return h("section", { class: "panel details", "data-testid": "details" }, h("p", { class: "muted" }, PROMPT));
}

export function entityListPanel() {
  return h("section", { class: "panel list", "data-testid": "entity-list" }, h("h3", {}, "Threats and interceptors"));
}

function listItems(summary, scene, select) {
  const item = (key, dotCss, ...cells) => h("li", { "data-key": key, onclick: () => select(key) }, h("span", { class: "dot", style: `background:${dotCss}` }), ...cells);
  return [
    ...(summary.threats || []).map((t) =>
      item(`threat:${t.id}`, colourOf("threat", t.fate), h("span", { class: "id" }, t.id), h("span", { class: "muted" }, t.type), h("span", { class: `fate ${t.fate}` }, t.fate)),
    ),
    ...(summary.interceptors || []).map((i) =>
      item(`interceptor:${i.id}`, colourOf("interceptor", i.result), h("span", { class: "id" }, i.id), h("span", { class: "muted" }, `→ ${i.target}`), h("span", { class: `fate ${i.result}` }, i.result ?? "—")),
    ),
    ...(scene.batteries || []).map((b) => item(`battery:${b.id}`, PALETTE.battery, h("span", { class: "id" }, b.id), h("span", { class: "muted" }, b.system), h("span", {}, "battery"))),
    ...(scene.assets || []).map((a) => item(`asset:${a.id}`, PALETTE.asset, h("span", { class: "id" }, a.id), h("span", { class: "muted" }, `${fmtNum(a.radius_m / 1000, 1)} km`), h("span", {}, "asset"))),
  ];
}

// Wires selection on the globe and in the list (which it fills) to the details panel.
export function bindPicking({ viewer, store, labels, details, list, summary, scene, replayGet, timeline, redraw }) {
  const { byKey } = store;
  let detailToken = 0; // answers to an older selection are dropped
  let highlighted = null;
  // The selected threat's signature per radar over its path (/signature), shown at the clock's time.
  let signature = null;
  const signatureBox = h("div", { class: "signature", "data-testid": "detail-signature" });
  function showSignatureAt(seconds) {
    if (!signature || !signature.t.length) return;
    const { t } = signature;
    if (seconds < t[0] || seconds > t[t.length - 1]) {
      signatureBox.replaceChildren(h("p", { class: "muted" }, "not in the air at this time"));
      return;
    }
    let lo = 0;
    let hi = t.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (t[mid] <= seconds) lo = mid;
      else hi = mid - 1;
    }
    const rows = signature.radars.map((r) =>
      h("tr", { "data-radar": r.id }, h("td", {}, r.id), h("td", {}, r.band), h("td", { class: "num" }, `${fmtNum(r.aspect_deg[lo], 0)}°`), h("td", { class: "num" }, r.rcs_m2[lo] === null ? "—" : `${fmtNum(r.rcs_m2[lo], 3)} m²`)),
    );
    signatureBox.replaceChildren(
      h("h4", { title: "The aspect the threat shows each radar (0° nose-on, 90° its right side) and the cross section that radar sees in its band, from the type's RCS table" }, `Seen by each radar at T+${fmtNum(t[lo], 0)} s`),
      h("table", { class: "events" }, h("tr", {}, h("th", {}, "radar"), h("th", {}, "band"), h("th", {}, "aspect"), h("th", {}, "RCS")), rows),
    );
  }
  timeline.onTime(showSignatureAt);
  async function loadSignature(id, token) {
    let answer;
    try {
      answer = await replayGet("signature", { id });
    } catch {
      return; // a threat without a path: nothing to show
    }
    if (token !== detailToken || !answer.radars.length) return;
    signature = answer;
    details.append(signatureBox);
    showSignatureAt(timeline.timeS());
  }

  function highlight(entity) {
    if (highlighted && highlighted.point) highlighted.point.pixelSize = highlighted.__size;
    highlighted = entity && entity.point ? entity : null;
    if (highlighted) {
      highlighted.__size = highlighted.__size ?? highlighted.point.pixelSize.getValue(viewer.clock.currentTime);
      highlighted.point.pixelSize = highlighted.__size + 6;
    }
    // The selected object's name is shown first, whatever the name toggles say.
    labels.setSelected(entity && entity.properties ? `${entity.properties.samsimKind.getValue()}:${entity.properties.samsimId.getValue()}` : null);
    redraw.settle();
  }

  async function showDetails(entity) {
    const token = ++detailToken;
    if (!entity || !entity.properties) {
      details.replaceChildren(h("p", { class: "muted" }, PROMPT));
      return;
    }
    const id = entity.properties.samsimId.getValue();
    const kind = entity.properties.samsimKind.getValue();
    details.replaceChildren(h("h3", { "data-testid": "detail-title" }, id), h("p", { class: "muted" }, "loading…"));
    let d;
    try {
      d = await replayGet("entity", { id });
    } catch (err) {
      if (token === detailToken) details.replaceChildren(h("h3", {}, id), h("p", { class: "note" }, err.message));
      return;
    }
    if (token !== detailToken) return;
    signature = null;
    details.replaceChildren(...detailsContent(id, kind, d, timeline));
    if (kind === "threat") loadSignature(id, token);
    for (const li of list.querySelectorAll("li.selected")) li.classList.remove("selected");
    const li = list.querySelector(`li[data-key="${CSS.escape(`${kind}:${id}`)}"]`);
    if (li) li.classList.add("selected");
  }

  viewer.selectedEntityChanged.addEventListener((entity) => {
    highlight(entity);
    showDetails(entity);
  });
  // A click goes through domes, rings, areas and route lines to the first thing inside them; failing
  // that, a dome or area picks its radar or asset, and a marker its threat or interceptor.
  viewer.screenSpaceEventHandler.setInputAction((movement) => {
    const picks = viewer.scene.drillPick(movement.position, 12);
    let chosen;
    let fallback;
    for (const p of picks) {
      const found = pickedKindId(p);
      if (!found) continue;
      const { kind, id, entity: e } = found;
      if (AREA_KINDS.has(kind)) {
        fallback = fallback || byKey.get(`radar:${id}`) || byKey.get(`asset:${id}`);
        continue;
      }
      if (kind === "marker") {
        fallback = fallback || byKey.get(`threat:${id}`) || byKey.get(`interceptor:${id}`);
        continue;
      }
      if (!e) continue;
      chosen = e;
      break;
    }
    viewer.selectedEntity = chosen || fallback;
  }, Cesium.ScreenSpaceEventType.LEFT_CLICK);

  const select = (key) => {
    const e = byKey.get(key);
    if (e) viewer.selectedEntity = e;
  };
  list.append(h("ul", { class: "entities" }, listItems(summary, scene, select)));
}
