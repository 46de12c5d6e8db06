// The theme board (phases 3–5 of reflexive thematic analysis): every code as a card, the
// candidate themes as areas holding them, an "Unsorted" pile and "Miscellaneous". Codes
// and themes are moved by dragging (pointer events, so mouse, pen, touch and WebDriver all
// drive it) and by the keyboard (see KEYS). Each change is one codebook edit on the
// server; the board is then drawn again from the server's answer, the live map beside it
// is reloaded, and the status line offers Undo where the board has an inverse.
// Blind by default: the counts are the acting coder's; `#/board?coders=all` counts everyone's.

import { ask, asking } from "/js/board-ask.js";
import { S, api, hideError, say, sayWith, showError } from "/js/state.js";
import { el, num, plural } from "/js/util.js";
import { versionsSection } from "/js/board-versions.js";

// The keys, as the help panel lists them.
const KEYS = [
  ["on a card", [["m", "move to a theme…"], ["a", "also in another theme…"], ["l", "take out of a theme it also sits in"], ["Enter", "open the code's page"]]],
  ["on a theme", [["r", "rename"], ["n", "new sub-theme"], ["s", "split: a new theme takes the codes you tick"], ["g", "merge into another theme…"], ["f", "mark defined, or a candidate again"], ["d", "discard (its codes go to Miscellaneous)"], ["m", "move under another theme…"]]],
  ["anywhere", [["↑ ↓", "previous / next card or theme"], ["Ctrl+Z", "undo the last board change"], ["?", "show or hide these keys"]]],
];

// What the board keeps between draws.
const B = {
  data: null, // GET /api/board
  everyone: false,
  cards: new Map(), // id → card
  areas: new Map(), // id → area
  undo: null, // { label, run } for the last change
  map: 0, // reloads of the map image
  samples: new Map(), // coders + id → sample element (or a promise of it)
  root: null, // the board's element
  help: false, // the keys panel is open
};

const label = (id) => (B.cards.get(id) || B.areas.get(id) || { label: id }).label;
const quoted = (id) => "\u201c" + label(id) + "\u201d";
const noteBox = () => document.getElementById("board-note");
// The note typed above the board goes with the next change, then is cleared.
const takeNote = (given) => {
  const box = noteBox();
  const n = given !== undefined ? given : box ? box.value.trim() : "";
  if (box) box.value = "";
  return n || undefined;
};

// ---------- drawing ----------

function counts(n) {
  return plural(n.extracts, "extract", "extracts") + " \u00b7 " + plural(n.participants, "participant", "participants");
}

function cardEl(c, area) {
  const here = area === null ? c.home === null : c.home === area;
  const li = el("li", {
    class: "card" + (c.shared ? " shared" : "") + (here ? "" : " elsewhere"),
    tabindex: "0", "data-card": c.id, "data-in": area || "",
    "aria-label": c.label + ", " + counts(c) + (c.shared ? ", shared with another theme" : "") + (here ? "" : ", also here"),
  });
  const sw = el("span", { class: "swatch", "aria-hidden": "true" });
  if (c.colour) sw.style.background = c.colour;
  li.append(sw, el("a", { class: "card-label", href: "#/code/" + encodeURIComponent(c.id), tabindex: "-1", draggable: "false" }, c.label));
  if (c.shared) li.append(el("span", { class: "badge shared-badge", title: "In more than one theme: put it in one before the theme is defined" }, "shared"));
  if (!here) li.append(el("button", { type: "button", class: "leave", tabindex: "-1", title: "Take it out of this theme", "aria-label": "Take " + c.label + " out of " + label(area) }, "\u00d7"));
  li.append(el("span", { class: "card-counts" }, counts(c)));
  return li;
}

function actionsMenu(a) {
  const b = (key, text) => el("button", { type: "button", class: "small", "data-act": key }, text);
  return el("details", { class: "area-menu" }, el("summary", { "aria-label": "Actions on " + a.label }, "\u22ef"),
    el("div", { class: "menu" }, b("r", "Rename"), b("n", "New sub-theme"), b("s", "Split"), b("g", "Merge into\u2026"),
      b("f", a.defined ? "Mark a candidate again" : "Mark defined"), b("m", "Move under\u2026"), b("d", "Discard")));
}

