// Drawing the theme board: the cards, the areas nested as the themes nest, the
// "Unsorted" pile, "Miscellaneous", the "New theme" drop zone, the keys panel and the map
// beside. Built into document fragments in one pass over the server's answer (no request
// per card), so a board of 1,000 codes draws in tens of milliseconds.

import { el, num, plural } from "/js/util.js";

// The keys, as the help panel lists them.
export const KEYS = [
  ["on a card", [["m", "move to a theme…"], ["a", "also in another theme…"], ["l", "take out of a theme it also sits in"], ["Enter", "open the code's page"]]],
  ["on a theme", [["r", "rename"], ["n", "new sub-theme"], ["s", "split: a new theme takes the codes you tick"], ["g", "merge into another theme…"], ["f", "mark defined, or a candidate again"], ["d", "discard (its codes go to Miscellaneous)"], ["m", "move under another theme…"]]],
  ["anywhere", [["↑ ↓", "previous / next card or theme"], ["Ctrl+Z", "undo the last board change"], ["?", "show or hide these keys"]]],
];

export function counts(n) {
  return plural(n.extracts, "extract", "extracts") + " \u00b7 " + plural(n.participants, "participant", "participants");
}

function cardEl(B, c, area) {
  const here = area === null ? c.home === null : c.home === area;
  const li = el("li", {
    class: "card" + (c.shared ? " shared" : "") + (here ? "" : " elsewhere"),
    tabindex: "0", "data-card": c.id, "data-in": area || "",
    "aria-label": c.label + ", " + counts(c) + (c.shared ? ", shared with another theme" : "") + (here ? "" : ", also here"),
  });
  const sw = el("span", { class: c.colour ? "swatch" : "swatch none", "aria-hidden": "true" });
  if (c.colour) sw.style.background = c.colour;
  li.append(sw, el("a", { class: "card-label", href: "#/code/" + encodeURIComponent(c.id), tabindex: "-1", draggable: "false" }, c.label));
  if (c.shared) li.append(el("span", { class: "badge shared-badge", title: "In more than one theme: put it in one before the theme is defined" }, "shared"));
  if (!here) li.append(el("button", { type: "button", class: "leave", tabindex: "-1", title: "Take it out of this theme", "aria-label": "Take " + c.label + " out of " + B.areas.get(area).label }, "\u00d7"));
  li.append(el("span", { class: "card-counts" }, counts(c)));
  return li;
}

function actionsMenu(a) {
  const b = (key, text) => el("button", { type: "button", class: "small", "data-act": key }, text);
  return el("details", { class: "area-menu" }, el("summary", { "aria-label": "Actions on " + a.label }, "\u22ef"),
    el("div", { class: "menu" }, b("r", "Rename"), b("n", "New sub-theme"), b("s", "Split"), b("g", "Merge into\u2026"),
      b("f", a.defined ? "Mark a candidate again" : "Mark defined"), b("m", "Move under\u2026"), b("d", "Discard")));
}

function areaEl(B, a, kids) {
  const h = a.depth ? "h3" : "h2";
  const head = el("div", { class: "area-head", tabindex: "0", "data-theme": a.id, "aria-label": "Theme " + a.label + ", " + (a.defined ? "defined" : "candidate") + ", " + plural(a.codes, "code", "codes") + ", " + counts(a) },
    el("span", { class: "grip", "aria-hidden": "true" }, "\u2847"),
    el(h, { class: "area-title" }, a.label),
    el("span", { class: "badge " + (a.defined ? "defined" : "candidate") }, a.defined ? "defined" : "candidate"),
    el("a", { class: "review-link small", href: "#/review/" + encodeURIComponent(a.id), draggable: "false" }, "Review"),
    actionsMenu(a),
    el("span", { class: "area-counts" }, plural(a.codes, "code", "codes") + " \u00b7 " + counts(a)));
  if (a.colour) head.style.borderTopColor = a.colour;
  const section = el("section", { class: "area depth-" + Math.min(a.depth, 3) + (a.misc ? " misc" : "") + (a.defined ? " is-defined" : "") + (kids.length ? " has-kids" : ""), "data-drop": "area", "data-id": a.id }, head);
  if (a.title) section.append(el("p", { class: "area-subtitle small muted" }, a.title));
  if (a.shared.length) section.append(el("p", { class: "area-warning small" }, plural(a.shared.length, "shared code", "shared codes") + " to resolve before it is defined"));
  const list = el("ul", { class: "cards" });
  for (const id of a.cards) list.append(cardEl(B, B.cards.get(id), a.id));
  if (!a.cards.length && !kids.length) list.append(el("li", { class: "empty muted small" }, "Drop codes here"));
  section.append(list);
  if (kids.length) section.append(el("div", { class: "subareas" }, kids));
  return section;
}

