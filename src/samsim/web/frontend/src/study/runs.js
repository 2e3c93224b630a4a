// The runs table of a study: 50 runs a page, sorted by a click on a column, and a click on a run
// opens its replay (the server re-simulates it from its seed). Every run has the study's seed S,
// shown once above the table; run i draws from the i-th child of SeedSequence(S), so the run index
// is what tells runs apart, and each row says how to reproduce it with `samsim run`.
import { get } from "../api.js";
import { h, setStatus } from "../ui.js";

const PAGE = 50;

// The table and its pager for the runs of groupOf() (null: every group). load() shows the current
// page, firstPage() goes back to the first.
export function createRunsTable(groupOf) {
  const table = h("table", { class: "grid runs", "data-testid": "runs-table" });
  const seedNote = h("p", { class: "muted", "data-testid": "runs-seed" });
  const pager = h("div", { class: "pager" });
  let sort = "run";
  let desc = false;
  let offset = 0;

  const sortBy = (c) => {
    desc = c === sort ? !desc : false;
    sort = c;
    offset = 0;
    load();
  };
  const open = (r) => {
    setStatus("loading", `opening run ${r.run}…`);
    window.location.hash = `#/study/${encodeURIComponent(String(r.group))}/${encodeURIComponent(String(r.run))}`;
  };

  async function load() {
    const page = await get("/api/study/runs", { group: groupOf(), offset, limit: PAGE, sort, desc });
    const head = h(
      "tr",
      {},
      page.columns.map((c) => h("th", { class: c === sort ? `sorted ${desc ? "desc" : "asc"}` : "", title: "Sort", onclick: () => sortBy(c) }, c)),
      h("th", { title: "Options of samsim run SCENARIO -o OUT that reproduce this run" }, "reproduce with"),
    );
    const body = page.rows.map((r) =>
      h(
        "tr",
        { class: "clickable", "data-run": r.run, "data-group": r.group, title: "Replay this run", onclick: () => open(r) },
        page.columns.map((c) => h("td", { class: typeof r[c] === "number" ? "num" : "" }, r[c] === null ? "—" : String(r[c]))),
        h("td", { class: "reproduce" }, h("code", {}, r.reproduce || "—")),
      ),
    );
    seedNote.textContent =
      page.seed === null || page.seed === undefined
        ? ""
        : `Study seed ${page.seed}: run i draws from the i-th child of SeedSequence(${page.seed}), so every run differs; replay one with samsim run SCENARIO --seed ${page.seed} --run i.`;
    table.replaceChildren(h("thead", {}, head), h("tbody", {}, body));
    const last = Math.min(offset + PAGE, page.total);
    pager.replaceChildren(
      h("button", { type: "button", disabled: offset === 0, onclick: () => ((offset = Math.max(0, offset - PAGE)), load()) }, "previous"),
      h("span", { "data-testid": "runs-range" }, ` runs ${page.total ? offset + 1 : 0}–${last} of ${page.total} `),
      h("button", { type: "button", disabled: last >= page.total, onclick: () => ((offset += PAGE), load()) }, "next"),
    );
  }

  const firstPage = () => {
    offset = 0;
    return load();
  };
  return { table, pager, seedNote, load, firstPage };
}