function areaEl(a, kids) {
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
  for (const id of a.cards) list.append(cardEl(B.cards.get(id), a.id));
  if (!a.cards.length && !kids.length) list.append(el("li", { class: "empty muted small" }, "Drop codes here"));
  section.append(list);
  if (kids.length) section.append(el("div", { class: "subareas" }, kids));
  return section;
}

function draw(main, data, params) {
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
    el("button", { type: "button", class: "primary", id: "new-theme", onclick: () => newTheme(null) }, "New theme"),
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
  const build = (a) => areaEl(a, (kids.get(a.id) || []).map(build));
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
  for (const id of data.pile_cards) pf.append(cardEl(B.cards.get(id), null));
  pileList.append(pf);
  const pile = el("section", { class: "area pile" + (data.pile_cards.length ? "" : " empty-pile"), "data-drop": "pile", "aria-label": "Unsorted codes" },
    el("div", { class: "area-head" }, el("h2", { class: "area-title" }, "Unsorted"),
      el("span", { class: "area-counts" }, data.pile_cards.length ? plural(data.pile_cards.length, "code", "codes") + " in no theme yet" : "none: every code sits in a theme (drop one here to take it out)")),
    data.pile_cards.length ? pileList : null);
  const board = el("div", { class: "board", id: "board" }, pile, grid);
  B.root = board;
  const img = el("img", { id: "board-map", alt: "The thematic map of the structure on the board", decoding: "async" });
  // The map is loaded once the board is on the screen: drawing a large map's SVG would
  // hold up the board's first frame.
  requestAnimationFrame(() => setTimeout(() => { img.src = mapSrc(); }, 0));
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

function mapSrc() {
  const q = new URLSearchParams({ v: String(B.map) });
  if (B.everyone) q.set("coders", "all");
  return "/api/map.svg?" + q.toString();
}

// ---------- talking to the server ----------

// Draws the board again from the server, keeping the focus where it was.
async function refresh() {
  const active = document.activeElement;
  const key = active && active.dataset ? (active.dataset.card ? ["card", active.dataset.card, active.dataset.in] : active.dataset.theme ? ["theme", active.dataset.theme] : null) : null;
  const [data, study] = await Promise.all([api("GET", "/api/board" + (B.everyone ? "?coders=all" : "")), api("GET", "/api/study")]);
  S.study = study;
  B.map++;
  const main = document.getElementById("main");
  // The versions section is kept as it is (with a diff shown): it does not change with the board.
  const versions = document.getElementById("versions-box");
  const box = draw(main, data, null);
  if (versions) box.replaceWith(versions);
  if (key) refocus(key);
}

function refocus(key) {
  let target = null;
  if (key[0] === "card") {
    target = B.root.querySelector('.card[data-card="' + CSS.escape(key[1]) + '"][data-in="' + CSS.escape(key[2] || "") + '"]') ||
      B.root.querySelector('.card[data-card="' + CSS.escape(key[1]) + '"]');
  } else target = B.root.querySelector('.area-head[data-theme="' + CSS.escape(key[1]) + '"]');
  if (target) target.focus({ preventScroll: false });
}

// Runs one board change: `send` talks to the server, `told(res)` says what was done, and
// `inverse(res)`, if given, is the change that undoes it ({ run, told }).
async function change(send, told, inverse) {
  let res;
  try {
    res = await send();
  } catch (e) {
    showError(e);
    return null;
  }
  hideError();
  try {
    await refresh();
  } catch (e) {
    showError(e);
  }
  const text = told(res);
  const back = inverse ? inverse(res) : null;
  if (back) {
    B.undo = back;
    sayWith(text, "Undo", undoLast);
  } else {
    B.undo = null;
    say(text);
  }
  return res;
}

async function undoLast() {
  const back = B.undo;
  B.undo = null;
  if (!back) return;
  await change(back.run, () => "Undone: " + back.told + ".");
}

const post = (path, body) => () => api("POST", path, body);
const themePath = (id, what) => "/api/board/themes/" + encodeURIComponent(id) + "/" + what;

// Puts `code` in `theme` (null: the top level) as `how` says.
function place(code, theme, how, note) {
  const where = theme === B.data.pile && B.cards.has(code) ? "Unsorted" : theme === null ? "the top level" : quoted(theme);
  const verb = { move: "Moved " + quoted(code) + " to " + where, also: quoted(code) + " is also in " + where + " now", leave: "Took " + quoted(code) + " out of " + where };
  return change(post("/api/board/place", { code, theme, how, note: takeNote(note) }), () => verb[how] + ".", (res) => {
    if (how === "also") return { told: quoted(code) + " is no longer also in " + where, run: post("/api/board/place", { code, theme, how: "leave" }) };
    if (how === "leave") return { told: quoted(code) + " is in " + where + " again", run: post("/api/board/place", { code, theme, how: "also" }) };
    const back = res.old_parent === undefined ? null : res.old_parent;
    const lost = theme !== null && res.old_also_in.includes(theme);
    return {
      told: quoted(code) + " is back where it was",
      run: async () => {
        await api("POST", "/api/board/place", { code, theme: back, how: "move" });
        if (lost) await api("POST", "/api/board/place", { code, theme, how: "also" });
      },
    };
  });
}

// Themes to choose from, in tree order, indented; `except` left out.
function themeChoices(except) {
  return B.data.areas.filter((a) => !except.has(a.id)).map((a) => ({ id: a.id, label: a.label, depth: a.depth, hint: a.defined ? "defined" : "" }));
}

// A theme and every theme drawn within it.
function within(id) {
  const out = new Set([id]);
  for (const a of B.data.areas) if (a.within && out.has(a.within)) out.add(a.id);
  return out;
}

async function newTheme(parent) {
  const answer = await ask({
    title: parent ? "New sub-theme of " + quoted(parent) : "New candidate theme",
    text: { label: "Name", placeholder: "e.g. Being heard" },
    note: takeNote() || "", confirm: "Make it",
  });
  if (!answer) return;
  await change(post("/api/board/themes", { label: answer.text, parent, note: answer.note || undefined }),
    (res) => "Made the candidate theme \u201c" + res.label + "\u201d" + (parent ? " under " + quoted(parent) : "") + ".",
    (res) => ({ told: "discarded the new theme \u201c" + res.label + "\u201d (kept in the codebook as retired)", run: post(themePath(res.id, "discard"), {}) }));
  const made = [...B.root.querySelectorAll(".area-head[data-theme]")].find((h) => label(h.dataset.theme) === answer.text);
  if (made) made.focus();
}

// A new theme made for `code`, which moves into it (drag onto "New theme", or "New theme
// named …" in the move picker).
async function newThemeFor(code, name, note) {
  let labelled = name;
  if (!labelled) {
    const answer = await ask({ title: "New theme with " + quoted(code), text: { label: "Name of the theme", placeholder: "e.g. Being heard" }, note: takeNote() || "", confirm: "Make it and move the code" });
    if (!answer) return;
    labelled = answer.text;
    note = answer.note;
  }
  const before = B.cards.get(code);
  const oldParent = before ? before.parent : null;
  let made = null;
  await change(async () => {
    made = await api("POST", "/api/board/themes", { label: labelled, note: note || undefined });
    return api("POST", "/api/board/place", { code, theme: made.id, how: "move" });
  }, () => "Made the candidate theme \u201c" + made.label + "\u201d with " + quoted(code) + " in it.",
  () => ({
    told: quoted(code) + " is back where it was, and the new theme \u201c" + made.label + "\u201d is discarded (kept as retired)",
    run: async () => {
      await api("POST", "/api/board/place", { code, theme: oldParent, how: "move" });
      await api("POST", themePath(made.id, "discard"), {});
    },
  }));
}

// ---------- the actions, on a card ----------

async function moveCard(code) {
  const c = B.cards.get(code);
  const choices = [];
  if (c.home !== null) choices.push({ id: B.data.pile, label: "Unsorted", hint: "no theme yet", pile: true });
  for (const x of themeChoices(new Set(c.home ? [c.home] : []))) choices.push(x);
  if (!B.data.misc) choices.push({ id: "miscellaneous", label: "Miscellaneous", hint: "made now" });
  const answer = await ask({
    title: "Move " + quoted(code) + " to\u2026",
    intro: c.shared ? "It sits in more than one theme; moving it makes the theme chosen its main one (it stays in the others until you take it out)." : null,
    choices, choiceLabel: "Theme", create: (typed) => "+ New theme \u201c" + typed + "\u201d",
    note: takeNote() || "", confirm: "Move",
  });
  if (!answer) return;
  if (answer.choice.create) return newThemeFor(code, answer.choice.create, answer.note);
  await place(code, answer.choice.id === "" ? null : answer.choice.id, "move", answer.note);
}

async function alsoIn(code) {
  const c = B.cards.get(code);
  const answer = await ask({
    title: "Put " + quoted(code) + " in another theme as well",
    intro: "While themes are candidates a code may sit in more than one; it is flagged \u201cshared\u201d until you resolve it.",
    choices: themeChoices(new Set([c.home, ...c.also_in].filter(Boolean))), choiceLabel: "Also in",
    note: takeNote() || "", confirm: "Also put it there",
  });
  if (!answer) return;
  await place(code, answer.choice.id, "also", answer.note);
}

async function leave(code, area) {
  const c = B.cards.get(code);
  if (area && c.also_in.includes(area)) return place(code, area, "leave");
  if (!c.also_in.length) {
    say(quoted(code) + " sits in one theme only; move it (m) to put it somewhere else.");
    return;
  }
  const answer = await ask({
    title: "Take " + quoted(code) + " out of\u2026",
    choices: c.also_in.map((id) => ({ id, label: label(id) })), choiceLabel: "Theme it also sits in",
    note: takeNote() || "", confirm: "Take it out",
  });
  if (!answer) return;
  await place(code, answer.choice.id, "leave", answer.note);
}

// ---------- the actions, on a theme ----------

async function rename(id) {
  const old = label(id);
  const answer = await ask({ title: "Rename " + quoted(id), text: { label: "Name", value: old }, note: takeNote() || "", confirm: "Rename" });
  if (!answer || answer.text === old) return;
  const to = answer.text;
  const patch = (l) => () => api("PATCH", "/api/codes/" + encodeURIComponent(id), { label: l });
  await change(async () => {
    const res = await patch(to)();
    if (answer.note) {
      await api("POST", "/api/memos", { about: "journal", target: "", text: "*Theme board: rename " + id + ": \u201c" + old + "\u201d \u2192 \u201c" + to + "\u201d.*\n\n" + answer.note });
    }
    return res;
  }, () => "Renamed \u201c" + old + "\u201d to \u201c" + to + "\u201d.",
  () => ({ told: "the theme is called \u201c" + old + "\u201d again", run: patch(old) }));
}

// What a split can take: the theme's own codes and sub-themes.
function membersOf(id) {
  const a = B.areas.get(id);
  const out = a.cards.filter((c) => { const x = B.cards.get(c); return x.parent === id || x.also_in.includes(id); }).map((c) => ({ id: c, label: label(c) }));
  for (const s of B.data.areas) if (s.parent === id) out.push({ id: s.id, label: s.label + " (sub-theme)" });
  return out;
}

async function splitTheme(id) {
  const answer = await ask({
    title: "Split " + quoted(id),
    intro: "A new candidate theme beside it takes the codes you tick; it records that it was split from " + quoted(id) + ".",
    text: { label: "Name of the new theme", placeholder: "e.g. Being listened to" },
    checks: membersOf(id), checksLabel: "Codes that go to the new theme", minChecks: 1,
    checksProblem: "Tick the codes that go to the new theme.",
    note: takeNote() || "", confirm: "Split",
  });
  if (!answer) return;
  await change(post(themePath(id, "split"), { label: answer.text, codes: answer.checks, note: answer.note || undefined }),
    (res) => "Split " + quoted(id) + ": \u201c" + res.label + "\u201d takes " + plural(answer.checks.length, "code", "codes") + ".",
    (res) => ({ told: "\u201c" + res.label + "\u201d merged back into " + quoted(id), run: post(themePath(res.id, "merge"), { into: id }) }));
}

async function mergeTheme(id) {
  const answer = await ask({
    title: "Merge " + quoted(id) + " into\u2026",
    intro: "Its codes and sub-themes move into the theme chosen; it is retired, recorded as merged.",
    choices: themeChoices(within(id)), choiceLabel: "Into", note: takeNote() || "", confirm: "Merge", danger: true,
  });
  if (!answer) return;
  const into = answer.choice.id;
  await change(post(themePath(id, "merge"), { into, note: answer.note || undefined }),
    () => "Merged " + quoted(id) + " into " + quoted(into) + ". The board cannot undo a merge: it is logged, and `thematic codebook retire " + id + " --undo` brings the theme back (then move its codes back).");
}

async function discardTheme(id) {
  const a = B.areas.get(id);
  const answer = await ask({
    title: "Discard " + quoted(id) + "?",
    intro: "It is retired (kept in the codebook's history) and its " + plural(a.codes, "code goes", "codes go") + " to Miscellaneous: nothing is abandoned.",
    note: takeNote() || "", confirm: "Discard", danger: true,
  });
  if (!answer) return;
  await change(post(themePath(id, "discard"), { note: answer.note || undefined }),
    (res) => "Discarded " + quoted(id) + (res.moved.length ? "; " + plural(res.moved.length, "code or theme", "codes and themes") + " went to Miscellaneous" : "") + ". The board cannot undo a discard: it is logged, and `thematic codebook retire " + id + " --undo` brings the theme back.");
}

async function toggleDefined(id) {
  const a = B.areas.get(id);
  const defined = !a.defined;
  const word = (d) => (d ? "defined" : "a candidate");
  await change(post(themePath(id, "status"), { defined, note: takeNote() }),
    () => quoted(id) + " is " + word(defined) + " now.",
    () => ({ told: quoted(id) + " is " + word(!defined) + " again", run: post(themePath(id, "status"), { defined: !defined }) }));
}

async function moveTheme(id) {
  const a = B.areas.get(id);
  const choices = [{ id: "", label: "(top level)", hint: "a theme of its own" }, ...themeChoices(within(id))];
  const answer = await ask({ title: "Move " + quoted(id) + " under\u2026", choices, choiceLabel: "Theme", note: takeNote() || "", confirm: "Move" });
  if (!answer) return;
  const to = answer.choice.id || null;
  if (to === a.parent) return;
  await place(id, to, "move", answer.note);
}

const THEME_KEYS = { r: rename, n: newTheme, s: splitTheme, g: mergeTheme, f: toggleDefined, d: discardTheme, m: moveTheme };

// ---------- dragging ----------

let drag = null; // { kind, id, from, x, y, started, ghost, over }

function dropTarget(x, y) {
  const at = document.elementFromPoint(x, y);
  return at ? at.closest("[data-drop]") : null;
}

function onPointerDown(ev) {
  if (ev.button !== 0 || asking()) return;
  const card = ev.target.closest(".card");
  const head = card ? null : ev.target.closest(".area-head[data-theme]");
  if (!card && !head) return;
  if (ev.target.closest("button, summary, details, input, .review-link")) return;
  drag = card
    ? { kind: "card", id: card.dataset.card, from: card.dataset.in || null, node: card }
    : { kind: "theme", id: head.dataset.theme, node: head };
  Object.assign(drag, { x: ev.clientX, y: ev.clientY, started: false, ghost: null, over: null });
}

function onPointerMove(ev) {
  if (!drag) return;
  if (!drag.started) {
    if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) < 6) return;
    drag.started = true;
    drag.ghost = el("div", { class: "drag-ghost", "aria-hidden": "true" }, label(drag.id));
    document.body.append(drag.ghost);
    drag.node.classList.add("dragging");
    document.body.classList.add("board-dragging");
  }
  ev.preventDefault();
  drag.ghost.style.transform = "translate(" + (ev.clientX + 12) + "px," + (ev.clientY + 8) + "px)";
  drag.ghost.classList.toggle("also", ev.altKey || ev.ctrlKey);
  const over = dropTarget(ev.clientX, ev.clientY);
  if (over !== drag.over) {
    if (drag.over) drag.over.classList.remove("drop-over");
    drag.over = over;
    if (over) over.classList.add("drop-over");
  }
}

