// The theme board (phases 3–5 of reflexive thematic analysis): every code as a card, the
// candidate themes as areas holding them, an "Unsorted" pile and "Miscellaneous". Codes
// and themes are moved by dragging (pointer events, so mouse, pen, touch and WebDriver all
// drive it: board-pointer.js) and by the keyboard (the keys: KEYS in board-draw.js). Each change is one codebook edit on the
// server; the board is then drawn again from the server's answer, the live map beside it
// is reloaded, and the status line offers Undo where the board has an inverse.
// Blind by default: the counts are the acting coder's; `#/board?coders=all` counts everyone's.

import { ask, asking } from "/js/board-ask.js";
import { draw } from "/js/board-draw.js";
import { cancelDrag, dragging, wirePointer } from "/js/board-pointer.js";
import { versionsSection } from "/js/board-versions.js";
import { S, api, hideError, say, sayWith, showError } from "/js/state.js";
import { el, plural } from "/js/util.js";

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
  const box = draw(main, data, null, B);
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

// ---------- a drop ----------

// What a drop of a card or a theme (`d`, from board-pointer.js) on `target` does; `also`:
// Alt or Ctrl was held.
function drop(d, target, also) {
  const kind = target.dataset.drop;
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
  if (S.view !== "board" || asking() || dragging()) {
    if (dragging() && ev.key === "Escape") cancelDrag();
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
  if (ev.target.closest("#new-theme")) {
    newTheme(null);
    return;
  }
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

// ---------- the sample extract of a card ----------

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

// ---------- the view ----------

let wired = false;

function wire() {
  if (wired) return;
  wired = true;
  document.addEventListener("keydown", onKey, true);
  document.addEventListener("click", onClick);
  wirePointer({ active: () => S.view === "board" && !asking(), label, drop, sample: sampleOf });
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
  const box = draw(main, data, params, B);
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
