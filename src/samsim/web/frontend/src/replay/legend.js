// The key to the globe's colours and marker symbols.
import { colourOf, h } from "../ui.js";
import { MARKER_STYLE, markerIcon } from "./entities.js";

const swatch = (css, text, shape) =>
  h("li", {}, shape ? h("img", { src: markerIcon(shape, css), alt: "", class: "icon" }) : h("span", { class: "dot", style: `background:${css}` }), text);

export function legendPanel() {
  return h(
    "div",
    { class: "legend", "data-testid": "legend" },
    h(
      "ul",
      {},
      swatch(colourOf("threat", "leaked"), "threat, leaked"),
      swatch(colourOf("threat", "killed"), "threat, killed"),
      swatch(colourOf("threat", "survived"), "threat, survived"),
      swatch(colourOf("interceptor", "kill"), "interceptor, kill"),
      swatch(colourOf("interceptor", "miss"), "interceptor, miss"),
      swatch(colourOf("interceptor", "self-destruct"), "interceptor, self-destruct"),
      swatch(MARKER_STYLE.kill.colour, "kill", "cross"),
      swatch(MARKER_STYLE.leak.colour, "leak", "diamond"),
      swatch(MARKER_STYLE.miss.colour, "miss / self-destruct", "ring"),
    ),
  );
}