function endDrag() {
  if (!drag) return null;
  const d = drag;
  drag = null;
  if (d.ghost) d.ghost.remove();
  if (d.over) d.over.classList.remove("drop-over");
  d.node.classList.remove("dragging");
  document.body.classList.remove("board-dragging");
  return d;
}

function onPointerUp(ev) {
  const d = endDrag();
  if (!d || !d.started) return;
  // The click that follows a drag must not open the card's link.
  const swallow = (e) => {
    e.preventDefault();
    e.stopPropagation();
  };
  window.addEventListener("click", swallow, { capture: true, once: true });
  setTimeout(() => window.removeEventListener("click", swallow, { capture: true }), 0);
  const target = dropTarget(ev.clientX, ev.clientY);
  if (!target) return;
  const kind = target.dataset.drop;
  const also = ev.altKey || ev.ctrlKey;
  if (d.kind === "card") {
    if (kind === "new") return newThemeFor(d.id);
    if (kind === "pile") {
      if (d.from === null) return;
      if (d.from !== B.cards.get(d.id).home) return leave(d.id, d.from);
      return place(d.id, B.data.pile, "move");
    }
    if (kind !== "area") return;
    const to = target.dataset.id;
    if (to === d.from) return;
    return place(d.id, to, also ? "also" : "move");
  }
  // A theme: under another theme, or to the top level.
  if (kind === "area") {
    const to = target.dataset.id;
    if (to === d.id || within(d.id).has(to) || to === B.areas.get(d.id).parent) return;
    return place(d.id, to, "move");
  }
  if ((kind === "top" || kind === "new") && B.areas.get(d.id).parent) return place(d.id, null, "move");
}

