// Search.

import { pageQuery, pagedList } from "/js/paged.js";
import { S, api, sayIn } from "/js/state.js";
import { el, marked, num, plural } from "/js/util.js";

// ---------- search ----------

export function hitItem(h) {
  const parts = marked(h.snippet, h.marks);
  const href = "#/t/" + encodeURIComponent(h.transcript) + "?" + new URLSearchParams({ turn: h.turn, hit: h.start + "-" + h.end }).toString();
  return el("li", {}, el("a", { href }, h.transcript + " #" + h.turn), " ", el("span", { class: "muted" }, h.speaker + ": "), parts);
}

export async function showSearch(main, params) {
  const gen = S.generation;
  const q = params.get("q") || "";
  const input = el("input", { type: "search", name: "q", value: q, "aria-label": "Search query", placeholder: "e.g. goal* or \"what matters\" or theme:empowerment" });
  const form = el("form", { class: "searchbar", role: "search" }, input, el("button", { type: "submit", class: "primary" }, "Search"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const next = new URLSearchParams({ q: input.value });
    if (params.get("limit")) next.set("limit", params.get("limit"));
    location.hash = "#/search?" + next.toString();
  });
  main.replaceChildren(el("h1", {}, "Search"), form);
  if (!q) {
    input.focus();
    main.append(el("p", { class: "muted" }, "Participants' turns, stemmed words; the syntax is that of `thematic search`."));
    return;
  }
  sayIn(gen, "Searching…");
  const list = el("ol", { class: "results" });
  const hits = pagedList({
    page: async (offset) => {
      const res = await api("GET", "/api/search?" + pageQuery({ q }, offset, params));
      return { total: res.total, rows: res.hits };
    },
    into: list,
    row: hitItem,
    told: (shown, total) => sayIn(gen, plural(total, "matching turn", "matching turns") + (shown < total ? ", " + num(shown) + " shown" : "")),
    view: form,
  });
  try {
    await hits.more();
  } catch (e) {
    sayIn(gen, "");
    throw e;
  }
  if (!form.isConnected) return;
  main.append(hits.state.shown ? list : el("p", { class: "muted" }, "No turn matches."), hits.footer);
}