// Draws the board of `data` (GET /api/board) into `main`, keeping what the actions need
// in `B`; returns the (empty) element the versions go in.
export function draw(main, data, params, B) {
  B.data = data;
  B.cards = new Map(data.cards.map((c) => [c.id, c]));
  B.areas = new Map(data.areas.map((a) => [a.id, a]));
  const t = data.totals;
  const everyone = data.everyone;
  const whose = everyone
    ? el("span", {}, "Counts are every coder\u2019s. ", el("a", { href: "#/board" }, "Only yours"))
    : el("span", {}, "Counts are your codings (" + data.coder + "). ", el("a", { href: "#/board?coders=all" }, "Every coder\u2019s (reviewer)"));
  const find = el("input", { type: "search", id: "board-find", placeholder: "Find a code", size: 18, autocomplete: "off", "aria-label": "Find a code on the board" });
  find.addEventListener("input", () => {
    const q = find.value.trim().toLowerCase();
    for (const li of B.root.querySelectorAll(".card")) {
      li.classList.toggle("dim", !!q && !B.cards.get(li.dataset.card).label.toLowerCase().includes(q));
    }
  });
  find.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      const first = B.root.querySelector(".card:not(.dim)");
      if (first) first.focus();
    }
  });
  const help = el("details", { class: "board-keys panel", id: "board-keys" }, el("summary", {}, "Keys"),
    el("p", { class: "small" }, "Drag a card onto a theme to move it there; hold Alt (or Ctrl) as you drop to put it in that theme as well. Drag a theme by its heading to make it a sub-theme. Or use the keys:"),
    KEYS.map(([where, keys]) => el("div", { class: "keys-group" }, el("h3", {}, where),
      el("dl", {}, keys.flatMap(([k, what]) => [el("dt", {}, el("kbd", {}, k)), el("dd", {}, what)])))));
  const toolbar = el("div", { class: "board-bar" },
    el("button", { type: "button", class: "primary", id: "new-theme" }, "New theme"),
    find,
    el("label", { class: "board-note" }, "Why? (goes to your journal with the next change) ",
      el("input", { id: "board-note", size: 30, autocomplete: "off", placeholder: "optional" })),
    el("a", { href: "#versions", class: "small" }, "Versions"));
  // Areas nested as the tree nests them; "Miscellaneous" last.
  const kids = new Map();
  for (const a of data.areas) {
    const k = a.within || "";
    if (!kids.has(k)) kids.set(k, []);
    kids.get(k).push(a);
  }
  const build = (a) => areaEl(B, a, (kids.get(a.id) || []).map(build));
  const tops = kids.get("") || [];
  const grid = el("div", { class: "areas", "data-drop": "top" });
  const frag = document.createDocumentFragment();
  for (const a of tops.filter((a) => !a.misc)) frag.append(build(a));
  const misc = tops.find((a) => a.misc);
  if (misc) frag.append(build(misc));
  else {
    frag.append(el("section", { class: "area misc placeholder", "data-drop": "area", "data-id": "miscellaneous" },
      el("div", { class: "area-head" }, el("h2", { class: "area-title" }, "Miscellaneous")),
      el("p", { class: "muted small" }, "Codes that fit no theme yet: drop one here and the theme is made. Nothing is abandoned.")));
  }
  frag.append(el("section", { class: "area new-zone", "data-drop": "new" },
    el("p", {}, el("strong", {}, "New theme"), el("br"), el("span", { class: "muted small" }, "Drop a code here to start a theme with it"))));
  grid.append(frag);
  const pileList = el("ul", { class: "cards" });
  const pf = document.createDocumentFragment();
  for (const id of data.pile_cards) pf.append(cardEl(B, B.cards.get(id), null));
  pileList.append(pf);
  const pile = el("section", { class: "area pile" + (data.pile_cards.length ? "" : " empty-pile"), "data-drop": "pile", "aria-label": "Unsorted codes" },
    el("div", { class: "area-head" }, el("h2", { class: "area-title" }, "Unsorted"),
      el("span", { class: "area-counts" }, data.pile_cards.length ? plural(data.pile_cards.length, "code", "codes") + " in no theme yet" : "none: every code sits in a theme (drop one here to take it out)")),
    data.pile_cards.length ? pileList : null);
  const board = el("div", { class: "board", id: "board" }, pile, grid);
  B.root = board;
  // The map drawn before a change stays until the new one has come.
  const before = document.getElementById("board-map");
  const img = el("img", { id: "board-map", alt: "The thematic map of the structure on the board", decoding: "async", src: before && before.getAttribute("src") });
  // The map is loaded once the board is on the screen: drawing a large map's SVG would
  // hold up the board's first frame.
  requestAnimationFrame(() => setTimeout(() => { img.src = mapSrc(B); }, 0));
  const aside = el("aside", { class: "board-map panel", "aria-label": "The thematic map" },
    el("h2", {}, "The map now"), el("a", { href: "#/map" + (everyone ? "?coders=all" : "") }, img));
  const versions = el("section", { class: "versions", id: "versions-box" });
  main.replaceChildren(
    el("h1", {}, "Themes"),
    el("p", { class: "muted board-summary" },
      plural(t.codes, "code", "codes") + " \u00b7 " + plural(t.themes, "theme", "themes") + " (" + num(t.defined) + " defined) \u00b7 " +
      num(t.unsorted) + " unsorted \u00b7 " + plural(t.shared, "shared code", "shared codes") + ". ", whose),
    toolbar, help,
    el("div", { class: "board-layout" }, board, aside),
    versions);
  help.open = B.help || (params && params.get("keys") === "1");
  help.addEventListener("toggle", () => { B.help = help.open; });
  document.body.dataset.boardDraws = String(Number(document.body.dataset.boardDraws || 0) + 1);
  return versions;
}

function mapSrc(B) {
  const q = new URLSearchParams({ v: String(B.map) });
  if (B.everyone) q.set("coders", "all");
  return "/api/map.svg?" + q.toString();
}