// ---------- keys ----------

function onKey(ev) {
  if (S.view !== "board" || asking() || drag) {
    if (drag && ev.key === "Escape") endDrag();
    return;
  }
  const t = ev.target;
  if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && !ev.shiftKey && ev.key.toLowerCase() === "z" && B.undo && !(t instanceof Element && t.matches("input, textarea"))) {
    // On the board, Ctrl+Z undoes the last board change (before the coding undo hears it).
    ev.preventDefault();
    ev.stopImmediatePropagation();
    undoLast();
    return;
  }
  if (!(t instanceof Element) || t.matches("input, textarea, select") || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (ev.key === "?") {
    const help = document.getElementById("board-keys");
    if (help) help.open = !help.open;
    ev.preventDefault();
    return;
  }
  const card = t.closest(".card");
  const head = t.matches(".area-head[data-theme]") ? t : null;
  if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
    if (!card && !head) return;
    const all = [...B.root.querySelectorAll(".card, .area-head[data-theme]")];
    const i = all.indexOf(card || head) + (ev.key === "ArrowDown" ? 1 : -1);
    if (all[i]) {
      ev.preventDefault();
      all[i].focus();
    }
    return;
  }
  if (card && t === card) {
    const id = card.dataset.card;
    const act = { m: () => moveCard(id), a: () => alsoIn(id), l: () => leave(id, card.dataset.in || null), Enter: () => { location.hash = "#/code/" + encodeURIComponent(id); } }[ev.key];
    if (act) {
      ev.preventDefault();
      act();
    }
    return;
  }
  if (head && THEME_KEYS[ev.key]) {
    ev.preventDefault();
    THEME_KEYS[ev.key](head.dataset.theme);
  }
}

function onClick(ev) {
  if (S.view !== "board" || !(ev.target instanceof Element)) return;
  const act = ev.target.closest("[data-act]");
  if (act) {
    const head = act.closest(".area-head");
    act.closest("details").open = false;
    THEME_KEYS[act.dataset.act](head.dataset.theme);
    return;
  }
  const x = ev.target.closest(".card .leave");
  if (x) {
    const card = x.closest(".card");
    leave(card.dataset.card, card.dataset.in);
  }
}

// ---------- the sample extract under the pointer or the focus ----------

let sampleTimer = 0;

function sampleBox() {
  let box = document.getElementById("board-sample");
  if (!box) {
    box = el("div", { id: "board-sample", class: "board-sample", role: "tooltip", hidden: true });
    document.body.append(box);
  }
  return box;
}

async function sampleOf(id) {
  const coders = B.everyone ? S.study.human_coders.join(",") : S.study.coder;
  const key = coders + "\u0000" + id;
  if (!B.samples.has(key)) {
    const q = new URLSearchParams({ format: "json", inline: "1", theme: id, limit: "1", coder: coders });
    B.samples.set(key, api("GET", "/api/quotes?" + q.toString()).then((res) => {
      const c = B.cards.get(id);
      if (!res.quotes.length) return [el("span", { class: "muted" }, "No extracts yet" + (B.everyone ? "." : " of yours."))];
      const q0 = res.quotes[0];
      const words = Array.from(q0.text);
      return [el("q", {}, words.length > 240 ? words.slice(0, 240).join("") + "\u2026" : q0.text),
        el("span", { class: "muted small" }, " \u2014 " + (q0.attribution || q0.participant) + ", turn " + q0.turn + (c ? " \u00b7 1 of " + plural(res.total, "extract", "extracts") : ""))];
    }).catch(() => {
      B.samples.delete(key);
      return [el("span", { class: "muted" }, "The sample could not be read.")];
    }));
  }
  return B.samples.get(key);
}

function showSample(card) {
  clearTimeout(sampleTimer);
  sampleTimer = setTimeout(async () => {
    if (drag || !card.isConnected) return;
    const parts = await sampleOf(card.dataset.card);
    if (!card.isConnected || (document.activeElement !== card && !card.matches(":hover"))) return;
    const box = sampleBox();
    box.replaceChildren(...parts.map((p) => p.cloneNode(true)));
    const r = card.getBoundingClientRect();
    box.style.left = Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - 380)) + "px";
    box.style.top = (window.scrollY + r.bottom + 4) + "px";
    box.hidden = false;
    card.setAttribute("aria-describedby", "board-sample");
  }, 250);
}

function hideSample() {
  clearTimeout(sampleTimer);
  const box = document.getElementById("board-sample");
  if (box) box.hidden = true;
}

// ---------- the view ----------

let wired = false;

function wire() {
  if (wired) return;
  wired = true;
  document.addEventListener("keydown", onKey, true);
  document.addEventListener("pointerdown", (ev) => {
    if (S.view === "board" && ev.target instanceof Element && ev.target.closest("#board")) onPointerDown(ev);
  });
  document.addEventListener("pointermove", onPointerMove);
  document.addEventListener("pointerup", onPointerUp);
  document.addEventListener("pointercancel", endDrag);
  document.addEventListener("click", onClick);
  // The browser's own drag of links and text would take the pointer away from ours.
  document.addEventListener("dragstart", (ev) => {
    if (ev.target instanceof Element && ev.target.closest("#board")) ev.preventDefault();
  });
  for (const type of ["pointerover", "focusin"]) {
    document.addEventListener(type, (ev) => {
      const card = S.view === "board" && ev.target instanceof Element ? ev.target.closest("#board .card") : null;
      if (card) showSample(card);
    });
  }
  for (const type of ["pointerout", "focusout"]) {
    document.addEventListener(type, (ev) => {
      if (ev.target instanceof Element && ev.target.closest("#board .card")) hideSample();
    });
  }
  window.addEventListener("hashchange", hideSample);
}

export async function showBoard(main, params) {
  wire();
  const gen = S.generation;
  B.everyone = params.get("coders") === "all";
  B.undo = null;
  const t0 = performance.now();
  const data = await api("GET", "/api/board" + (B.everyone ? "?coders=all" : ""));
  if (gen !== S.generation) return;
  const t1 = performance.now();
  const box = draw(main, data, params);
  // How long the answer and the drawing took (benchmarks read them).
  document.body.dataset.boardFetchMs = String(Math.round(t1 - t0));
  document.body.dataset.boardDrawMs = String(Math.round(performance.now() - t1));
  requestAnimationFrame(() => {
    document.body.dataset.boardFrameMs = String(Math.round(performance.now() - t0));
    setTimeout(() => {
      document.body.dataset.boardShownMs = String(Math.round(performance.now() - t0));
    }, 0);
  });
  versionsSection(box, gen);
}
